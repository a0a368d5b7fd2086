import sys


def main():
    s = sys.stdin.readline().strip()
    depth = 0
    missing_open = 0
    for ch in s:
        if ch == "(":
            depth += 1
        elif depth:
            depth -= 1
        else:
            missing_open += 1
    print(missing_open + depth)


main()
