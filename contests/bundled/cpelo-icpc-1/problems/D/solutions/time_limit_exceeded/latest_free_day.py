# Too slow: best-paid first into the latest free day before its deadline, found by scanning down
# day by day, O(n^2) when the deadlines coincide.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
offers = sorted(zip(map(int, data[1 : 2 * n + 1 : 2]), map(int, data[2 : 2 * n + 2 : 2])), key=lambda o: -o[1])
busy = [False] * (n + 1)
total = 0
for deadline, pay in offers:
    day = min(deadline, n)
    while day > 0 and busy[day]:
        day -= 1
    if day > 0:
        busy[day] = True
        total += pay
print(total)
