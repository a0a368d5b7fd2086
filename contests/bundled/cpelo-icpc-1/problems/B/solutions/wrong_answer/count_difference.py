# Wrong: only balances the counts, ignoring the order (")(" needs two insertions, not zero).
s = input().strip()
print(abs(s.count("(") - s.count(")")))
