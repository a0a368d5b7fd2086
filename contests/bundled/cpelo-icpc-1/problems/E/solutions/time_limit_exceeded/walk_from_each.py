# Too slow: a traversal from every village carrying the highest pass so far, O(n^2).
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
adj = [[] for _ in range(n + 1)]
for i in range(n - 1):
    u, v, w = int(data[1 + 3 * i]), int(data[2 + 3 * i]), int(data[3 + 3 * i])
    adj[u].append((v, w))
    adj[v].append((u, w))
total = 0
for start in range(1, n + 1):
    stack = [(start, 0, 0)]
    while stack:
        x, came_from, high = stack.pop()
        if x > start:
            total += high
        for y, w in adj[x]:
            if y != came_from:
                stack.append((y, x, high if high > w else w))
print(total)
