# Look for another run's sockets: its TIME_WAIT in /proc/net/tcp and its abstract unix socket.
import socket
import sys
import time

port, token = int(sys.argv[1]), sys.argv[2]
# The run's own loopback works (else finding nothing below would prove nothing).
own = socket.socket()
own.bind(("127.0.0.1", 0))
own.listen(1)
socket.create_connection(own.getsockname()).close()
print("own loopback works")
needle = f":{port:04X} "
end = time.monotonic() + 3
seen_tcp = seen_unix = False
while time.monotonic() < end and not (seen_tcp and seen_unix):
    for path in ("/proc/net/tcp", "/proc/self/net/tcp", "/proc/net/tcp6", "/proc/self/net/tcp6"):
        try:
            for line in open(path):
                if needle in line and not seen_tcp:
                    print("ESCAPED: another run's socket in", path, line.split()[1:4])
                    seen_tcp = True
        except OSError:
            pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        if not seen_unix:
            s.connect("\0cpelo-bait-" + token)
            print("ESCAPED: reached another run's abstract socket:", s.recv(64))
            seen_unix = True
    except OSError:
        pass
    finally:
        s.close()
    time.sleep(0.1)
print("probe done")
