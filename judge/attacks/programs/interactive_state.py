# Binary search for the secret, but first looks for a marker left by an earlier test in its work dir
# or /tmp: when it finds one it guesses out of range (WRONG_ANSWER), so any state carried across the
# tests of an interactive problem shows in the verdict.
import glob
import os
import sys

if glob.glob("marker-*") or glob.glob("/tmp/marker-*"):
    print(5000, flush=True)
    sys.exit(0)
for where in (f"marker-{os.getpid()}", f"/tmp/marker-{os.getpid()}"):
    try:
        open(where, "w").close()
    except OSError:
        pass
lo, hi = 1, 1000
while True:
    mid = (lo + hi) // 2
    print(mid, flush=True)
    reply = sys.stdin.readline().strip()
    if reply == "correct":
        break
    if reply == "higher":
        lo = mid + 1
    else:
        hi = mid - 1
