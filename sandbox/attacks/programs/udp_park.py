# Park data in loopback UDP receive queues (never read): socket memory the kernel holds for the run.
import socket

pairs = []
for _ in range(28):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    rx.bind(("127.0.0.1", 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.connect(rx.getsockname())
    tx.setblocking(False)
    pairs.append((rx, tx))
    for _ in range(200):
        try:
            tx.send(b"x" * 60000)
        except OSError:
            break
# The kernel's own count of what waits in the receive queues (rx_queue, hex, bytes).
parked = 0
for line in open("/proc/self/net/udp").readlines()[1:]:
    parked += int(line.split()[4].split(":")[1], 16)
print("parked", parked)
