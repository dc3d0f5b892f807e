"""Hostile socket clients: ended staff sessions, crowds from one address, frames that do not parse."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect as connect_async

from support.clients import StaffClient, Studio, close_code, recv_json, recv_until, running_studio
from support.redis_server import RedisServer
from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD, Server

QUIET = {"STUDIO_STAFF_SESSION_CHECK": "3600"}
"""No periodic session re-check during a test: whatever closes a socket does it at once."""


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio whose staff sockets never re-check their sessions on a timer."""
    with running_studio(tmp_path_factory.mktemp("quiet"), env=QUIET) as studio:
        yield studio


def new_moderator(studio: Studio, slug: str) -> StaffClient:
    """A fresh moderator account listed on the event ``slug``, signed in."""
    username = f"m{os.urandom(3).hex()}"
    created = studio.admin.post("/api/staff", {"username": username, "password": STAFF_PASSWORD,
                                               "role": "moderator"})
    assert created.status_code == 201, created.text
    listed = studio.admin.client.patch(f"/api/events/{slug}", json={"moderators": ["mod1", username]},
                                       headers={"X-CSRF-Token": studio.admin.csrf})
    assert listed.status_code == 200, listed.text
    return StaffClient(studio.server, username, STAFF_PASSWORD)


def opened(client: StaffClient, slug: str) -> Any:
    ws = client.staff_ws(slug)
    recv_until(ws, "staff.snapshot")
    return ws


def test_an_action_after_the_session_ended_unnoticed_is_refused(quiet: Studio) -> None:
    """A session that ends without a word to the socket (it expired): the next action answers
    forbidden, changes nothing, and the socket closes 4003."""
    slug = quiet.new_event()
    moderator = new_moderator(quiet, slug)
    asked = quiet.ask(slug, "会话过期后还能审核吗？")
    question = quiet.question(slug, asked["question_id"])
    ws = opened(moderator, slug)
    with sqlite3.connect(quiet.server.db, timeout=10) as db:
        db.execute("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+08:00' WHERE staff_id = "
                   "(SELECT id FROM staff WHERE username = ?)", (moderator.username,))
    ws.send(json.dumps({"type": "action", "action": "approve", "question": question["id"],
                        "version": question["version"], "ref": "r1"}))
    frames: list[dict[str, Any]] = []
    assert close_code_after(ws, frames) == 4003
    assert [(f["code"], f["ref"]) for f in frames if f["type"] == "error"] == [("forbidden", "r1")]
    assert not [f for f in frames if f["type"] == "action.ok"]
    assert quiet.question(slug, asked["question_id"])["status"] == "pending"


def close_code_after(ws: Any, frames: list[dict[str, Any]]) -> int | None:
    """Read (keeping every frame) until the server closes; its close code."""
    try:
        while True:
            frames.append(json.loads(ws.recv(timeout=5)))
    except Exception:
        pass
    return int(ws.close_code) if ws.close_code is not None else None


@pytest.mark.parametrize("change", [{"active": False}, {"password": "another-password-9"}])
def test_deactivation_and_password_reset_close_every_socket_of_the_account(
        quiet: Studio, change: dict[str, Any]) -> None:
    """Deactivating or resetting an account closes all its staff sockets with 4003 at once."""
    slug = quiet.new_event()
    moderator = new_moderator(quiet, slug)
    second = StaffClient(quiet.server, moderator.username, STAFF_PASSWORD)
    sockets = [opened(moderator, slug), opened(second, slug)]
    bystander = opened(quiet.mod1, slug)
    answer = quiet.admin.client.patch(f"/api/staff/{moderator.username}", json=change,
                                      headers={"X-CSRF-Token": quiet.admin.csrf})
    assert answer.status_code == 200, answer.text
    assert [close_code(ws) for ws in sockets] == [4003, 4003]
    bystander.send(json.dumps({"type": "ping"}))
    assert recv_until(bystander, "pong")["type"] == "pong"
    bystander.close()


def test_signing_out_one_browser_keeps_the_other_connected(quiet: Studio) -> None:
    """Logout closes that session's socket only: the same account signed in elsewhere stays connected."""
    slug = quiet.new_event()
    moderator = new_moderator(quiet, slug)
    other = StaffClient(quiet.server, moderator.username, STAFF_PASSWORD)
    leaving, staying = opened(moderator, slug), opened(other, slug)
    assert moderator.post("/api/logout").status_code == 204
    assert close_code(leaving) == 4003
    asked = quiet.ask(slug, "另一个浏览器还在线吗？")
    question = quiet.question(slug, asked["question_id"])
    staying.send(json.dumps({"type": "action", "action": "approve", "question": question["id"],
                             "version": question["version"], "ref": "r2"}))
    assert recv_until(staying, "action.ok")["question"]["status"] == "approved"
    staying.close()


def test_a_sign_out_on_one_process_closes_the_socket_on_another(tmp_path: Path, redis: RedisServer) -> None:
    """Two processes on one store and one Redis: logging out through one closes the socket held by the other."""
    env = {**QUIET, "STUDIO_BROADCAST": redis.url, "STUDIO_SECRET_KEY": "shared-secret-for-both"}
    first = Server(tmp_path / "a", env)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first.create_user("admin", "admin", ADMIN_PASSWORD)
    first.start()
    second = Server(tmp_path / "b", {**env, "STUDIO_DB": first.db})
    try:
        second.start()
        studio = Studio(first)
        slug = studio.new_event()
        moderator = new_moderator(studio, slug)
        ws = second.ws(f"/ws/events/{slug}/staff", origin=second.base,
                       additional_headers={"Cookie": moderator.cookie_header()})
        recv_until(ws, "staff.snapshot")
        assert moderator.post("/api/logout").status_code == 204
        assert close_code(ws) == 4003
    finally:
        second.stop()
        first.stop()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio that lets ten sockets in per address."""
    with running_studio(tmp_path_factory.mktemp("crowded"),
                        env={"STUDIO_MAX_CONNECTIONS_PER_ADDRESS": "10"}) as studio:
        yield studio


async def open_at_once(url: str, origin: str, count: int) -> list[str]:
    """Open ``count`` sockets together; for each, ``open`` if its snapshot came, else its close code."""

    async def one() -> tuple[str, Any]:
        ws = await connect_async(url, origin=origin, open_timeout=20)  # type: ignore[arg-type]
        try:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return ("open" if frame["type"] == "snapshot" else frame["type"]), ws
        except Exception:
            return str(ws.close_code), ws

    results = await asyncio.gather(*(one() for _ in range(count)))
    outcomes = [outcome for outcome, _ in results]
    for _, ws in results:
        await ws.close()
    return outcomes


def test_sockets_opened_all_at_once_stay_within_the_per_address_limit(crowded: Studio) -> None:
    """Sixty sockets opened together from one address: ten are served, the other fifty close 1008."""
    slug = crowded.new_event()
    server = crowded.server
    outcomes = asyncio.run(open_at_once(f"{server.ws_base}/ws/events/{slug}", server.base, 60))
    assert outcomes.count("open") == 10, outcomes
    assert outcomes.count("1008") == 50, outcomes
    after = server.ws(f"/ws/events/{slug}")
    assert recv_json(after)["type"] == "snapshot"
    after.close()


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


def test_clients_that_vanish_during_the_handshake_leave_no_traceback(studio: Studio) -> None:
    """Handshakes cut off at once (RST) on every socket route, refused or not: no traceback, and
    the server still serves a viewer."""
    slug = studio.new_event()
    paths = [f"/ws/events/{slug}", "/ws/events/no-such-event", f"/ws/events/{slug}/staff",
             "/ws/track/no-such-code"]
    for _ in range(20):
        for path in paths:
            sock = socket.create_connection(("127.0.0.1", studio.server.port), timeout=10)
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                         f"Connection: Upgrade\r\nSec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}"
                         "\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
    with studio.server.ws(f"/ws/events/{slug}") as viewer:
        assert recv_json(viewer)["type"] == "snapshot"
    assert "Traceback" not in Path(studio.server.log).read_text()
