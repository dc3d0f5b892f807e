"""Staff sessions, passwords and the viewer cookie, in a real store without a server."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from itsdangerous import Signer

from studio.accounts import directory
from studio.accounts.passwords import hash_password, verify_password
from studio.accounts.sessions import (
    DEFAULT_NEXT,
    Session,
    Sessions,
    csrf_ok,
    origin_allowed,
    own_origin,
    safe_next,
)
from studio.accounts.viewer import VIEWER_COOKIE, new_viewer_cookie, viewer_of
from studio.clock import Clock
from studio.store.database import Database
from support.hostile import NEXT_KEPT, NEXT_REFUSED

NOW = "2026-03-02T10:00:00+08:00"
PASSWORD = "staff-password-1"


class FrozenClock(Clock):
    """A clock that tells the time it is set to, so expiry is tested without waiting."""

    def __init__(self) -> None:
        super().__init__("Asia/Shanghai")
        self.at = datetime.fromisoformat(NOW)

    def now(self) -> datetime:
        return self.at


@pytest.mark.asyncio
async def test_a_login_opens_a_session_that_the_cookie_finds(db: Database) -> None:
    """The right password gives a signed cookie; the cookie finds the staff member and the CSRF token."""
    await directory.create_staff(db, username="mod1", password=PASSWORD, role="moderator", at=NOW)
    sessions = Sessions(db, FrozenClock(), "secret", hours=12)
    opened = await sessions.login("mod1", PASSWORD)
    assert opened is not None
    session, cookie = opened
    found = await sessions.session(cookie)
    assert found is not None
    assert found.staff.username == "mod1"
    assert found.csrf_token == session.csrf_token
    assert csrf_ok(found, session.csrf_token)
    assert not csrf_ok(found, "forged")
    assert not csrf_ok(found, None)


@pytest.mark.asyncio
async def test_wrong_passwords_unknown_names_and_forged_cookies_get_nothing(db: Database) -> None:
    """No session for a wrong password or name; a cookie signed with another key is refused."""
    await directory.create_staff(db, username="mod1", password=PASSWORD, role="moderator", at=NOW)
    sessions = Sessions(db, FrozenClock(), "secret", hours=12)
    assert await sessions.login("mod1", "wrong-password") is None
    assert await sessions.login("nobody", PASSWORD) is None
    opened = await sessions.login("mod1", PASSWORD)
    assert opened is not None
    other = Sessions(db, FrozenClock(), "another-secret", hours=12)
    assert await other.session(opened[1]) is None
    assert await sessions.session(opened[1] + "x") is None
    assert await sessions.session(None) is None


@pytest.mark.asyncio
async def test_sessions_end_at_logout_and_after_their_lifetime(db: Database) -> None:
    """A session ends when signed out, and by itself once its hours have passed."""
    await directory.create_staff(db, username="mod1", password=PASSWORD, role="moderator", at=NOW)
    clock = FrozenClock()
    sessions = Sessions(db, clock, "secret", hours=12)
    first = await sessions.login("mod1", PASSWORD)
    second = await sessions.login("mod1", PASSWORD)
    assert first is not None and second is not None
    await sessions.logout(first[1])
    assert await sessions.session(first[1]) is None
    assert await sessions.session(second[1]) is not None
    clock.at += timedelta(hours=12, seconds=1)
    assert await sessions.session(second[1]) is None


@pytest.mark.asyncio
async def test_a_deactivated_account_cannot_sign_in(db: Database) -> None:
    """Deactivating an account refuses its next sign-in and ends the sessions it had."""
    admin = await directory.create_staff(db, username="admin", password=PASSWORD, role="admin", at=NOW)
    await directory.create_staff(db, username="mod1", password=PASSWORD, role="moderator", at=NOW)
    sessions = Sessions(db, FrozenClock(), "secret", hours=12)
    opened = await sessions.login("mod1", PASSWORD)
    assert opened is not None
    await directory.update_staff(db, admin, "mod1", {"active": False}, NOW)
    assert await sessions.session(opened[1]) is None
    assert await sessions.login("mod1", PASSWORD) is None


def test_origins_are_checked_against_the_list_or_the_server_itself() -> None:
    """Without a list only the server's own origin passes; with one, only its members; no Origin passes."""
    own = own_origin("wss", {"host": "studio.example:8443"})
    assert own == "https://studio.example:8443"
    assert origin_allowed("https://studio.example:8443/", own, ())
    assert not origin_allowed("https://evil.example", own, ())
    assert origin_allowed("https://portal.example", own, ("https://portal.example",))
    assert not origin_allowed(own, own, ("https://portal.example",))
    assert origin_allowed(None, own, ())


def test_password_hashes_verify_only_their_password() -> None:
    """argon2id hashes: the password verifies, another does not, and two hashes of one differ."""
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second and first.startswith("$argon2id$")
    assert verify_password(first, PASSWORD)
    assert not verify_password(first, PASSWORD + "!")


def test_the_viewer_cookie_is_signed() -> None:
    """A fresh cookie names a viewer; a tampered one or another key's is nobody."""
    signer = Signer("secret", salt="studio-viewer")
    cookie = new_viewer_cookie(signer)
    viewer = viewer_of({VIEWER_COOKIE: cookie}, signer)
    assert viewer is not None and viewer.startswith("v:")
    assert viewer_of({VIEWER_COOKIE: cookie}, signer) == viewer
    assert viewer_of({VIEWER_COOKIE: cookie[:-2] + "xx"}, signer) is None
    assert viewer_of({VIEWER_COOKIE: cookie}, Signer("other", salt="studio-viewer")) is None
    assert viewer_of({}, signer) is None
    assert viewer_of({VIEWER_COOKIE: cookie}, None) is None




@pytest.mark.parametrize("target", NEXT_REFUSED)
def test_next_off_this_site_or_with_hidden_characters_goes_to_the_studio(target: str) -> None:
    """Whitespace, controls, invisible characters or a backslash anywhere, or no single leading slash: /studio/."""
    assert safe_next(target) == DEFAULT_NEXT


@pytest.mark.parametrize("target", NEXT_KEPT)
def test_next_paths_on_this_site_are_kept(target: str) -> None:
    """A plain path on this site, with its query and fragment, is where the login page leads."""
    assert safe_next(target) == target


def test_csrf_tokens_are_compared_as_ascii_bytes(people: Any) -> None:
    """The right token passes; a wrong, empty, absent or non-ASCII one fails without an error."""
    session = Session(people.staff["mod1"], "token-ABC_123")
    assert csrf_ok(session, "token-ABC_123")
    for header in ("token-ABC_124", "", None, "令牌", "token-ABC_123\u00e9", "\udcff"):
        assert not csrf_ok(session, header)
