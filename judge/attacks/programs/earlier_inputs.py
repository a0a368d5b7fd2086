# Keeps a copy of every input it is given in its work dir and in /tmp, and reports how many inputs of
# earlier tests it finds there: 0 in a fresh box (every answer is 0), more when tests share state.
import glob
import os
import sys

data = sys.stdin.read()
seen = set(glob.glob("input-*")) | set(glob.glob("/tmp/input-*"))
name = f"input-{len(seen)}-{os.getpid()}"
for where in (name, "/tmp/" + name):
    try:
        with open(where, "w") as f:
            f.write(data)
    except OSError:
        pass
print(len(seen))
