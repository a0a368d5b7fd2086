# Looks for the tests' answers: by the absolute paths of this problem's answer files, of the bundled
# contests' answer files, and anywhere under the directories a sandbox exposes. Prints how many it
# could read: 0 when none is reachable. ANSWER_PATHS is filled in by the attack suite.
import os

ANSWER_PATHS = []  # replaced with the host paths
found = 0
for path in ANSWER_PATHS:
    try:
        with open(path, "rb") as f:
            f.read(1)
        found += 1
    except OSError:
        pass
for root in ("/usr/local/lib", "/usr/lib/python3", "/opt", "/home", "/root", "/srv", "/work"):
    if found:
        break  # the quick way worked; no need to walk the whole host
    for dirpath, dirs, files in os.walk(root):
        if "bundled" in dirpath and any(name.endswith(".ans") for name in files):
            found += 1
            break
print(found)
