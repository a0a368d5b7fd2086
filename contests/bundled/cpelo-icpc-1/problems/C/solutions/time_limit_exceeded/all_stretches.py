# Too slow: sums every stretch, O(n^2).
import sys

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
a = list(map(int, data[2 : 2 + n]))
total = 0
for l in range(n):
    s = 0
    for r in range(l, n):
        s += a[r]
        if s % k == 0:
            total += 1
print(total)
