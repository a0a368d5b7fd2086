import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    best = 0
    total = 0
    for token in data[1 : n + 1]:
        x = int(token)
        if x < best:
            total += best - x
        else:
            best = x
    print(total)


main()
