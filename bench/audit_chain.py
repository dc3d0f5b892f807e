"""What the hash chain costs: audit entries written per second with it, a whole chain verified per
second, and an existing log chained by its migration.

Method: a fresh store in a temporary directory; ``--entries`` audit entries are written through
``studio.store.audit.record`` in transactions of ``--batch`` (each entry reads the head and hashes
itself, as every action does); the same count is then inserted by plain SQL without a chain, for
comparison; ``audit.verify`` walks the whole chain; finally a store at the previous schema version
gets the same number of plain entries and is opened again, which runs the chaining migration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from studio.store import audit, database
from studio.store.database import Database
from studio.store.migrations import MIGRATIONS

AT = "2026-11-22T20:00:00+08:00"
TEXT = "小区门口的路灯坏了三个月，晚上回家很不安全，希望尽快修好。" * 3


async def chained(path: str, entries: int, batch: int) -> float:
    db = Database(path)
    await db.open()
    start = time.perf_counter()
    for first in range(0, entries, batch):
        async with db.write() as tx:
            for number in range(first, min(first + batch, entries)):
                await audit.record(tx, at=AT, actor="mod1", role="moderator", action="approve", event_id=None,
                                   before_text=TEXT, after_text=TEXT, detail={"n": number})
    elapsed = time.perf_counter() - start
    await db.close()
    return elapsed


async def plain(path: str, entries: int, batch: int) -> float:
    db = Database(path)
    await db.open()
    start = time.perf_counter()
    for first in range(0, entries, batch):
        async with db.write() as tx:
            for number in range(first, min(first + batch, entries)):
                await tx.execute(
                    "INSERT INTO audit_log (actor, role, action, before_text, after_text, detail, at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    ("mod1", "moderator", "approve", TEXT, TEXT, json.dumps({"n": number}), AT))
    elapsed = time.perf_counter() - start
    await db.close()
    return elapsed


async def verify(path: str) -> tuple[float, int]:
    db = Database(path)
    await db.open()
    start = time.perf_counter()
    async with db.read() as conn:
        verdict = await audit.verify(conn)
    elapsed = time.perf_counter() - start
    await db.close()
    assert verdict.intact
    return elapsed, verdict.entries


async def migrated(path: str, entries: int, batch: int) -> float:
    database.MIGRATIONS = MIGRATIONS[:next(i for i, script in enumerate(MIGRATIONS) if "audit_digest" in script)]
    try:
        await plain(path, entries, batch)
    finally:
        database.MIGRATIONS = MIGRATIONS
    db = Database(path)
    start = time.perf_counter()
    await db.open()
    elapsed = time.perf_counter() - start
    async with db.read() as conn:
        assert (await audit.verify(conn)).entries == entries
    await db.close()
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write = await chained(str(Path(tmp) / "chained.db"), args.entries, args.batch)
        bare = await plain(str(Path(tmp) / "plain.db"), args.entries, args.batch)
        walk, count = await verify(str(Path(tmp) / "chained.db"))
        migration = await migrated(str(Path(tmp) / "old.db"), args.entries, args.batch)
    print(f"entries: {args.entries}, {args.batch} per transaction")
    print(f"write with the chain:    {args.entries / write:9.0f} entries/s ({write:.2f} s)")
    print(f"write without a chain:   {args.entries / bare:9.0f} entries/s ({bare:.2f} s)")
    print(f"verify the whole chain:  {count / walk:9.0f} entries/s ({walk:.2f} s)")
    print(f"chain an existing log:   {migration:9.2f} s (the migration, at open)")


if __name__ == "__main__":
    asyncio.run(main())
