"""Staff sessions: signed HttpOnly cookie, server-side session rows, CSRF and Origin checks.

The cookie holds a random token, signed (itsdangerous) so garbage is refused
without a lookup; the store keeps only the token's hash, the session's CSRF
token and its expiry, so logging out ends the session everywhere.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, Signer

from studio.accounts.directory import Staff, staff_from_row
from studio.accounts.passwords import verify_password_async
from studio.clock import Clock
from studio.codes import same_secret
from studio.store import sessions as session_rows
from studio.store.database import Database
from studio.store.staff import staff_by_username

COOKIE_NAME = "studio_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Session:
    staff: Staff
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, db: Database, clock: Clock, secret_key: str, hours: int) -> None:
        self.db = db
        self.clock = clock
        self.signer = Signer(secret_key, salt="studio-session")
        self.lifetime = timedelta(hours=hours)

    async def login(self, username: str, password: str) -> tuple[Session, str] | None:
        """Check the password; on success open a session and return it with the cookie value."""
        async with self.db.read() as conn:
            row = await staff_by_username(conn, username, active_only=True)
        if not await verify_password_async(row["password_hash"] if row else None, password):
            return None
        assert row is not None
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(24)
        now = self.clock.now()
        async with self.db.write() as tx:
            await session_rows.open_session(
                tx, token_hash=_digest(token), staff_id=row["id"], csrf_token=csrf,
                created_at=now.isoformat(), expires_at=(now + self.lifetime).isoformat(),
            )
        return Session(staff_from_row(row), csrf), self.signer.sign(token).decode()

    def _token(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return self.signer.unsign(cookie).decode()
        except BadSignature:
            return None

    async def session(self, cookie: str | None) -> Session | None:
        """The live session behind a cookie, or ``None``."""
        token = self._token(cookie)
        if token is None:
            return None
        async with self.db.read() as conn:
            row = await session_rows.session_staff(conn, _digest(token))
        if row is None or row["expires_at"] < self.clock.stamp():
            return None
        return Session(staff_from_row(row), row["csrf_token"])

    async def logout(self, cookie: str | None) -> None:
        token = self._token(cookie)
        if token is None:
            return
        async with self.db.write() as tx:
            await session_rows.end_session(tx, _digest(token))


def csrf_ok(session: Session, header: str | None) -> bool:
    """Whether the ``X-CSRF-Token`` header is the session's token (compared as bytes; a header
    with anything but ASCII in it never is)."""
    return header is not None and same_secret(session.csrf_token, header)


DEFAULT_NEXT = "/studio/"
UNSAFE_IN_NEXT = re.compile(r"[\s\\\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
"""Whitespace (any), backslashes, C0 and C1 controls and the invisible formatting characters:
browsers drop some of them from a URL (a tab or a newline) or read a backslash as a slash, so
``/\t/host`` or ``/\\host`` would lead to another site."""


def safe_next(target: str | None) -> str:
    """Where to go after signing in: ``target`` if it is a path on this site, else ``/studio/``.

    A path on this site starts with exactly one ``/`` (not ``//`` or ``/\\``, which browsers
    read as another host) and holds no whitespace, control or invisible character and no
    backslash anywhere. ``static/login-next.js`` applies the same rule in the page.
    """
    if (not target or not target.startswith("/") or target.startswith("//")
            or UNSAFE_IN_NEXT.search(target)):
        return DEFAULT_NEXT
    return target


def origin_allowed(origin: str | None, own_origin: str, allowed: tuple[str, ...]) -> bool:
    """An ``Origin`` is allowed if it is in the allow-list, or the server's own when the list is empty.

    A request without ``Origin`` (not sent by a browser) is allowed: the check
    protects browsers from cross-site use of their cookies.
    """
    if origin is None:
        return True
    origin = origin.rstrip("/")
    if allowed:
        return origin in allowed
    return origin == own_origin


def own_origin(scheme: str, headers: Any) -> str:
    """The origin a browser would send for a page served by this request's host."""
    host = headers.get("host", "")
    web_scheme = {"ws": "http", "wss": "https"}.get(scheme, scheme)
    return f"{web_scheme}://{host}"
