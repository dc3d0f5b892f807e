"""Clients of a running server: a signed-in staff member, a staffed studio, WebSocket frame reading."""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection

from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD, Server, running_server

_names = itertools.count(1)


def short() -> str:
    """Six random hex digits, to make a slug, unit or username unique on a shared server."""
    return uuid.uuid4().hex[:6]


class StaffClient:
    """A signed-in staff member: cookie plus the CSRF token on every write."""

    def __init__(self, server: Server, username: str, password: str) -> None:
        self.server = server
        self.username = username
        self.client = server.http()
        answer = self.client.post("/api/login", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        self.csrf = answer.json()["csrf_token"]

    def post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})

    def put(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.put(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})

    def patch(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.patch(path, json=body or {}, headers={"X-CSRF-Token": self.csrf})

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def act(self, question: dict[str, Any], action: str, **fields: Any) -> httpx.Response:
        return self.post(f"/api/questions/{question['id']}/{action}",
                         {"version": question["version"], **fields})

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())

    def staff_ws(self, slug: str) -> ClientConnection:
        return self.server.ws(f"/ws/events/{slug}/staff",
                              additional_headers={"Cookie": self.cookie_header()},
                              origin=self.server.base)  # type: ignore[arg-type]


def recv_json(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(ws.recv(timeout=timeout))
    return frame


def recv_until(ws: ClientConnection, kind: str, timeout: float = 5,
               seen: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Frames until one of type ``kind``; every frame read is appended to ``seen``."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no {kind} frame")
        frame = recv_json(ws, left)
        if seen is not None:
            seen.append(frame)
        if frame["type"] == kind:
            return frame


def close_code(ws: ClientConnection, timeout: float = 5) -> int | None:
    """Read until the server closes the socket; its close code."""
    try:
        while True:
            ws.recv(timeout=timeout)
    except Exception:
        pass
    return ws.close_code


class Studio:
    """A running server with an admin, two moderators, two officials and two units."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.admin = StaffClient(server, "admin", ADMIN_PASSWORD)
        self.units = {}
        for name in ("人社局", "交通局"):
            answer = self.admin.post("/api/units", {"name": name})
            assert answer.status_code in (201, 409), answer.text
        self.units = {u["name"]: u["id"] for u in self.admin.get("/api/units").json()}
        for username, role, unit in (("mod1", "moderator", None), ("mod2", "moderator", None),
                                     ("guest1", "official", "人社局"), ("guest2", "official", "交通局")):
            self.admin.post("/api/staff", {"username": username, "password": STAFF_PASSWORD,
                                           "role": role, "unit": unit, "display_name": username,
                                           "title": "局长" if role == "official" else ""})
        self.mod1 = StaffClient(server, "mod1", STAFF_PASSWORD)
        self.mod2 = StaffClient(server, "mod2", STAFF_PASSWORD)
        self.guest1 = StaffClient(server, "guest1", STAFF_PASSWORD)
        self.guest2 = StaffClient(server, "guest2", STAFF_PASSWORD)

    def new_event(self, open_it: bool = True) -> str:
        slug = f"ev-{next(_names)}-{short()}"
        answer = self.admin.post("/api/events", {
            "slug": slug, "title": "测试访谈", "description": "测试",
            "starts_at": "2026-11-22T20:00:00+08:00", "ends_at": "2026-11-22T22:00:00+08:00",
            "guests": ["guest1", "guest2"], "moderators": ["mod1", "mod2"],
        })
        assert answer.status_code == 201, answer.text
        if open_it:
            assert self.admin.post(f"/api/events/{slug}/open").status_code == 200
        return slug

    def ask(self, slug: str, text: str, **fields: Any) -> dict[str, Any]:
        body = {"text": text, "client_key": str(uuid.uuid4()), **fields}
        with self.server.http() as client:
            answer = client.post(f"/api/events/{slug}/questions", json=body)
        assert answer.status_code == 201, answer.text
        return {**answer.json(), "client_key": body["client_key"]}

    def question(self, slug: str, question_id: int) -> dict[str, Any]:
        queue = self.mod1.get(f"/api/events/{slug}/queue").json()
        return next(q for q in queue if q["id"] == question_id)


def drain(ws: ClientConnection, seconds: float = 0.6) -> list[dict[str, Any]]:
    """Every frame that arrives within ``seconds``."""
    frames: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return frames
        try:
            frames.append(recv_json(ws, left))
        except TimeoutError:
            return frames


def frames_until(ws: ClientConnection, kind: str, match: dict[str, Any], timeout: float = 5) -> dict[str, Any]:
    """The first frame of type ``kind`` whose fields include ``match``."""
    deadline = time.monotonic() + timeout
    while True:
        frame = recv_until(ws, kind, max(0.1, deadline - time.monotonic()))
        if all(frame.get(key) == value for key, value in match.items()):
            return frame


@contextmanager
def running_studio(tmp: Path, env: dict[str, str] | None = None) -> Iterator[Studio]:
    """A staffed :class:`Studio` on a server started with ``env``, stopped on leaving."""
    with running_server(tmp, env) as server:
        yield Studio(server)
