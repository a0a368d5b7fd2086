# Too slow: recomputes the prefix maximum for every shelf, O(n^2).
import sys

data = sys.stdin.read().split()
n = int(data[0])
a = list(map(int, data[1 : n + 1]))
total = 0
for i in range(1, n):
    m = max(a[:i])
    if a[i] < m:
        total += m - a[i]
print(total)
