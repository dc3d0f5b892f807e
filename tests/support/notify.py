"""Real receivers for notification tests: an SMTP server (aiosmtpd, in the clear, with STARTTLS or
over TLS from the start, with a login) and an HTTP gateway that fails."""

from __future__ import annotations

import email
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from support.servers import free_port

T = TypeVar("T")


def eventually(check: Callable[[], T | None], timeout: float = 20.0, what: str = "condition") -> T:
    """Poll ``check`` until it returns something truthy (the background deliverer runs on its own)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass
class Inbox:
    """What a real SMTP server received, in arrival order."""

    messages: list[EmailMessage] = field(default_factory=list)
    sessions: list[tuple[bool, str | None]] = field(default_factory=list)
    """For each message: whether it came over TLS, and the login it was sent under."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        with self.lock:
            parsed = email.message_from_bytes(content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append(parsed)
            login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
            secure = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
            self.sessions.append((secure, login))
        return "250 OK"

    def received(self) -> list[tuple[str, str, str]]:
        """(to, subject, text) of each message, decoded, in arrival order."""
        with self.lock:
            return [(str(m["To"]), str(m["Subject"]), str(m.get_content())) for m in self.messages]


@dataclass(frozen=True)
class Secured:
    """How a test SMTP server talks: ``starttls`` or ``smtps`` with this server-side TLS context,
    and mail accepted only after ``login``/``password`` (over TLS)."""

    mode: str
    context: ssl.SSLContext
    login: str
    password: str

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self.login.encode()
              and auth_data.password == self.password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data)


@contextmanager
def smtp_server(secured: Secured | None = None) -> Iterator[tuple[Inbox, int]]:
    """An aiosmtpd server on a free local port, in the clear unless ``secured``; its inbox and port."""
    inbox = Inbox()
    port = free_port()
    options: dict[str, Any] = {}
    if secured is not None:
        options = {"authenticator": secured.authenticate, "auth_required": True}
        if secured.mode == "starttls":
            options |= {"tls_context": secured.context, "require_starttls": True, "auth_require_tls": True}
        else:  # TLS from the first byte: aiosmtpd's auth_require_tls only knows STARTTLS
            options |= {"ssl_context": secured.context, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class Gateway:
    """Every request a local HTTP gateway received (headers and JSON body); it answers ``status``."""

    status: int
    requests: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def failing_gateway(status: int = 500) -> Iterator[tuple[Gateway, int]]:
    """A real HTTP server on a free local port that records each POST and answers ``status``."""
    gateway = Gateway(status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            gateway.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw,
                                     "body": json.loads(raw)})
            self.send_response(gateway.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, port
    finally:
        server.shutdown()
        server.server_close()
