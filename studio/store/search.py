"""Running a board search: a query's SQL conditions and index filters, its total and its pages.

The search index (its migrations, docs/search.md) is the FTS5 table
``case_fts`` over each case's bigram-expanded title and body, plus a ``tags``
column of filters (``u{unit}``, ``s{status}``, ``e{event}``, ``k{category}``
for the category and its two ancestors). Its rowid is the sort key: the
creation day (days since 1900) * 2**27 + the case id, so the index is in date
order and a date range is a rowid range. A search whose every filter the index
holds exactly is answered by the index alone; otherwise SQL conditions on
``cases c`` filter the index's matches.

:mod:`studio.board.search` validates the request and decides; this module
builds and runs the SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from studio.store import fulltext
from studio.store.database import Queryable

KEY_SCALE = 2**27
FIRST_DAY = date(1900, 1, 1).toordinal()


def day_key(day: str) -> int:
    """The index's first sort key of ``day``: days since 1900 * 2**27 (the case id fills the rest)."""
    return (date.fromisoformat(day).toordinal() - FIRST_DAY) * KEY_SCALE


@dataclass
class Conditions:
    """SQL conditions on ``cases c``, and the same filters for the index: tags and a rowid range.

    ``exact`` when the index alone selects exactly the rows the SQL would.
    """

    where: list[str] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    low: int | None = None
    high: int | None = None
    exact: bool = True


INDEXED_DEPTH = 2
"""A category's tag is on its cases and on those of its children and grandchildren."""


def conditions(*, unit_id: int | None = None, category_id: int | None = None,
               subtree: Sequence[tuple[int, int]] = (), event_id: int | None = None,
               status: str | None = None, date_from: str | None = None,
               date_to: str | None = None, now: str = "", min_support: int | None = None,
               by_support: bool = False) -> Conditions:
    """The conditions of a search's filters (all of them must hold).

    ``subtree`` is the category and every category below it as ``(id, depth)``;
    ``status`` is ``open``, ``replied`` or ``overdue`` (open and due before
    ``now``); ``date_from``/``date_to`` are inclusive days; ``min_support``
    the fewest 同问. The index holds neither 同问 nor its order: with
    ``min_support`` or ``by_support`` (sorting by it) the search goes through SQL.
    """
    found = Conditions()
    where, values, tags = found.where, found.values, found.tags
    where.append("c.withdrawn_at IS NULL")  # withdrawn cases are out of the index too
    if unit_id is not None:
        where.append("c.unit_id = ?")
        values.append(unit_id)
        tags.append(f"u{unit_id}")
    if category_id is not None:
        ids = [category for category, _ in subtree]
        where.append(f"c.category_id IN ({','.join('?' * len(ids))})")
        values += ids
        if max((depth for _, depth in subtree), default=0) <= INDEXED_DEPTH:
            tags.append(f"k{category_id}")
        else:
            found.exact = False
    if event_id is not None:
        where.append("c.event_id = ?")
        values.append(event_id)
        tags.append(f"e{event_id}")
    if status == "overdue":
        where.append("c.status = 'open' AND c.due_at < ?")
        values.append(now)
        tags.append("sopen")
        found.exact = False
    elif status is not None:
        where.append("c.status = ?")
        values.append(status)
        tags.append(f"s{status}")
    if min_support is not None:
        where.append("c.supports >= ?")
        values.append(min_support)
        found.exact = False
    if by_support:
        found.exact = False
    if date_from:
        where.append("c.created_at >= ?")
        values.append(date_from)
        found.low = day_key(date_from)
    if date_to:
        following = (date.fromisoformat(date_to) + timedelta(days=1)).isoformat()
        where.append("c.created_at < ?")
        values.append(following)
        found.high = day_key(following) - 1
    return found


def index_expression(terms: list[str], tags: list[str]) -> str | None:
    """The FTS5 expression of the words (in title or body) and the filter tags; ``None`` without words."""
    words = fulltext.match_expression(terms)
    if words is None:
        return None
    expression = "{title body} : (" + words + ")"
    if tags:
        expression += " AND tags : (" + " AND ".join(tags) + ")"
    return expression


def _range(low: int | None, high: int | None) -> tuple[str, list[int]]:
    sql, values = "", []
    if low is not None:
        sql += " AND rowid >= ?"
        values.append(low)
    if high is not None:
        sql += " AND rowid <= ?"
        values.append(high)
    return sql, values


async def page_from_index(conn: Queryable, expression: str, found: Conditions, sort: str,
                          offset: int, limit: int, rank_window: int) -> tuple[int, list[int]]:
    """Total and one page of case ids straight from the index (every filter is in it).

    ``sort`` is ``date`` (newest first) or ``relevance``: BM25 over the newest
    ``rank_window`` matches, the older ones following by date.
    """
    where, bounds = _range(found.low, found.high)
    base = f"SELECT rowid FROM case_fts WHERE case_fts MATCH ?{where}"
    total_row = await conn.fetchone(f"SELECT COUNT(*) FROM case_fts WHERE case_fts MATCH ?{where}",
                                    [expression, *bounds])
    total = int(total_row[0]) if total_row else 0
    if sort == "date" or total == 0:
        keys = await conn.fetchall(base + " ORDER BY rowid DESC LIMIT ? OFFSET ?",
                                   [expression, *bounds, limit, offset])
        return total, [int(k[0]) % KEY_SCALE for k in keys]
    if total <= rank_window:
        keys = await conn.fetchall(base + " ORDER BY rank, rowid DESC LIMIT ? OFFSET ?",
                                   [expression, *bounds, limit, offset])
        return total, [int(k[0]) % KEY_SCALE for k in keys]
    # Rank the newest rank_window matches; older ones follow by date.
    edge = await conn.fetchone(base + " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                               [expression, *bounds, rank_window - 1])
    assert edge is not None
    picked: list[int] = []
    if offset < rank_window:
        where_top, top = _range(int(edge[0]), found.high)
        picked = [int(k[0]) for k in await conn.fetchall(
            f"SELECT rowid FROM case_fts WHERE case_fts MATCH ?{where_top} "
            "ORDER BY rank, rowid DESC LIMIT ? OFFSET ?",
            [expression, *top, min(limit, rank_window - offset), offset])]
    if len(picked) < limit:
        where_rest, rest = _range(found.low, int(edge[0]) - 1)
        picked += [int(k[0]) for k in await conn.fetchall(
            f"SELECT rowid FROM case_fts WHERE case_fts MATCH ?{where_rest} "
            "ORDER BY rowid DESC LIMIT ? OFFSET ?",
            [expression, *rest, limit - len(picked), max(0, offset - rank_window)])]
    return total, [key % KEY_SCALE for key in picked]


CASE_COLUMNS = """SELECT c.*, u.name AS unit_name, e.slug AS event_slug, e.title AS event_title,
                         k.name AS category_name"""
CASE_JOINS = """LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN events e ON e.id = c.event_id
                LEFT JOIN categories k ON k.id = c.category_id"""


async def listed_cases(conn: Queryable, ids: Sequence[int]) -> list[Any]:
    """The cases of ``ids`` in that order, each with its unit, event and category names."""
    if not ids:
        return []
    by_id = {row["id"]: row for row in await conn.fetchall(
        f"{CASE_COLUMNS} FROM cases c {CASE_JOINS} WHERE c.id IN ({','.join('?' * len(ids))})",
        list(ids))}
    return [by_id[case_id] for case_id in ids if case_id in by_id]


async def page_from_sql(conn: Queryable, expression: str | None, found: Conditions, sort: str,
                        offset: int, limit: int) -> tuple[int, list[Any]]:
    """Total and one page through SQL conditions on ``cases`` (over the index's matches, if words).

    Newest first; ``sort=relevance`` with words orders by BM25 first, ``sort=support`` by
    the most 同问 first. The page is chosen by id (narrow index entries, not whole rows),
    then its rows are read.
    """
    values = list(found.values)
    source = "cases c"
    if expression is not None:
        # CROSS JOIN keeps the index as the outer loop: otherwise SQLite may walk a
        # filter's index and run the MATCH once per case. Each match is looked up in
        # cases_narrow (every column a condition or an order names), not in the wide rows.
        where, bounds = _range(found.low, found.high)
        source = (f"(SELECT rowid % {KEY_SCALE} AS id, rank FROM case_fts WHERE case_fts MATCH ?{where}) m "
                  "CROSS JOIN cases c INDEXED BY cases_narrow ON c.id = m.id")
        values = [expression, *bounds, *values]
    clause = (" WHERE " + " AND ".join(found.where)) if found.where else ""
    total_row = await conn.fetchone(f"SELECT COUNT(*) AS n FROM {source}{clause}", values)
    total = int(total_row["n"]) if total_row else 0
    order = "c.created_at DESC, c.id DESC"
    if expression is not None and sort == "relevance":
        order = "m.rank, " + order
    elif sort == "support":
        order = "c.supports DESC, " + order
    ids = await conn.fetchall(f"SELECT c.id FROM {source}{clause} ORDER BY {order} LIMIT ? OFFSET ?",
                              [*values, limit, offset])
    return total, await listed_cases(conn, [int(row["id"]) for row in ids])
