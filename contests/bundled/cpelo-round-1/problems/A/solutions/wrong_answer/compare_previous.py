# Wrong: compares each shelf with the previous ORIGINAL height instead of the raised one.
import sys

data = sys.stdin.read().split()
n = int(data[0])
a = list(map(int, data[1 : n + 1]))
print(sum(max(0, a[i - 1] - a[i]) for i in range(1, n)))
