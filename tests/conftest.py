"""Fixtures: a real ``studio serve`` process on a free port, and HTTP/WebSocket clients for it."""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

ADMIN_PASSWORD = "admin-password-1"
STAFF_PASSWORD = "staff-password-1"
_names = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A ``studio serve`` subprocess with its own database.

    Subclasses change ``command`` (the ``studio`` arguments before ``--port``),
    ``ready_path`` (answers 200 once it serves) and ``start_timeout``.
    """

    command: tuple[str, ...] = ("serve",)
    ready_path = "/api/units"
    start_timeout = 20.0

    def __init__(self, tmp: Path, env: dict[str, str] | None = None) -> None:
        self.db = str(tmp / "studio.db")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws_base = f"ws://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "STUDIO_DB": self.db,
            "STUDIO_RATE_LIMITS": "false",
            "STUDIO_STATS_INTERVAL": "0.5",
            "STUDIO_VOTE_FLUSH_INTERVAL": "0.2",
            "STUDIO_STAFF_SESSION_CHECK": "0.5",
            "STUDIO_LOG_LEVEL": "warning",
            **(env or {}),
        }
        self.log = tmp / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    def create_user(self, username: str, role: str, password: str, unit: str | None = None,
                    **extra: str) -> None:
        args = [sys.executable, "-m", "studio", "create-user", username, "--role", role, "--db", self.db]
        if unit:
            args += ["--unit", unit]
        for key, value in extra.items():
            args += [f"--{key.replace('_', '-')}", value]
        subprocess.run(args, input=password + "\n", text=True, check=True, env=self.env,
                       capture_output=True)

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "studio", *self.command, "--port", str(self.port)],
                env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + self.ready_path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log.read_text())
            time.sleep(0.1)
        raise RuntimeError(f"{' '.join(self.command)} did not start:\n" + self.log.read_text())

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=10)

    def ws(self, path: str, **kwargs: Any) -> ClientConnection:
        return connect(self.ws_base + path, open_timeout=10, legacy=True, **kwargs)  # type: ignore[return-value]


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
        slug = f"ev-{next(_names)}-{uuid.uuid4().hex[:6]}"
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


def start_server(tmp: Path, env: dict[str, str] | None = None) -> Server:
    server = Server(tmp, env)
    server.create_user("admin", "admin", ADMIN_PASSWORD)
    server.start()
    return server


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    server = start_server(tmp_path_factory.mktemp("studio"))
    try:
        yield Studio(server)
    finally:
        server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; scripts/install --test installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def watch_errors(page: Any, errors: list[str]) -> None:
    """Collect uncaught page errors and console errors into ``errors``."""
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)


def log_in(chromium: Any, server: Server, username: str, password: str, target: str = "/studio/",
           errors: list[str] | None = None) -> Any:
    """A new desktop browser context (Shanghai time) signed in through the login page."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Shanghai")
    page = context.new_page()
    if errors is not None:
        watch_errors(page, errors)
    page.goto(f"{server.base}/studio/login?next={target}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(f"**{target}")
    return page
