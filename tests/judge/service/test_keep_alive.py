"""A keep-alive connection is not closed while a request sits unread in its socket."""

from __future__ import annotations

import socket

from judge.service.server import _bytes_waiting


class _Transport:
    def __init__(self, sock: socket.socket | None) -> None:
        self.sock = sock

    def get_extra_info(self, name: str) -> socket.socket | None:
        return self.sock if name == "socket" else None


def test_bytes_waiting_sees_an_unread_request_and_nothing_else() -> None:
    server, client = socket.socketpair()
    with server, client:
        transport = _Transport(server)
        assert not _bytes_waiting(transport)  # type: ignore[arg-type]
        client.sendall(b"GET / HTTP/1.1\r\n")
        assert _bytes_waiting(transport)  # type: ignore[arg-type]
        assert _bytes_waiting(transport)  # type: ignore[arg-type]  # peeking consumed nothing
        assert server.recv(64) == b"GET / HTTP/1.1\r\n"
        client.close()
        assert not _bytes_waiting(transport)  # type: ignore[arg-type]  # closed peer: end of stream
    assert not _bytes_waiting(_Transport(None))  # type: ignore[arg-type]
