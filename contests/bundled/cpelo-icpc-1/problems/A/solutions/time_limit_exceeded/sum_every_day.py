# Too slow: recomputes the sum of all readings for every day, O(n^2).
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
a = list(map(int, data[1 : n + 1]))
warm = 0
for x in a:
    if x * n > sum(a):
        warm += 1
print(warm)
