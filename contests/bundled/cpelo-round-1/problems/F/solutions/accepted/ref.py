# b strictly increasing  <=>  b_i - i non-decreasing; then the classic slope trick with a max-heap of
# the breakpoints of the optimal cost function.
import heapq
import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    heap = []  # negated values: a max-heap
    total = 0
    for i in range(n):
        c = int(data[1 + i]) - i
        if heap and -heap[0] > c:
            total += -heap[0] - c
            heapq.heapreplace(heap, -c)
        heapq.heappush(heap, -c)
    print(total)


main()
