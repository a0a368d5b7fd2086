# Resolve names and reach public DNS servers.
import socket

for name in ("example.com", "google.com", "localhost"):
    try:
        print("resolved", name, socket.gethostbyname(name))
    except OSError as exc:
        print("blocked", name, exc)
for server in ("8.8.8.8", "1.1.1.1"):
    try:
        s = socket.create_connection((server, 53), timeout=0.5)
        print("ESCAPED: reached", server)
        s.close()
    except OSError as exc:
        print("blocked", server, exc)
