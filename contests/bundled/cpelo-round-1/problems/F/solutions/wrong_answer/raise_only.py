# Wrong: greedily raises each post just above the previous one and never lowers anything.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
prev = None
total = 0
for token in data[1 : n + 1]:
    x = int(token)
    b = x if prev is None or x > prev else prev + 1
    total += b - x
    prev = b
print(total)
