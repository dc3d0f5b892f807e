"""The supervision migration on a store that already has staff: the staff table is rebuilt for the new role
with every account, session and reference kept, and foreign keys on again afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from studio.store.database import Database
from studio.store.migrations import MIGRATIONS

SUPERVISION = next(i for i, m in enumerate(MIGRATIONS) if "CREATE TABLE case_urgings" in m)


def nothing(*_: Any) -> str:
    return ""


def store_before_supervision(path: Path) -> None:
    """A store at the schema just before the supervision migration, with a unit, an official, their
    session and their place on an event's staff."""
    with sqlite3.connect(path) as conn:
        conn.create_function("search_tokens", 1, nothing)
        conn.create_function("audit_digest", -1, nothing)
        for script in MIGRATIONS[:SUPERVISION]:
            conn.executescript(script)
        conn.executescript(f"""
            PRAGMA user_version = {SUPERVISION};
            INSERT INTO units (id, name, created_at) VALUES (1, '人社局', 'x');
            INSERT INTO staff (id, username, password_hash, role, unit_id, display_name, created_at)
                VALUES (7, 'guest1', 'h', 'official', 1, '张局长', 'x');
            INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at, expires_at)
                VALUES ('t', 7, 'c', 'x', 'y');
            INSERT INTO events (id, slug, title, starts_at, ends_at, created_at) VALUES (1, 'e', 't', 'a', 'b', 'c');
            INSERT INTO event_staff (event_id, staff_id, role) VALUES (1, 7, 'guest');
        """)


@pytest.mark.asyncio
async def test_staff_table_rebuilt_for_the_supervisor_role(tmp_path: Path) -> None:
    """Accounts, sessions and event staff survive; a supervisor can be stored; foreign keys hold again."""
    path = tmp_path / "old.db"
    store_before_supervision(path)
    db = Database(str(path))
    await db.open()
    try:
        async with db.read() as conn:
            version = await conn.fetchone("PRAGMA user_version")
            staff = await conn.fetchone("SELECT username, role, unit_id FROM staff WHERE id = 7")
            session = await conn.fetchone("SELECT staff_id FROM sessions WHERE token_hash = 't'")
            listed = await conn.fetchone("SELECT staff_id FROM event_staff WHERE event_id = 1")
        assert version[0] == len(MIGRATIONS)
        assert tuple(staff) == ("guest1", "official", 1)
        assert session[0] == 7 and listed[0] == 7
        async with db.write() as tx:
            await tx.execute("""INSERT INTO staff (username, password_hash, role, display_name, created_at)
                                VALUES ('sup1', 'h', 'supervisor', '督查组', 'x')""")
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as tx:
                await tx.execute("""INSERT INTO sessions (token_hash, staff_id, csrf_token, created_at,
                                    expires_at) VALUES ('u', 999, 'c', 'x', 'y')""")
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as tx:
                await tx.execute("""INSERT INTO staff (username, password_hash, role, display_name,
                                    created_at) VALUES ('x', 'h', 'boss', 'x', 'x')""")
    finally:
        await db.close()
