import sys


def main():
    data = sys.stdin.buffer.read().split()
    n = int(data[0])
    a = list(map(int, data[1 : n + 1]))
    total = sum(a)
    # a_i > total / n  <=>  a_i * n > total, exactly, in integers.
    print(sum(1 for x in a if x * n > total))


main()
