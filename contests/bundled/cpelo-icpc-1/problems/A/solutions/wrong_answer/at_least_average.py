# Wrong: counts readings at least the average instead of strictly above it.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
a = list(map(int, data[1 : n + 1]))
total = sum(a)
print(sum(1 for x in a if x * n >= total))
