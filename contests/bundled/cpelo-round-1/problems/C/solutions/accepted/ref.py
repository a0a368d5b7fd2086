import math
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    p = [int(x) / 1e6 for x in data[2 : 2 + n]]
    # Window products without division: count zeros and add logarithms of the non-zero factors.
    zeros = [0] * (n + 1)
    logs = [0.0] * (n + 1)
    for i, x in enumerate(p):
        zeros[i + 1] = zeros[i] + (x == 0.0)
        logs[i + 1] = logs[i] + (math.log(x) if x > 0.0 else 0.0)
    total = 0.0
    for i in range(n - k + 1):
        if zeros[i + k] != zeros[i]:
            continue
        window = math.exp(logs[i + k] - logs[i])
        before = 1.0 if i == 0 else 1.0 - p[i - 1]
        total += before * window
    print(f"{total:.12f}")


main()
