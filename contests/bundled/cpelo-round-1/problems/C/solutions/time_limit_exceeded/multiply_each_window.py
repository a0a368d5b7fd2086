# Too slow: multiplies the k factors of every window from scratch, O(n k).
import sys

data = sys.stdin.read().split()
n, k = int(data[0]), int(data[1])
p = [int(x) / 1e6 for x in data[2 : 2 + n]]
total = 0.0
for i in range(n - k + 1):
    window = 1.0 if i == 0 else 1.0 - p[i - 1]
    for j in range(i, i + k):
        window *= p[j]
    total += window
print(f"{total:.12f}")
