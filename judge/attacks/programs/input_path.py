# Tells where its input lies: 0 when /proc/self/fd/0 names no file (the answer), else the path, from
# which the other tests and their answers could be found. A bare "/" names nothing: the sandbox reopened
# the file through a detached clone of its mount.
import os

target = os.readlink("/proc/self/fd/0")
print(0 if target == "/" or target.startswith(("/memfd:", "pipe:", "/dev/null")) else target)
