# Too slow: ternary search whose range stops shrinking once it is two checkpoints wide; the answers
# are cached, so it spins forever without asking anything.
import sys

n = int(sys.stdin.readline())
cache = {}


def altitude(i):
    if i not in cache:
        print("?", i, flush=True)
        cache[i] = int(sys.stdin.readline())
    return cache[i]


lo, hi = 1, n
while lo < hi:
    d = (hi - lo) // 3
    m1, m2 = lo + d, hi - d
    if altitude(m1) < altitude(m2):
        lo = m1
    else:
        hi = m2
print("!", lo, flush=True)
