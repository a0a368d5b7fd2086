# One allocation larger than the machine; MemoryError would look like a runtime error.
data = bytearray(100 * 10**9)
print(len(data))
