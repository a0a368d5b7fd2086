# Too slow: from every left end, extends to the right while the segment stays calm, O(n^2).
import sys

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
a = list(map(int, data[2 : 2 + n]))
total = 0
for left in range(n):
    hi = lo = a[left]
    for right in range(left, n):
        x = a[right]
        if x > hi:
            hi = x
        if x < lo:
            lo = x
        if hi - lo > k:
            break
        total += 1
print(total)
