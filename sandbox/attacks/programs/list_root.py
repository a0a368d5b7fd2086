# List the host's home directories and /root.
import os

for top in ("/root", "/home", "/work", "/var", "/srv", "/opt"):
    try:
        for name in os.listdir(top):
            print("entry", top, name)
    except OSError as exc:
        print("blocked", top, exc.strerror)
