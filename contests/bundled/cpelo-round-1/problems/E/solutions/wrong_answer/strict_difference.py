# Wrong: treats a segment as calm only when max - min < k (strict).
import sys
from collections import deque

data = sys.stdin.buffer.read().split()
n, k = int(data[0]), int(data[1])
a = list(map(int, data[2 : 2 + n]))
highs, lows = deque(), deque()
left = total = 0
for right, x in enumerate(a):
    while highs and a[highs[-1]] <= x:
        highs.pop()
    highs.append(right)
    while lows and a[lows[-1]] >= x:
        lows.pop()
    lows.append(right)
    while left <= right and a[highs[0]] - a[lows[0]] >= k:
        left += 1
        if highs[0] < left:
            highs.popleft()
        if lows and lows[0] < left:
            lows.popleft()
        if not highs:
            break
    total += right - left + 1
print(total)
