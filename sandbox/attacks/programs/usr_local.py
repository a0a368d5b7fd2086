# List what the host installed under /usr/local (other interpreters' site-packages, CUDA, admin tools).
import os

found = 0
for top, dirs, files in os.walk("/usr/local"):
    for name in files:
        found += 1
        if found <= 20:
            print("ESCAPED: /usr/local file", os.path.join(top, name))
print("files under /usr/local:", found)
