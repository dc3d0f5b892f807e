"""``studio audit verify``: an intact chain, and copies changed directly in SQLite, each caught and named."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from studio.clock import Clock
from studio.desk import wordlist
from studio.events import manage, questions
from studio.store import audit
from studio.store.database import Database
from support.audit_tamper import drop_append_only, rehash
from support.people import add_people


async def build(path: Path) -> str:
    """A store with an event asked, approved and closed; the audit head as the event closed."""
    db = Database(str(path))
    await db.open()
    try:
        clock = Clock("Asia/Shanghai")
        now = clock.stamp()
        await wordlist.seed_defaults(db, now)
        people = await add_people(db, now)
        admin = people.staff["admin"]
        await manage.create_event(db, clock, admin, {
            "slug": "chain", "title": "链", "description": "", "guests": ["guest1"], "moderators": ["mod1"],
            "starts_at": "2026-11-22T20:00:00+08:00", "ends_at": "2026-11-22T22:00:00+08:00"})
        await manage.open_event(db, clock, admin, "chain")
        for number in range(4):
            await questions.ask(db, clock, slug="chain", body={"text": f"第{number}个问题：公交线路", "client_key": f"chain-key-{number}"},
                                max_chars=2000, viewer=f"v{number}", address="10.1.2.3", screener=None)
        await manage.close_event(db, clock, admin, "chain")
        async with db.read() as conn:
            head = await audit.head(conn)
    finally:
        await db.close()
    return head.hash


def verify(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``studio audit verify --db PATH`` as a user would."""
    return subprocess.run([sys.executable, "-m", "studio", "audit", "verify", "--db", str(path), *extra],
                          capture_output=True, text=True, timeout=60)


def tampered(source: Path, target: Path, *statements: str) -> Path:
    """A copy of the store with the append-only triggers dropped and ``statements`` run on it."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    with sqlite3.connect(target) as conn:
        drop_append_only(conn)
        for statement in statements:
            conn.execute(statement)
    return target


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The intact store and the head saved when its event closed."""
    path = tmp_path_factory.mktemp("chain") / "studio.db"
    return path, asyncio.run(build(path))


def test_an_intact_chain_verifies_and_holds_the_saved_head(store: tuple[Path, str]) -> None:
    """The intact log exits 0 with its head; --against the head saved at close also exits 0."""
    path, head = store
    result = verify(path)
    assert result.returncode == 0, result.stderr
    assert "审计链完好" in result.stdout
    with sqlite3.connect(path) as conn:
        entries, last = conn.execute("SELECT count(*), max(id) FROM audit_log").fetchone()
        closing = conn.execute("SELECT audit_head_hash FROM events WHERE slug = 'chain'").fetchone()[0]
    assert entries == last and entries >= 8
    assert closing == head
    assert verify(path, "--against", head).returncode == 0


def test_a_changed_text_is_named(store: tuple[Path, str], tmp_path: Path) -> None:
    """One row's text edited in place: that entry's content no longer matches its hash."""
    path, _ = store
    copy = tampered(path, tmp_path / "text.db", "UPDATE audit_log SET after_text = '改过的问题' WHERE id = 5")
    result = verify(copy)
    assert result.returncode == 1
    assert "entry 5's content does not match its hash" in result.stderr


def test_a_changed_order_is_named(store: tuple[Path, str], tmp_path: Path) -> None:
    """Two rows' contents swapped (their numbers kept): the first of them is named."""
    path, _ = store
    columns = "actor, role, action, before_text, after_text, detail, at, question_id"
    copy = tampered(
        path, tmp_path / "order.db",
        f"CREATE TEMP TABLE swap AS SELECT id, {columns} FROM audit_log WHERE id IN (4, 6)",
        *(f"UPDATE audit_log SET ({columns}) = (SELECT {columns} FROM swap WHERE id = {other}) WHERE id = {row}"
          for row, other in ((4, 6), (6, 4))),
    )
    result = verify(copy)
    assert result.returncode == 1
    assert "entry 4's content does not match its hash" in result.stderr


def test_a_moved_row_is_named(store: tuple[Path, str], tmp_path: Path) -> None:
    """A row renumbered to the end of the log: the numbering breaks where it was."""
    path, _ = store
    copy = tampered(path, tmp_path / "moved.db", "UPDATE audit_log SET id = 1000 WHERE id = 3")
    result = verify(copy)
    assert result.returncode == 1
    assert "entry 4 follows entry 2: entries 3–3 are missing" in result.stderr


def test_a_deleted_row_is_named(store: tuple[Path, str], tmp_path: Path) -> None:
    """One row deleted: the next entry is named, with the missing number."""
    path, _ = store
    copy = tampered(path, tmp_path / "deleted.db", "DELETE FROM audit_log WHERE id = 6")
    result = verify(copy)
    assert result.returncode == 1
    assert "entry 7 follows entry 5: entries 6–6 are missing" in result.stderr


def test_an_inserted_row_is_named(store: tuple[Path, str], tmp_path: Path) -> None:
    """A row inserted after the others with a made-up hash: it does not link to the last one."""
    path, _ = store
    copy = tampered(
        path, tmp_path / "inserted.db",
        "INSERT INTO audit_log (id, actor, role, action, detail, at, prev_hash, hash) "
        "SELECT max(id) + 1, 'mod1', 'moderator', 'reject', '{}', '2026-11-22T21:00:00+08:00', "
        "'" + "f" * 64 + "', '" + "e" * 64 + "' FROM audit_log",
    )
    last = sqlite3.connect(copy).execute("SELECT max(id) FROM audit_log").fetchone()[0]
    result = verify(copy)
    assert result.returncode == 1
    assert f"entry {last} does not link to entry {last - 1}" in result.stderr


def test_a_rewritten_chain_is_caught_by_the_saved_head(store: tuple[Path, str], tmp_path: Path) -> None:
    """An edit followed by re-hashing every entry after it passes the walk but not --against the saved head."""
    path, head = store
    copy = tampered(path, tmp_path / "rehashed.db", "UPDATE audit_log SET after_text = '改写' WHERE id = 5")
    with sqlite3.connect(copy) as conn:
        rehash(conn)
    assert verify(copy).returncode == 0
    result = verify(copy, "--against", head)
    assert result.returncode == 1
    assert head in result.stderr


def test_a_missing_store_is_an_error(tmp_path: Path) -> None:
    """Verifying a file that does not exist says so (exit 2) and creates nothing."""
    result = verify(tmp_path / "nothing.db")
    assert result.returncode == 2 and "没有数据库" in result.stderr
    assert not (tmp_path / "nothing.db").exists()
