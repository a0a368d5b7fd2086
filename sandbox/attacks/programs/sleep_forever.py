# Sleep without using CPU.
import time

while True:
    time.sleep(60)
