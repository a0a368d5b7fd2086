# Two pointers: for every right end, the smallest calm left end; monotone deques hold the window's
# maximum and minimum candidates.
import sys
from collections import deque


def main():
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    a = list(map(int, data[2 : 2 + n]))
    highs = deque()
    lows = deque()
    left = 0
    total = 0
    for right, x in enumerate(a):
        while highs and a[highs[-1]] <= x:
            highs.pop()
        highs.append(right)
        while lows and a[lows[-1]] >= x:
            lows.pop()
        lows.append(right)
        while a[highs[0]] - a[lows[0]] > k:
            left += 1
            if highs[0] < left:
                highs.popleft()
            if lows[0] < left:
                lows.popleft()
        total += right - left + 1
    print(total)


main()
