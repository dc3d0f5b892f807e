"""WebSocket clients opened by hand, for clients that misbehave: never read, never answer a close."""

from __future__ import annotations

import base64
import os
import socket
import struct


def raw_viewer(port: int, path: str, receive_buffer: int | None = None) -> socket.socket:
    """A socket past the WebSocket handshake at ``path`` that reads and answers nothing by itself
    (``receive_buffer``: a tiny kernel buffer, to fill it quickly)."""
    sock = socket.socket()
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def close_code_received(sock: socket.socket, timeout: float = 10) -> int:
    """Read frames until the server's close frame; its status code."""
    sock.settimeout(timeout)
    data = b""
    while True:
        while len(data) < 2:
            data += sock.recv(65536)
        length = data[1] & 0x7F
        start = 2 + {126: 2, 127: 8}.get(length, 0)
        while len(data) < start:
            data += sock.recv(65536)
        if length == 126:
            length = struct.unpack("!H", data[2:4])[0]
        elif length == 127:
            length = struct.unpack("!Q", data[2:10])[0]
        while len(data) < start + length:
            data += sock.recv(65536)
        opcode, payload, data = data[0] & 0x0F, data[start:start + length], data[start + length:]
        if opcode == 0x8:
            return int(struct.unpack("!H", payload[:2])[0])


def answer_close(sock: socket.socket, code: int) -> None:
    """Send the client's (masked) close frame with ``code``."""
    mask = os.urandom(4)
    payload = struct.pack("!H", code)
    sock.sendall(bytes([0x88, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
