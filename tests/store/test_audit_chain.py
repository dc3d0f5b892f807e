"""The audit log as a chain in the store: each entry linked as it is written, an old log chained by
its migration."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.auditchain import GENESIS
from studio.store import audit, database
from studio.store.database import Database
from studio.store.migrations import MIGRATIONS


@pytest.mark.asyncio
async def test_entries_are_linked_as_they_are_written(db: Database) -> None:
    """Each new entry is numbered one past the head and links to its hash; the walk is intact."""
    async with db.read() as conn:
        assert (await audit.head(conn)).hash == GENESIS
    for number in range(3):
        async with db.write() as tx:
            await audit.record(tx, at="2026-11-22T20:00:00+08:00", actor="mod1", role="moderator",
                               action="approve", detail={"n": number}, after_text="问题")
    async with db.read() as conn:
        rows = await conn.fetchall("SELECT id, prev_hash, hash FROM audit_log ORDER BY id")
        verdict = await audit.verify(conn)
    assert [row["id"] for row in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == GENESIS
    assert rows[1]["prev_hash"] == rows[0]["hash"] and rows[2]["prev_hash"] == rows[1]["hash"]
    assert verdict.intact and verdict.entries == 3 and verdict.head.hash == rows[2]["hash"]


@pytest.mark.asyncio
async def test_migration_chains_an_existing_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A log written before the chain existed gets prev_hash and hash on every entry, in order."""
    path = str(tmp_path / "old.db")
    before = MIGRATIONS[:next(i for i, script in enumerate(MIGRATIONS) if "audit_digest" in script)]
    monkeypatch.setattr(database, "MIGRATIONS", before)
    old = Database(path)
    await old.open()
    async with old.write() as tx:
        for number in range(5):
            await tx.execute(
                "INSERT INTO audit_log (actor, role, action, after_text, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                ("mod1", "moderator", "reject", f"旧问题{number}", "{}", "2026-01-01T10:00:00+08:00"))
    await old.close()
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS)
    new = Database(path)
    await new.open()
    try:
        async with new.read() as conn:
            verdict = await audit.verify(conn)
            unchained = await conn.fetchone("SELECT count(*) FROM audit_log WHERE hash IS NULL")
        assert verdict.intact and verdict.entries == 5 and unchained[0] == 0
        async with new.write() as tx:
            await audit.record(tx, at="2026-01-02T10:00:00+08:00", actor="mod1", role="moderator",
                               action="approve")
            with pytest.raises(Exception, match="append-only"):
                await tx.execute("UPDATE audit_log SET actor = 'x' WHERE id = 1")
        async with new.read() as conn:
            verdict = await audit.verify(conn)
        assert verdict.intact and verdict.entries == 6
    finally:
        await new.close()
