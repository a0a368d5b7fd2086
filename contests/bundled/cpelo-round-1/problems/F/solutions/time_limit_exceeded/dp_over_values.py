# Too slow: the textbook DP over the candidate values (an optimal b_i - i is some a_j - j), O(n^2).
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
c = [int(data[1 + i]) - i for i in range(n)]
values = sorted(set(c))
best = [0] * len(values)
for x in c:
    running = None
    for j, v in enumerate(values):
        cost = best[j] + abs(x - v)
        running = cost if running is None or cost < running else running
        best[j] = running
print(min(best))
