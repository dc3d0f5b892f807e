"""The store: migrations, one writer, publish-after-commit, the change log, the append-only audit log."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from broadcast import Message
from studio.store.database import READERS, Database
from studio.store.migrations import MIGRATIONS


async def open_db(path: Path, published: list[Message]) -> Database:
    async def publish(message: Message) -> None:
        published.append(message)

    db = Database(str(path), publish=publish)
    await db.open()
    return db


async def add_event(db: Database) -> int:
    async with db.write() as tx:
        return await tx.insert(
            "INSERT INTO events (slug, title, starts_at, ends_at, created_at) VALUES ('e', 't', 'a', 'b', 'c')"
        )


@pytest.mark.asyncio
async def test_migrations_apply_once_and_record_the_version(tmp_path: Path) -> None:
    """Opening twice applies nothing new; user_version equals the number of migrations."""
    for _ in range(2):
        db = await open_db(tmp_path / "s.db", [])
        async with db.read() as conn:
            row = await conn.fetchone("PRAGMA user_version")
            mode = await conn.fetchone("PRAGMA journal_mode")
        await db.close()
        assert row[0] == len(MIGRATIONS)
        assert mode[0] == "wal"


@pytest.mark.asyncio
async def test_frames_publish_after_commit_in_seq_order(tmp_path: Path) -> None:
    """Concurrent writes each get the next seq; frames publish in seq order and match the change log."""
    published: list[Message] = []
    db = await open_db(tmp_path / "s.db", published)
    event_id = await add_event(db)

    async def change(index: int) -> None:
        async with db.write() as tx:
            await tx.emit(event_id, "event:1", {"type": "host.message", "n": index}, "now")

    await asyncio.gather(*(change(i) for i in range(50)))
    assert [m.seq for m in published] == list(range(1, 51))
    async with db.read() as conn:
        rows = await conn.fetchall("SELECT seq, frame FROM changes WHERE event_id = ? ORDER BY seq", (event_id,))
    assert [(r["seq"], r["frame"]) for r in rows] == [(m.seq, m.text) for m in published]
    await db.close()


@pytest.mark.asyncio
async def test_a_failed_write_publishes_nothing_and_keeps_nothing(tmp_path: Path) -> None:
    """An exception inside the transaction rolls it back: no seq used, no frame sent."""
    published: list[Message] = []
    db = await open_db(tmp_path / "s.db", published)
    event_id = await add_event(db)
    with pytest.raises(RuntimeError):
        async with db.write() as tx:
            await tx.emit(event_id, "event:1", {"type": "host.message"}, "now")
            raise RuntimeError("boom")
    assert published == []
    async with db.read() as conn:
        seq = await conn.fetchone("SELECT seq FROM events WHERE id = ?", (event_id,))
        changes = await conn.fetchone("SELECT COUNT(*) FROM changes")
    assert seq[0] == 0 and changes[0] == 0
    await db.close()


@pytest.mark.asyncio
async def test_audit_log_is_append_only(tmp_path: Path) -> None:
    """The store refuses to update or delete audit entries."""
    db = await open_db(tmp_path / "s.db", [])
    async with db.write() as tx:
        await tx.execute(
            "INSERT INTO audit_log (actor, role, action, at) VALUES ('mod1', 'moderator', 'approve', 'now')"
        )
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(sqlite3.IntegrityError):
            async with db.write() as tx:
                await tx.execute(statement)
    await db.close()


@pytest.mark.asyncio
async def test_a_read_cancelled_while_it_begins_leaves_every_reader_usable(tmp_path: Path) -> None:
    """A task cancelled while its read is starting (a viewer gone mid-join) leaves no reader inside a transaction."""
    db = await open_db(tmp_path / "s.db", [])
    try:
        for _ in range(READERS * 2):

            async def read_once() -> None:
                async with db.read() as conn:
                    await conn.fetchone("SELECT 1")

            task = asyncio.create_task(read_once())
            await asyncio.sleep(0)  # the task is now waiting for its BEGIN
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        for _ in range(READERS * 2):  # every pooled reader in turn
            async with db.read() as conn:
                assert (await conn.fetchone("SELECT 1"))[0] == 1
    finally:
        await db.close()


@pytest.mark.asyncio
async def test_a_write_cancelled_while_it_begins_leaves_the_writer_usable(tmp_path: Path) -> None:
    """A task cancelled while its write transaction is starting: the next write commits as usual."""
    db = await open_db(tmp_path / "s.db", [])
    try:
        task = asyncio.create_task(add_event(db))
        await asyncio.sleep(0)  # the task is now waiting for its BEGIN IMMEDIATE
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        event_id = await add_event(db)
        async with db.read() as conn:
            assert (await conn.fetchone("SELECT id FROM events"))[0] == event_id
    finally:
        await db.close()
