"""The SQLite store: WAL, one writer connection, a small pool of readers, migrations.

Writes are serialised through one writer connection, each in
``BEGIN IMMEDIATE``. A write collects the frames it will publish in an outbox;
they are published after the commit, still under the writer lock, so frames
leave in the order their changes were committed (and ``seq`` order holds).
Nothing is published for a write that rolled back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiosqlite

from broadcast import Message
from studio.auditchain import FIELDS, digest
from studio.store.fulltext import index_text
from studio.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

Publisher = Callable[[Message], Awaitable[None]]

READERS = 4
BUSY_TIMEOUT_MS = 10_000


def encode(frame: dict[str, Any]) -> str:
    """Encode a frame once, compactly, keeping Chinese readable."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def audit_digest(number: int, prev_hash: str, *values: Any) -> str:
    """An audit entry's hash from its stored columns (number, prev_hash, then FIELDS' order)."""
    return digest(number, prev_hash, dict(zip(FIELDS, values, strict=True)))


class Queryable(Protocol):
    """Anything that reads rows: a reader, or a write transaction."""

    async def fetchone(self, sql: str, params: Any = ()) -> Any: ...

    async def fetchall(self, sql: str, params: Any = ()) -> list[Any]: ...


async def update_columns(tx: Tx, table: str, allowed: frozenset[str], changes: Mapping[str, Any],
                         key: tuple[str, object]) -> None:
    """Set ``changes`` on the row of ``table`` whose ``key`` column has ``key``'s value.

    Column names are checked against ``allowed`` (they come from code, never from
    input); an unknown one raises ``ValueError``. No change, no statement.
    """
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not {table} columns: {sorted(unknown)}")
    if not changes:
        return
    columns = ", ".join(f"{name} = ?" for name in changes)
    await tx.execute(f"UPDATE {table} SET {columns} WHERE {key[0]} = ?", (*changes.values(), key[1]))


class Queries:
    """Row queries over one connection."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> Any:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, tuple(params)) as cursor:
            return list(await cursor.fetchall())


class Tx(Queries):
    """An open write transaction and the frames to publish once it commits."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__(conn)
        self.outbox: list[Message] = []

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Cursor:
        return await self.conn.execute(sql, tuple(params))

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        cursor = await self.conn.execute(sql, tuple(params))
        rowid = cursor.lastrowid
        await cursor.close()
        assert rowid is not None
        return rowid

    def send(self, channel: str, frame: dict[str, Any]) -> None:
        """Publish a frame without ``seq`` after commit (staff frames, nudges)."""
        self.outbox.append(Message(channel=channel, text=encode(frame)))

    async def emit(self, event_id: int, channel: str, frame: dict[str, Any], at: str) -> int:
        """Record a public change: next ``seq`` of the event, kept for replay, published after commit."""
        row = await self.fetchone(
            "UPDATE events SET seq = seq + 1 WHERE id = ? RETURNING seq", (event_id,)
        )
        assert row is not None
        seq = int(row[0])
        text = encode({"type": frame["type"], "seq": seq, **frame})
        await self.execute(
            "INSERT INTO changes (event_id, seq, type, frame, at) VALUES (?, ?, ?, ?, ?)",
            (event_id, seq, frame["type"], text, at),
        )
        self.outbox.append(Message(channel=channel, text=text, seq=seq))
        return seq


class Reader(Queries):
    """A read connection checked out of the pool; use inside ``Database.read()``."""


WRITE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Upper bounds (seconds) of the write-latency histogram."""


@dataclass
class WriteStats:
    """Committed write transactions and their latency (waiting for the writer included), as a
    cumulative histogram over :data:`WRITE_BUCKETS`; ``failed`` counts rolled-back ones."""

    count: int = 0
    total: float = 0.0
    failed: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * len(WRITE_BUCKETS))

    def record(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        for index, bound in enumerate(WRITE_BUCKETS):
            if seconds <= bound:
                self.buckets[index] += 1


class Database:
    def __init__(self, path: str, publish: Publisher | None = None) -> None:
        self.path = path
        self.publish = publish
        self._writer: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []
        self.writes = WriteStats()

    async def open(self) -> None:
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode = WAL")
        await migrate(self._writer)
        for _ in range(READERS):
            reader = await self._connect()
            await reader.execute("PRAGMA query_only = ON")
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA synchronous = NORMAL")
        # The board's search index triggers call this (studio/search.py).
        await conn.create_function("search_tokens", 1, index_text, deterministic=True)
        # The migration that chains an existing audit log calls this (studio/auditchain.py).
        await conn.create_function("audit_digest", 2 + len(FIELDS), audit_digest, deterministic=True)
        return conn

    async def close(self) -> None:
        async with self._write_lock:
            if self._writer is not None:
                await self._writer.close()
                self._writer = None
        for reader in self._all_readers:
            await reader.close()
        self._all_readers.clear()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """One write transaction (``BEGIN IMMEDIATE``); frames publish after commit, in order.

        ``writes`` records each transaction's time from asking for the writer to its commit.
        """
        asked = time.perf_counter()
        async with self._write_lock:
            assert self._writer is not None, "database is not open"
            tx = Tx(self._writer)
            try:
                await self._writer.execute("BEGIN IMMEDIATE")
            except asyncio.CancelledError:
                # as in read(): end the transaction the cancelled BEGIN still opens, under the lock
                with contextlib.suppress(sqlite3.Error):
                    await self._writer.execute("ROLLBACK")
                raise
            try:
                yield tx
            except BaseException:
                await self._writer.execute("ROLLBACK")
                self.writes.failed += 1
                raise
            await self._writer.execute("COMMIT")
            self.writes.record(time.perf_counter() - asked)
            if self.publish is not None:
                for message in tx.outbox:
                    try:
                        await self.publish(message)
                    except Exception:
                        # Committed is committed: the caller is told it succeeded.
                        # Viewers that missed the frame see a seq gap and fill it
                        # from the change log.
                        log.exception("publishing to %s failed after commit", message.channel)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Reader]:
        """A consistent read: everything inside sees one committed state. The reader goes back
        to the pool outside any transaction, also when the task is cancelled while it begins."""
        conn = await self._readers.get()
        try:
            try:
                await conn.execute("BEGIN")
            except asyncio.CancelledError:
                # The BEGIN still runs on the connection's thread; the ROLLBACK queued behind it
                # ends that transaction before anyone else can take this reader.
                with contextlib.suppress(sqlite3.Error):
                    await conn.execute("ROLLBACK")
                raise
            try:
                yield Reader(conn)
            finally:
                await conn.execute("COMMIT")
        finally:
            self._readers.put_nowait(conn)


async def migrate(conn: aiosqlite.Connection) -> int:
    """Apply the migrations the database has not seen; returns the schema version.

    Each one runs in its own ``BEGIN IMMEDIATE`` and re-reads the version inside
    it, so several processes starting on one file apply each migration once.
    Foreign keys are off meanwhile (SQLite's way to rebuild a table others refer
    to) and each migration must leave none broken (``PRAGMA foreign_key_check``)
    before it commits; they are on again afterwards.
    """
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        while True:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                async with conn.execute("PRAGMA user_version") as cursor:
                    row = await cursor.fetchone()
                version = int(row[0]) if row else 0
                if version >= len(MIGRATIONS):
                    await conn.execute("COMMIT")
                    return len(MIGRATIONS)
                for statement in _statements(MIGRATIONS[version]):
                    await conn.execute(statement)
                async with conn.execute("PRAGMA foreign_key_check") as cursor:
                    broken = list(await cursor.fetchall())
                if broken:
                    raise sqlite3.IntegrityError(f"migration {version + 1} breaks foreign keys: {broken[:5]}")
                await conn.execute(f"PRAGMA user_version = {version + 1}")
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
    finally:
        await conn.execute("PRAGMA foreign_keys = ON")


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if buffer.strip() and sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
