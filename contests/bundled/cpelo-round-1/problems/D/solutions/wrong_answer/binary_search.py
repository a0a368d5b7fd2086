# Wrong: binary search on "does the trail still climb at m?" asks two new checkpoints per step,
# 34 queries for n = 1e5, over the limit of 30.
import sys


def ask(i):
    print("?", i, flush=True)
    line = sys.stdin.readline()
    if not line:  # the interactor has given up on us
        sys.exit(0)
    return int(line)


n = int(sys.stdin.readline())
lo, hi = 1, n
while lo < hi:
    m = (lo + hi) // 2
    if ask(m) < ask(m + 1):
        lo = m + 1
    else:
        hi = m
print("!", lo, flush=True)
