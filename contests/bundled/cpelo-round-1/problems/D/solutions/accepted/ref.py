# Fibonacci search: every step reuses one of its two probes, so about log_phi(n) queries (24 for n = 1e5).
import sys


def main():
    n = int(sys.stdin.readline())
    cache = {}

    def altitude(x):
        if x > n:  # virtual checkpoints beyond the end keep descending
            return -x
        if x not in cache:
            print("?", x, flush=True)
            line = sys.stdin.readline()
            if not line:  # the interactor has given up on us
                sys.exit(0)
            cache[x] = int(line)
        return cache[x]

    fib = [0, 1]
    while fib[-1] < n + 1:
        fib.append(fib[-1] + fib[-2])
    k = len(fib) - 1
    lo = 0  # the summit lies strictly inside (lo, lo + fib[k])
    while k > 3:
        if altitude(lo + fib[k - 2]) < altitude(lo + fib[k - 1]):
            lo += fib[k - 2]
        k -= 1
    print("!", lo + 1, flush=True)


main()
