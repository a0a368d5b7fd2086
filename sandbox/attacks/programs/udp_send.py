# Send UDP datagrams to a socket the self-test bound on the host's loopback.
import socket
import sys

port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for host in ("127.0.0.1", "255.255.255.255", "10.0.2.2"):
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.sendto(b"PWNED", (host, port))
        print("sent", host)
    except OSError as exc:
        print("blocked", host, exc.strerror)
