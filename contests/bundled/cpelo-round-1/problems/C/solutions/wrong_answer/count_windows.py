# Wrong: counts windows of k successes, forgetting that a streak must start after a miss.
import math
import sys

data = sys.stdin.read().split()
n, k = int(data[0]), int(data[1])
p = [int(x) / 1e6 for x in data[2 : 2 + n]]
zeros = [0] * (n + 1)
logs = [0.0] * (n + 1)
for i, x in enumerate(p):
    zeros[i + 1] = zeros[i] + (x == 0.0)
    logs[i + 1] = logs[i] + (math.log(x) if x > 0.0 else 0.0)
total = 0.0
for i in range(n - k + 1):
    if zeros[i + k] == zeros[i]:
        total += math.exp(logs[i + k] - logs[i])
print(f"{total:.12f}")
