"""The search index inside a real store: triggers, the index-only path against SQL, the rank window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.datastructures import QueryParams

from studio.board import search as board_search
from studio.store.database import Database

NOW = "2026-01-01T00:00:00+08:00"
pytestmark = pytest.mark.asyncio


@asynccontextmanager
async def seeded(tmp_path: Path) -> AsyncIterator[Database]:
    """A store with two units and 40 cases, a third of them replied, spread over 2024."""
    store = Database(str(tmp_path / "s.db"))
    await store.open()
    try:
        async with store.write() as tx:
            for name in ("甲局", "乙局"):
                await tx.insert("INSERT INTO units (name, created_at) VALUES (?, ?)", (name, NOW))
            for n in range(40):
                day = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00+08:00"
                title = "小区停车难" if n % 7 == 0 else f"第{n}号留言"
                text = "小区" * (1 + n % 3) + "的问题" if n % 2 == 0 else "道路维修"
                await tx.insert(
                    """INSERT INTO cases (kind, origin, status, title, text, unit_id, created_at, due_at)
                       VALUES ('case', 'import', ?, ?, ?, ?, ?, ?)""",
                    ("open" if n % 3 else "replied", title, text, 1 + n % 2, day,
                     "2024-01-01T00:00:00+08:00"),
                )
        yield store
    finally:
        await store.close()


async def search(db: Database, **params: Any) -> dict[str, Any]:
    async with db.read() as conn:
        return await board_search.search_cases(
            conn, board_search.parse(QueryParams({k: str(v) for k, v in params.items()})), NOW)


async def every_id(db: Database, **params: Any) -> list[int]:
    found: list[int] = []
    page = 1
    while True:
        result = await search(db, **params, page=page, per_page=3)
        found += [c["id"] for c in result["cases"]]
        if page >= result["pages"]:
            return found
        page += 1


async def test_index_path_agrees_with_sql(tmp_path: Path) -> None:
    """Filters answered by the index alone give the same cases as the SQL conditions."""
    async with seeded(tmp_path) as db:
        for params in ({"unit": 1}, {"status": "replied"}, {"from": "2024-03-01", "to": "2024-06-30"},
                       {"unit": 2, "status": "open", "from": "2024-02-01"}):
            by_index = sorted(await every_id(db, q="小区", **params))
            async with db.read() as conn:
                query = board_search.parse(QueryParams({"q": "小区", **{k: str(v) for k, v in params.items()}}))
                found = await board_search._conditions(conn, query, NOW)
                rows = await conn.fetchall(
                    "SELECT c.id FROM cases c WHERE (c.title LIKE '%小区%' OR c.text LIKE '%小区%')"
                    + "".join(" AND " + w for w in found.where) + " ORDER BY c.id", found.values)
            assert by_index == [r["id"] for r in rows] and by_index, params


async def test_overdue_falls_back_to_sql(tmp_path: Path) -> None:
    """Overdue (open and past the deadline) is answered through SQL over the index's matches."""
    async with seeded(tmp_path) as db:
        overdue = await every_id(db, q="小区", status="overdue")
        opened = await every_id(db, q="小区", status="open")
        assert sorted(overdue) == sorted(opened) and overdue


async def test_rank_window_ranks_the_newest_then_dates_the_rest(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the rank window, the newest matches come by relevance and older ones by date, each once."""
    async with seeded(tmp_path) as db:
        monkeypatch.setattr(board_search, "RANK_WINDOW", 6)
        relevance = await every_id(db, q="小区")
        by_date = await every_id(db, q="小区", sort="date")
        assert sorted(relevance) == sorted(by_date) and len(relevance) > 6
        assert set(relevance[:6]) == set(by_date[:6]) and relevance[6:] == by_date[6:]
        top = (await search(db, q="小区", per_page=6))["cases"]
        titled = [c for c in top if "小区" in c["title"]]
        assert titled and top[: len(titled)] == titled


async def test_reply_and_edits_keep_the_index_current(tmp_path: Path) -> None:
    """A new reply, an edited title and a deleted case reach the index through the triggers."""
    async with seeded(tmp_path) as db:
        async with db.write() as tx:
            await tx.insert("INSERT INTO case_replies (case_id, author, text, at) VALUES (2, '乙局', '已安排路灯抢修', ?)",
                            (NOW,))
            await tx.execute("UPDATE cases SET title = '路灯不亮' WHERE id = 4")
            await tx.execute("DELETE FROM cases WHERE id = 6")
        assert [c["id"] for c in (await search(db, q="路灯"))["cases"]] == [4, 2]
        assert (await search(db, q="第5号"))["total"] == 0
        async with db.write() as tx:
            await tx.execute("UPDATE case_replies SET text = '已修好' WHERE case_id = 2")
            await tx.execute("UPDATE cases SET unit_id = 1 WHERE id = 4")
        assert [c["id"] for c in (await search(db, q="路灯"))["cases"]] == [4]
        assert (await search(db, q="路灯", unit=2))["total"] == 0
        assert (await search(db, q="路灯", unit=1))["total"] == 1
