data = [i for i in range(50_000_000)]
print(len(data))
