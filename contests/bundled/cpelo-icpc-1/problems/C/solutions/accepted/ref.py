import sys


def main():
    data = sys.stdin.buffer.read().split()
    n, k = int(data[0]), int(data[1])
    seen = {0: 1}
    prefix = 0
    total = 0
    for token in data[2 : 2 + n]:
        prefix = (prefix + int(token)) % k
        count = seen.get(prefix, 0)
        total += count
        seen[prefix] = count + 1
    print(total)


main()
