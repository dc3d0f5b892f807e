"""Hostile socket clients: frames that do not parse."""

from __future__ import annotations

import base64
import json
import os
import socket
from pathlib import Path

from support.clients import Studio, recv_json, recv_until
from support.servers import Server


def test_deeply_nested_json_gets_bad_json_and_the_socket_stays(studio: Studio) -> None:
    """16 KB of nested brackets, and nesting past the limit, answer bad_json; the socket keeps working."""
    slug = studio.new_event()
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    for text in ("[" * 8000 + "]" * 8000, "{\"a\":" * 2000 + "1" + "}" * 2000,
                 '{"type": "ask", "text": ' + "[" * 40 + "]" * 40 + "}"):
        ws.send(text)
        assert recv_until(ws, "error")["code"] == "bad_json"
    ws.send(json.dumps({"type": "ask", "text": "\ud800", "client_key": "surrogate-1"}))
    assert recv_until(ws, "error")["code"] == "invalid"
    ws.send(json.dumps({"type": "vote", "question": 2**63}))
    assert recv_until(ws, "error")["code"] == "invalid"
    ws.send(json.dumps({"type": "ping"}))
    assert recv_until(ws, "pong")["type"] == "pong"
    ws.close()
    for since in (str(2**63), "9" * 40, "²", "-1"):
        resumed = studio.server.ws(f"/ws/events/{slug}?since={since}")
        assert recv_json(resumed)["type"] == "snapshot"
        resumed.close()
    assert "Traceback" not in Path(studio.server.log).read_text()


def raw_socket(server: Server, path: str) -> socket.socket:
    """A TCP connection that has completed a WebSocket handshake on ``path``."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
                 f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                 .encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 101"), answer
    return sock


def masked_text_frame(payload: bytes) -> bytes:
    mask = os.urandom(4)
    assert len(payload) < 126
    return bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def test_invalid_utf8_closes_1007_without_a_traceback(studio: Studio) -> None:
    """A text frame that is not UTF-8 closes the socket with 1007, and the server logs no traceback."""
    slug = studio.new_event()
    sock = raw_socket(studio.server, f"/ws/events/{slug}")
    sock.sendall(masked_text_frame(b"{\"type\": \"ping\", \"x\": \"\xff\xfe\"}"))
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    sock.close()
    opcode, payload = server_frames(received)[-1]
    assert opcode == 0x8 and int.from_bytes(payload[:2], "big") == 1007
    assert "Traceback" not in Path(studio.server.log).read_text()


def server_frames(data: bytes) -> list[tuple[int, bytes]]:
    """The (opcode, payload) of each unmasked frame a server sent, in order."""
    frames = []
    at = 0
    while at < len(data):
        opcode, length = data[at] & 0x0F, data[at + 1] & 0x7F
        at += 2
        if length == 126:
            length, at = int.from_bytes(data[at:at + 2], "big"), at + 2
        elif length == 127:
            length, at = int.from_bytes(data[at:at + 8], "big"), at + 8
        frames.append((opcode, data[at:at + length]))
        at += length
    return frames
