# Grow a list of fresh objects without end.
blocks = []
while True:
    blocks.append(bytearray(8 << 20))
