"""Finding board cases: full-text query, filters, sort and pages (docs/fulltext.md).

One function answers both ``GET /api/board/cases`` and the ``/board`` page.
The text query goes to the bigram FTS5 index (studio/fulltext.py); filters are
plain column conditions on ``cases``; the total is counted with the same
conditions, so pages and totals always agree.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from starlette.datastructures import QueryParams

from studio.board import categories
from studio.board.records import case_summary
from studio.errors import invalid
from studio.store import fulltext
from studio.store.database import Queryable

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 100
MAX_PAGE = 10_000
STATUSES = ("open", "replied", "overdue")
SORTS = ("relevance", "date")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class BoardQuery:
    """What a reader asked the board for; built by ``parse`` from query parameters."""

    q: str = ""
    unit: int | None = None
    category: int | None = None
    status: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    event: str | None = None
    sort: str = "date"
    page: int = 1
    per_page: int = PER_PAGE
    terms: list[str] = field(default_factory=list)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters that ask for this search again (for page links)."""
        values = {
            "q": self.q, "unit": self.unit, "category": self.category, "status": self.status,
            "from": self.date_from, "to": self.date_to, "event": self.event,
            "sort": self.sort if self.q else None, "page": self.page,
            "per_page": self.per_page if self.per_page != PER_PAGE else None,
        }
        values.update(changes)
        return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _whole(params: QueryParams, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise invalid(name, f"{name} 须为 {low}–{high} 的整数")
    return int(raw)


def _day(params: QueryParams, name: str) -> str | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        if not DATE.match(raw):
            raise ValueError
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise invalid(name, f"{name} 须为 YYYY-MM-DD 格式的日期") from None


def parse(params: QueryParams) -> BoardQuery:
    """Validate the board's query parameters; 400 ``invalid`` naming the field otherwise.

    ``sort`` defaults to relevance when there is a text query, else date;
    ``from``/``to`` are inclusive days in the studio's timezone.
    """
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise invalid("q", f"关键词不能超过 {MAX_QUERY_CHARS} 个字")
    status = params.get("status", "").strip() or None
    if status is not None and status not in STATUSES:
        raise invalid("status", "status 须为 open、replied 或 overdue")
    terms = fulltext.terms_of(q)
    sort = params.get("sort", "").strip() or ("relevance" if terms else "date")
    if sort not in SORTS:
        raise invalid("sort", "sort 须为 relevance 或 date")
    date_from, date_to = _day(params, "from"), _day(params, "to")
    if date_from and date_to and date_to < date_from:
        raise invalid("to", "结束日期不能早于开始日期")
    return BoardQuery(
        q=q, terms=terms, status=status, sort=sort if terms else "date",
        unit=_whole(params, "unit", 1, 2**62, None),
        category=_whole(params, "category", 1, 2**62, None),
        date_from=date_from, date_to=date_to,
        event=params.get("event", "").strip() or None,
        page=_whole(params, "page", 1, MAX_PAGE, 1) or 1,
        per_page=_whole(params, "per_page", 1, MAX_PER_PAGE, PER_PAGE) or PER_PAGE,
    )


KEY_SCALE = 2**27
FIRST_DAY = date(1900, 1, 1).toordinal()
RANK_WINDOW = 1000
"""With more matches than this, relevance orders the newest RANK_WINDOW by BM25, the rest by date."""


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


async def _conditions(conn: Queryable, query: BoardQuery, now: str) -> Conditions:
    found = Conditions()
    where, values, tags = found.where, found.values, found.tags
    if query.unit is not None:
        if await conn.fetchone("SELECT 1 FROM units WHERE id = ?", (query.unit,)) is None:
            raise invalid("unit", "没有这个办理单位")
        where.append("c.unit_id = ?")
        values.append(query.unit)
        tags.append(f"u{query.unit}")
    if query.category is not None:
        rows = await conn.fetchall(
            """WITH RECURSIVE below(id, depth) AS (
                   SELECT id, 0 FROM categories WHERE id = ?
                   UNION ALL SELECT c.id, below.depth + 1 FROM categories c JOIN below ON c.parent_id = below.id)
               SELECT id, depth FROM below""",
            (query.category,),
        )
        if not rows:
            raise invalid("category", "没有这个分类")
        ids = [int(row["id"]) for row in rows]
        where.append(f"c.category_id IN ({','.join('?' * len(ids))})")
        values += ids
        if max(int(row["depth"]) for row in rows) <= 2:
            tags.append(f"k{query.category}")
        else:
            found.exact = False
    if query.event is not None:
        row = await conn.fetchone("SELECT id FROM events WHERE slug = ?", (query.event,))
        if row is None:
            raise invalid("event", "没有这场访谈")
        where.append("c.event_id = ?")
        values.append(row["id"])
        tags.append(f"e{row['id']}")
    if query.status == "overdue":
        where.append("c.status = 'open' AND c.due_at < ?")
        values.append(now)
        tags.append("sopen")
        found.exact = False
    elif query.status is not None:
        where.append("c.status = ?")
        values.append(query.status)
        tags.append(f"s{query.status}")
    if query.date_from:
        where.append("c.created_at >= ?")
        values.append(query.date_from)
        found.low = day_key(query.date_from)
    if query.date_to:
        following = (date.fromisoformat(query.date_to) + timedelta(days=1)).isoformat()
        where.append("c.created_at < ?")
        values.append(following)
        found.high = day_key(following) - 1
    return found


def _range(low: int | None, high: int | None) -> tuple[str, list[int]]:
    sql, values = "", []
    if low is not None:
        sql += " AND rowid >= ?"
        values.append(low)
    if high is not None:
        sql += " AND rowid <= ?"
        values.append(high)
    return sql, values


async def _page_from_index(conn: Queryable, expression: str, found: Conditions, sort: str,
                           offset: int, limit: int) -> tuple[int, list[int]]:
    """Total and one page of case ids straight from the index (every filter is in it)."""
    where, bounds = _range(found.low, found.high)
    base = f"SELECT rowid FROM case_fts WHERE case_fts MATCH ?{where}"
    total_row = await conn.fetchone(f"SELECT COUNT(*) FROM case_fts WHERE case_fts MATCH ?{where}",
                                    [expression, *bounds])
    total = int(total_row[0]) if total_row else 0
    if sort == "date" or total == 0:
        keys = await conn.fetchall(base + " ORDER BY rowid DESC LIMIT ? OFFSET ?",
                                   [expression, *bounds, limit, offset])
        return total, [int(k[0]) % KEY_SCALE for k in keys]
    if total <= RANK_WINDOW:
        keys = await conn.fetchall(base + " ORDER BY rank, rowid DESC LIMIT ? OFFSET ?",
                                   [expression, *bounds, limit, offset])
        return total, [int(k[0]) % KEY_SCALE for k in keys]
    # Rank the newest RANK_WINDOW matches; older ones follow by date.
    edge = await conn.fetchone(base + " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                               [expression, *bounds, RANK_WINDOW - 1])
    assert edge is not None
    picked: list[int] = []
    if offset < RANK_WINDOW:
        where_top, top = _range(int(edge[0]), found.high)
        picked = [int(k[0]) for k in await conn.fetchall(
            f"SELECT rowid FROM case_fts WHERE case_fts MATCH ?{where_top} "
            "ORDER BY rank, rowid DESC LIMIT ? OFFSET ?",
            [expression, *top, min(limit, RANK_WINDOW - offset), offset])]
    if len(picked) < limit:
        where_rest, rest = _range(found.low, int(edge[0]) - 1)
        picked += [int(k[0]) for k in await conn.fetchall(
            f"SELECT rowid FROM case_fts WHERE case_fts MATCH ?{where_rest} "
            "ORDER BY rowid DESC LIMIT ? OFFSET ?",
            [expression, *rest, limit - len(picked), max(0, offset - RANK_WINDOW)])]
    return total, [key % KEY_SCALE for key in picked]


CASE_COLUMNS = """SELECT c.*, u.name AS unit_name, e.slug AS event_slug, e.title AS event_title,
                         k.name AS category_name"""
CASE_JOINS = """LEFT JOIN units u ON u.id = c.unit_id LEFT JOIN events e ON e.id = c.event_id
                LEFT JOIN categories k ON k.id = c.category_id"""


async def search_cases(conn: Queryable, query: BoardQuery, now: str) -> dict[str, Any]:
    """One page of public cases and posts matching ``query``, with the total and highlights.

    With words, a case matches when every word occurs in its title, question,
    live answer or replies; ``sort=relevance`` orders by BM25 (title weighs
    four times the body) — the newest 1,000 matches when there are more, the
    rest following by date — and ``sort=date`` newest day first (within a day,
    the case recorded last first). A page past the
    last answers the last page. With words, the filters go to the index (tags
    and a rowid range, docs/fulltext.md), which then answers alone; filters it
    cannot hold exactly (overdue, a category more than two levels deep) fall
    back to SQL over the index's matches.
    """
    found = await _conditions(conn, query, now)
    expression = fulltext.match_expression(query.terms)
    offset = (query.page - 1) * query.per_page
    if expression is not None:
        expression = "{title body} : (" + expression + ")"
        if found.tags:
            expression += " AND tags : (" + " AND ".join(found.tags) + ")"
    if expression is not None and found.exact:
        total, ids = await _page_from_index(conn, expression, found, query.sort, offset, query.per_page)
        pages = max(1, math.ceil(total / query.per_page))
        if query.page > pages:
            offset = (pages - 1) * query.per_page
            total, ids = await _page_from_index(conn, expression, found, query.sort, offset,
                                                query.per_page)
        rows = []
        if ids:
            by_id = {row["id"]: row for row in await conn.fetchall(
                f"{CASE_COLUMNS} FROM cases c {CASE_JOINS} WHERE c.id IN ({','.join('?' * len(ids))})", ids)}
            rows = [by_id[case_id] for case_id in ids if case_id in by_id]
    else:
        total, rows = await _page_from_sql(conn, expression, found, query, offset)
        pages = max(1, math.ceil(total / query.per_page))
        if query.page > pages:
            total, rows = await _page_from_sql(conn, expression, found, query, (pages - 1) * query.per_page)
    page = min(query.page, pages)
    replies: dict[int, list[str]] = {}
    if query.terms and rows:
        ids = [row["id"] for row in rows]
        for reply in await conn.fetchall(
            f"SELECT case_id, text FROM case_replies WHERE case_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY at, id", ids,
        ):
            replies.setdefault(reply["case_id"], []).append(reply["text"])
    cases = []
    for row in rows:
        case = listed(row, now)
        if query.terms:
            case["highlight"] = {
                "title": str(fulltext.mark(row["title"], query.terms)),
                "snippet": str(fulltext.snippet([row["text"], *replies.get(row["id"], [])], query.terms)),
            }
        cases.append(case)
    return {
        "cases": cases, "total": total, "page": page, "pages": pages, "per_page": query.per_page,
        "sort": query.sort, "terms": query.terms,
    }


async def _page_from_sql(conn: Queryable, expression: str | None, found: Conditions,
                         query: BoardQuery, offset: int) -> tuple[int, list[Any]]:
    """Total and one page through SQL conditions on ``cases`` (over the index's matches, if words)."""
    values = list(found.values)
    source = "cases c"
    if expression is not None:
        # CROSS JOIN keeps the index as the outer loop: otherwise SQLite may walk a
        # filter's index and run the MATCH once per case.
        where, bounds = _range(found.low, found.high)
        source = (f"(SELECT rowid % {KEY_SCALE} AS id, rank FROM case_fts WHERE case_fts MATCH ?{where}) m "
                  "CROSS JOIN cases c ON c.id = m.id")
        values = [expression, *bounds, *values]
    clause = (" WHERE " + " AND ".join(found.where)) if found.where else ""
    total_row = await conn.fetchone(f"SELECT COUNT(*) AS n FROM {source}{clause}", values)
    total = int(total_row["n"]) if total_row else 0
    order = "c.created_at DESC, c.id DESC"
    if expression is not None and query.sort == "relevance":
        order = "m.rank, " + order
    rows = await conn.fetchall(
        f"{CASE_COLUMNS} FROM {source} {CASE_JOINS}{clause} ORDER BY {order} LIMIT ? OFFSET ?",
        [*values, query.per_page, offset],
    )
    return total, rows


def listed(row: Any, now: str) -> dict[str, Any]:
    """A case in a list: the board's summary plus its origin and category."""
    case = case_summary(row, now)
    case["origin"] = row["origin"]
    case["category"] = (
        {"id": row["category_id"], "name": row["category_name"]} if row["category_id"] else None
    )
    return case


async def case_extras(conn: Queryable, case: dict[str, Any]) -> dict[str, Any]:
    """What search adds to a case's detail: its category path, origin and transcript anchor."""
    row = await conn.fetchone("SELECT category_id, origin FROM cases WHERE id = ?", (case["id"],))
    path = await categories.path_of(conn, row["category_id"] if row else None)
    transcript = None
    if case.get("event") and case.get("kind") == "post" and case.get("question_id"):
        transcript = f"/events/{case['event']['slug']}#q-{case['question_id']}"
    return {
        "category": {"id": path[-1]["id"], "name": path[-1]["name"],
                     "path": "/".join(p["name"] for p in path)} if path else None,
        "origin": row["origin"] if row else None,
        "transcript_url": transcript,
    }
