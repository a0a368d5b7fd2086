# Add the passes from lowest to highest with a disjoint-set union: when pass w joins two groups of
# sizes s and t, it is the highest pass on exactly s * t routes.
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    edges = sorted(
        zip(map(int, data[3 : 3 * n : 3]), map(int, data[1 : 3 * n : 3]), map(int, data[2 : 3 * n : 3]))
    )
    parent = list(range(n + 1))
    size = [1] * (n + 1)

    def find(x):
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    total = 0
    for w, u, v in edges:
        a, b = find(u), find(v)
        total += w * size[a] * size[b]
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
    print(total)


main()
