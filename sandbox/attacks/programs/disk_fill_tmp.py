# Fill /tmp with files until the writes fail; prints the total written.
import os
import signal

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
total = 0
chunk = b"x" * (1 << 20)
for i in range(100000):
    try:
        with open(f"/tmp/fill{i}", "wb", buffering=0) as f:
            wrote = 0
            while True:
                n = f.write(chunk)
                total += n
                wrote += n
    except OSError:
        if not wrote:
            break
print("wrote", total)
