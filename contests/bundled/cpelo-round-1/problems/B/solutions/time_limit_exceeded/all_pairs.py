# Too slow: tries every pair, O(n^2).
import sys

data = sys.stdin.read().split()
n, s = int(data[0]), int(data[1])
a = list(map(int, data[2 : 2 + n]))
for i in range(n):
    for j in range(i + 1, n):
        if a[i] + a[j] == s:
            print(i + 1, j + 1)
            sys.exit(0)
print(-1)
