"""Units, staff and session rows in a real store."""

from __future__ import annotations

import sqlite3

import pytest

from studio.store import sessions, staff, units
from studio.store.database import Database

pytestmark = pytest.mark.asyncio
NOW = "2026-03-02T10:00:00+08:00"


async def test_units_by_id_and_name(db: Database) -> None:
    """Units are found by id or exact name, listed in id order, and their names are unique."""
    async with db.write() as tx:
        parent = await units.insert_unit(tx, "区政府", NOW)
        child = await units.insert_unit(tx, "区人社局", NOW, parent)
    async with db.read() as conn:
        listed = [tuple(row) for row in await units.all_units(conn)]
        by_id = await units.unit_by_id(conn, child)
        by_text_id = await units.unit_by_id(conn, str(child))
        by_name = await units.unit_by_name(conn, "区人社局")
        assert await units.unit_by_id(conn, 99) is None
        assert await units.unit_by_name(conn, "人社局") is None
    assert listed == [(parent, "区政府", None), (child, "区人社局", parent)]
    assert by_id["name"] == by_text_id["name"] == "区人社局" and by_name["id"] == child
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as tx:
            await units.insert_unit(tx, "区政府", NOW)


async def test_staff_rows(db: Database) -> None:
    """Accounts carry their unit's name; inactive ones are left out unless asked for."""
    async with db.write() as tx:
        unit = await units.insert_unit(tx, "区教育局", NOW)
        official = await staff.insert_staff(tx, username="jiaoyu", password_hash="h1", role="official",
                                            unit_id=unit, display_name="刘芳", title="副局长",
                                            created_at=NOW)
        retired = await staff.insert_staff(tx, username="old", password_hash="h2", role="moderator",
                                           unit_id=None, display_name="old", title="", created_at=NOW)
        await staff.update_staff(tx, retired, {"active": 0, "title": "退休"})
    async with db.read() as conn:
        row = await staff.staff_by_id(conn, official)
        assert (row["username"], row["unit_name"], row["title"], row["active"]) == (
            "jiaoyu", "区教育局", "副局长", 1)
        assert (await staff.staff_by_username(conn, "old"))["title"] == "退休"
        assert await staff.staff_by_username(conn, "old", active_only=True) is None
        assert [r["id"] for r in await staff.staff_rows(conn)] == [official]
        assert [r["id"] for r in await staff.staff_rows(conn, include_inactive=True)] == [official, retired]
        assert await staff.any_staff(conn)
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as tx:
            await staff.insert_staff(tx, username="jiaoyu", password_hash="h", role="admin",
                                     unit_id=None, display_name="x", title="", created_at=NOW)


async def test_update_staff_sets_only_account_columns(db: Database) -> None:
    """Nothing to change writes nothing; a column that is not an account setting is refused."""
    async with db.read() as conn:
        assert not await staff.any_staff(conn)
    async with db.write() as tx:
        staff_id = await staff.insert_staff(tx, username="a", password_hash="h", role="admin",
                                            unit_id=None, display_name="a", title="", created_at=NOW)
        await staff.update_staff(tx, staff_id, {})
        with pytest.raises(ValueError):
            await staff.update_staff(tx, staff_id, {"role": "official"})
    async with db.read() as conn:
        assert (await staff.staff_by_id(conn, staff_id))["role"] == "admin"


async def test_sessions(db: Database) -> None:
    """A session finds its active account; opening one drops expired ones; ending ends it."""
    async with db.write() as tx:
        staff_id = await staff.insert_staff(tx, username="mod1", password_hash="h", role="moderator",
                                            unit_id=None, display_name="审核员", title="",
                                            created_at=NOW)
        await sessions.open_session(tx, token_hash="old", staff_id=staff_id, csrf_token="c0",
                                    created_at="2026-03-01T00:00:00+08:00",
                                    expires_at="2026-03-01T08:00:00+08:00")
        await sessions.open_session(tx, token_hash="new", staff_id=staff_id, csrf_token="c1",
                                    created_at=NOW, expires_at="2026-03-02T18:00:00+08:00")
        await sessions.open_session(tx, token_hash="other", staff_id=staff_id, csrf_token="c2",
                                    created_at=NOW, expires_at="2026-03-02T18:00:00+08:00")
    async with db.read() as conn:
        assert await sessions.session_staff(conn, "old") is None
        row = await sessions.session_staff(conn, "new")
        assert (row["username"], row["csrf_token"], row["expires_at"]) == (
            "mod1", "c1", "2026-03-02T18:00:00+08:00")
    async with db.write() as tx:
        await sessions.end_session(tx, "new")
    async with db.read() as conn:
        assert await sessions.session_staff(conn, "new") is None
        assert await sessions.session_staff(conn, "other") is not None
    async with db.write() as tx:
        await staff.update_staff(tx, staff_id, {"active": 0})
    async with db.read() as conn:
        assert await sessions.session_staff(conn, "other") is None
    async with db.write() as tx:
        await sessions.end_sessions_of(tx, staff_id)
        await staff.update_staff(tx, staff_id, {"active": 1})
    async with db.read() as conn:
        assert await sessions.session_staff(conn, "other") is None
