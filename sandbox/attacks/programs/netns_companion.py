# Another run, at the same time: leaves a TIME_WAIT socket on a known port and listens on an abstract
# unix socket, for the probe run to find.
import socket
import sys
import time

port, token = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(4)
cli = socket.create_connection(("127.0.0.1", port))
conn, _ = srv.accept()
cli.close()  # the side closing first keeps the TIME_WAIT
conn.close()
abstract = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
abstract.bind("\0cpelo-bait-" + token)
abstract.listen(4)
abstract.settimeout(0.2)
end = time.monotonic() + 4
while time.monotonic() < end:
    try:
        c, _ = abstract.accept()
        c.sendall(b"from another run")
        c.close()
    except OSError:
        pass
print("companion done")
