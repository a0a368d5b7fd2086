# Wrong: takes offers by pay while fewer than d_i offers are taken, which blocks early deadlines.
import sys

data = sys.stdin.buffer.read().split()
n = int(data[0])
offers = sorted(zip(map(int, data[1 : 2 * n + 1 : 2]), map(int, data[2 : 2 * n + 2 : 2])), key=lambda o: -o[1])
taken = 0
total = 0
for deadline, pay in offers:
    if taken < deadline:
        taken += 1
        total += pay
print(total)
