# Fork until refused; every child sleeps. Prints how many forks succeeded.
import os
import time

n = 0
for _ in range(100000):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    n += 1
print("forked", n)
