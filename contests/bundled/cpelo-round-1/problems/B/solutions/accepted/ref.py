import sys


def main():
    data = sys.stdin.buffer.read().split()
    n, s = int(data[0]), int(data[1])
    seen = {}
    for i in range(n):
        x = int(data[2 + i])
        j = seen.get(s - x)
        if j is not None:
            print(j + 1, i + 1)
            return
        seen.setdefault(x, i)
    print(-1)


main()
