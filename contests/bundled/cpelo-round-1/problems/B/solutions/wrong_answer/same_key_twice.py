# Wrong: looks the complement up among ALL keys, so a key of weight s/2 may be paired with itself.
import sys

data = sys.stdin.read().split()
n, s = int(data[0]), int(data[1])
a = list(map(int, data[2 : 2 + n]))
where = {x: i for i, x in enumerate(a)}
for i, x in enumerate(a):
    if s - x in where:
        print(i + 1, where[s - x] + 1)
        break
else:
    print(-1)
