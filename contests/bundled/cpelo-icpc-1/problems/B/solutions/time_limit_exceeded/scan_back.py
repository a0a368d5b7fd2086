# Too slow: matches every ')' by scanning back for the nearest unmatched '(', O(n^2) on deep nesting.
s = input().strip()
used = [False] * len(s)
insert = 0
for i, ch in enumerate(s):
    if ch != ")":
        continue
    j = i - 1
    while j >= 0 and (s[j] != "(" or used[j]):
        j -= 1
    if j >= 0:
        used[j] = True
    else:
        insert += 1
insert += sum(1 for i, ch in enumerate(s) if ch == "(" and not used[i])
print(insert)
