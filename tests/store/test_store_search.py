"""The board search's store side: conditions and index filters, the index and SQL pages, the event lookup."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from starlette.datastructures import QueryParams

from studio.board import search as board_search
from studio.errors import ApiError
from studio.store import cases, search
from studio.store.database import Database
from studio.store.events import event_row
from studio.store.units import insert_unit

NOW = "2026-03-02T10:00:00+08:00"


@pytest_asyncio.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """Six cases over three days of 2025, two units, one event; case 6 is replied."""
    store = Database(str(tmp_path / "search.db"))
    await store.open()
    async with store.write() as tx:
        first = await insert_unit(tx, "甲局", NOW)
        second = await insert_unit(tx, "乙局", NOW)
        event = await tx.insert(
            "INSERT INTO events (slug, title, starts_at, ends_at, created_at) VALUES ('e1', 'E', ?, ?, ?)",
            (NOW, NOW, NOW))
        for n, (day, title, unit) in enumerate([
            ("2025-01-01", "小区停车难", first), ("2025-01-01", "道路维修", second),
            ("2025-01-02", "小区绿化", first), ("2025-01-03", "小区电梯", second),
            ("2025-01-03", "公交线路", first), ("2025-01-03", "小区噪音", first),
        ], 1):
            await cases.insert_case(
                tx, kind="case", origin="import", title=title, text=f"第{n}件", unit_id=unit,
                created_at=f"{day}T09:00:00+08:00", event_id=event if n == 4 else None,
                status="replied" if n == 6 else "open",
                due_at="2025-02-01T00:00:00+08:00" if n != 6 else None)
    try:
        yield store
    finally:
        await store.close()


def test_conditions_hold_each_filter_in_sql_and_in_the_index() -> None:
    """Unit, category, event, status and dates become SQL conditions, index tags and a rowid range."""
    found = search.conditions(unit_id=3, category_id=7, subtree=[(7, 0), (8, 1)], event_id=2,
                              status="replied", date_from="2025-01-02", date_to="2025-01-03", now=NOW)
    assert found.where == ["c.withdrawn_at IS NULL", "c.unit_id = ?", "c.category_id IN (?,?)", "c.event_id = ?", "c.status = ?",
                           "c.created_at >= ?", "c.created_at < ?"]
    assert found.values == [3, 7, 8, 2, "replied", "2025-01-02", "2025-01-04"]
    assert found.tags == ["u3", "k7", "e2", "sreplied"] and found.exact
    assert found.low == search.day_key("2025-01-02")
    assert found.high == search.day_key("2025-01-04") - 1


def test_conditions_the_index_cannot_hold_exactly() -> None:
    """Overdue and a category more than two levels deep need SQL over the index's matches."""
    overdue = search.conditions(status="overdue", now=NOW)
    deep = search.conditions(category_id=1, subtree=[(1, 0), (2, 1), (3, 2), (4, 3)])
    assert not overdue.exact and overdue.tags == ["sopen"] and overdue.values == [NOW]
    assert not deep.exact and deep.tags == []
    assert search.conditions() == search.Conditions(where=["c.withdrawn_at IS NULL"])


def test_index_expression() -> None:
    """Words go to title and body, filter tags to the tags column; no words, no expression."""
    assert search.index_expression(["小区"], []) == '{title body} : ("小区")'
    assert search.index_expression(["小区"], ["u1", "sopen"]) == (
        '{title body} : ("小区") AND tags : (u1 AND sopen)')
    assert search.index_expression([], ["u1"]) is None


@pytest.mark.asyncio
async def test_index_pages_agree_with_sql_pages(db: Database) -> None:
    """The index alone and SQL over its matches give the same totals and pages, newest first."""
    found = search.conditions(unit_id=1)
    expression = search.index_expression(["小区"], found.tags)
    assert expression is not None
    async with db.read() as conn:
        total, ids = await search.page_from_index(conn, expression, found, "date", 0, 2, 1000)
        rest_total, rest = await search.page_from_index(conn, expression, found, "date", 2, 2, 1000)
        sql_total, rows = await search.page_from_sql(conn, expression, found, "date", 0, 10)
        listed = await search.listed_cases(conn, [*ids, 999])
        plain_total, plain = await search.page_from_sql(conn, None, search.conditions(), "date", 0, 3)
    assert (total, ids, rest_total, rest) == (3, [6, 3], 3, [1])
    assert sql_total == 3 and [row["id"] for row in rows] == [6, 3, 1]
    assert [row["id"] for row in listed] == [6, 3] and listed[0]["unit_name"] == "甲局"
    assert plain_total == 6 and [row["id"] for row in plain] == [6, 5, 4]


@pytest.mark.asyncio
async def test_relevance_past_the_rank_window_keeps_every_match_once(db: Database) -> None:
    """With a rank window of 2, the two newest matches are ranked and older ones follow by date."""
    found = search.conditions()
    expression = search.index_expression(["小区"], found.tags)
    assert expression is not None
    async with db.read() as conn:
        total, ids = await search.page_from_index(conn, expression, found, "relevance", 0, 10, 2)
    assert total == 4 and sorted(ids[:2]) == [4, 6] and ids[2:] == [3, 1]


@pytest.mark.asyncio
async def test_event_lookup_and_filter(db: Database) -> None:
    """Events are looked up by slug through the store; the board's event filter uses that lookup."""
    async with db.read() as conn:
        event = await event_row(conn, "e1")
        assert event is not None and event["title"] == "E"
        assert await event_row(conn, "nope") is None
        query = board_search.parse(QueryParams({"event": "e1"}))
        result = await board_search.search_cases(conn, query, NOW)
        with pytest.raises(ApiError):
            await board_search.search_cases(conn, board_search.parse(QueryParams({"event": "nope"})), NOW)
    assert [case["id"] for case in result["cases"]] == [4]
