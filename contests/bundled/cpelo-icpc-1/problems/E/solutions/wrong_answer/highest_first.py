# Wrong: joins the passes from the highest down, which sums the LOWEST pass on every route.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
edges = sorted(
    zip(map(int, data[3 : 3 * n : 3]), map(int, data[1 : 3 * n : 3]), map(int, data[2 : 3 * n : 3])),
    reverse=True,
)
parent = list(range(n + 1))
size = [1] * (n + 1)


def find(x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


total = 0
for w, u, v in edges:
    a, b = find(u), find(v)
    total += w * size[a] * size[b]
    parent[b] = a
    size[a] += size[b]
print(total)
