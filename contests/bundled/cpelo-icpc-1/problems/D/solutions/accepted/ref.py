# Exchange argument: go through the offers by deadline keeping the chosen pays in a min-heap; when
# more offers are chosen than days available, drop the cheapest.
import heapq
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    offers = sorted(zip(map(int, data[1 : 2 * n + 1 : 2]), map(int, data[2 : 2 * n + 2 : 2])))
    chosen = []
    for deadline, pay in offers:
        heapq.heappush(chosen, pay)
        if len(chosen) > deadline:
            heapq.heappop(chosen)
    print(sum(chosen))


main()
