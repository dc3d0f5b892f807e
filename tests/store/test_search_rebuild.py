"""A store indexed before search folded traditional characters is rebuilt when it is opened."""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import QueryParams

from studio.board import search as board_search
from studio.store.database import Database, _statements
from studio.store.fulltext import RUN, grams
from studio.store.migrations import MIGRATIONS

NOW = "2026-01-01T00:00:00+08:00"
CASES = {1: ("停車場收費不合理", "我們小區的停車費漲了一倍"), 2: ("小区停车难", "车位太少，停车难"),
         3: ("公交线路", "希望增加夜班公交")}


def old_tokens(text: str | None) -> str:
    """The tokens the index held before the folding: NFKC and case-folding only."""
    if not text:
        return ""
    runs = RUN.findall(unicodedata.normalize("NFKC", text).casefold())
    return " ".join(" ".join(grams(run)) for run in runs)


def store_before_the_rebuild(path: Path) -> None:
    """A store at the schema before the index rebuild's migration, its cases indexed the old way."""
    rebuild = max(i for i, script in enumerate(MIGRATIONS) if "'delete-all'" in script)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("search_tokens", 1, old_tokens, deterministic=True)
    for version, script in enumerate(MIGRATIONS[:rebuild], start=1):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    for case_id, (title, text) in CASES.items():
        conn.execute(
            """INSERT INTO cases (id, kind, origin, status, title, text, created_at)
               VALUES (?, 'case', 'import', 'open', ?, ?, '2025-05-01T10:00:00+08:00')""",
            (case_id, title, text))
    conn.close()


async def found(db: Database, q: str) -> list[int]:
    async with db.read() as conn:
        result: dict[str, Any] = await board_search.search_cases(
            conn, board_search.parse(QueryParams({"q": q, "sort": "date"})), NOW)
    return sorted(case["id"] for case in result["cases"])


@pytest.mark.asyncio
async def test_opening_an_old_store_rebuilds_the_index_with_the_folding(tmp_path: Path) -> None:
    """After the migration, 停車 and 停车 find the same cases, and later writes keep the
    contentless index consistent (old tokens were removed, so updates and deletes still work)."""
    path = tmp_path / "old.db"
    store_before_the_rebuild(path)
    with sqlite3.connect(path) as conn:
        conn.create_function("search_tokens", 1, old_tokens, deterministic=True)
        before = conn.execute("SELECT rowid FROM case_fts WHERE case_fts MATCH '\"停车\"'").fetchall()
    assert len(before) == 1  # only the simplified case, before the rebuild

    db = Database(str(path))
    await db.open()
    try:
        assert await found(db, "停车") == await found(db, "停車") == [1, 2]
        assert await found(db, "涨了") == [1]
        async with db.write() as tx:
            await tx.execute("UPDATE cases SET text = '已經解決' WHERE id = 1")
            await tx.execute("DELETE FROM cases WHERE id = 2")
        assert await found(db, "停车") == [1]  # its title still says 停車
        assert await found(db, "涨了") == [] and await found(db, "解决") == [1]
        assert await found(db, "公交") == [3]
        async with db.write() as tx:
            await tx.execute("INSERT INTO case_fts (case_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        await db.close()
