"""A real ``studio serve`` process on a free port, with its own store and an admin account."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from support.frames import CheckedConnection

ADMIN_PASSWORD = "admin-password-1"
STAFF_PASSWORD = "staff-password-1"


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
        """A WebSocket client whose every received frame is checked against the AsyncAPI document."""
        return connect(self.ws_base + path, open_timeout=10, legacy=True,  # type: ignore[return-value]
                       create_connection=CheckedConnection, **kwargs)


def start_server(tmp: Path, env: dict[str, str] | None = None) -> Server:
    """A started server on a new store in ``tmp`` with ``env`` over the test settings, and an admin."""
    server = Server(tmp, env)
    server.create_user("admin", "admin", ADMIN_PASSWORD)
    server.start()
    return server


@contextmanager
def running_server(tmp: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    """A server from :func:`start_server`, stopped on leaving however the block ends."""
    server = start_server(tmp, env)
    try:
        yield server
    finally:
        server.stop()


class EdgeServer(Server):
    """``studio edge`` on an owner's Redis: no store of its own (``STUDIO_DB`` points nowhere)."""

    command = ("edge",)
    ready_path = "/healthz"


def edge_feed(edge: Server, slug: str, timeout: float = 20) -> tuple[ClientConnection, dict[str, Any]]:
    """An audience socket on ``edge`` once it has the event's snapshot, and the snapshot. The
    owner caches snapshots in Redis every stats interval; until then the edge sends the viewer
    away (4004), so this polls until ``timeout``, like a page reconnecting."""
    deadline = time.monotonic() + timeout
    while True:
        ws = edge.ws(f"/ws/events/{slug}")
        try:
            frame: dict[str, Any] = json.loads(ws.recv(timeout=5))
        except ConnectionClosed:
            frame = {"type": "closed"}
        if frame["type"] == "snapshot":
            return ws, frame
        ws.close()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the edge never had the snapshot of {slug}")
        time.sleep(0.05)
