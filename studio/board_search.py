"""Finding board cases: full-text query, filters, sort and pages (docs/search.md).

One function answers both ``GET /api/board/cases`` and the ``/board`` page.
The text query goes to the bigram FTS5 index (studio/search.py); filters are
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

from studio import categories, search
from studio.board import case_summary
from studio.errors import invalid
from studio.views import Queryable

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
    terms = search.terms_of(q)
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


async def _conditions(conn: Queryable, query: BoardQuery, now: str) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    values: list[Any] = []
    if query.unit is not None:
        if await conn.fetchone("SELECT 1 FROM units WHERE id = ?", (query.unit,)) is None:
            raise invalid("unit", "没有这个办理单位")
        where.append("c.unit_id = ?")
        values.append(query.unit)
    if query.category is not None:
        ids = await categories.subtree_ids(conn, query.category)
        if not ids:
            raise invalid("category", "没有这个分类")
        where.append(f"c.category_id IN ({','.join('?' * len(ids))})")
        values += ids
    if query.event is not None:
        row = await conn.fetchone("SELECT id FROM events WHERE slug = ?", (query.event,))
        if row is None:
            raise invalid("event", "没有这场访谈")
        where.append("c.event_id = ?")
        values.append(row["id"])
    if query.status == "overdue":
        where.append("c.status = 'open' AND c.due_at < ?")
        values.append(now)
    elif query.status is not None:
        where.append("c.status = ?")
        values.append(query.status)
    if query.date_from:
        where.append("c.created_at >= ?")
        values.append(query.date_from)
    if query.date_to:
        where.append("c.created_at < ?")
        values.append((date.fromisoformat(query.date_to) + timedelta(days=1)).isoformat())
    return where, values


async def search_cases(conn: Queryable, query: BoardQuery, now: str) -> dict[str, Any]:
    """One page of public cases and posts matching ``query``, with the total and highlights.

    With words, a case matches when every word occurs in its title, question,
    live answer or replies; ``sort=relevance`` orders by BM25 (title weighs
    four times the body), ``sort=date`` newest first. A page past the last
    answers the last page.
    """
    where, values = await _conditions(conn, query, now)
    expression = search.match_expression(query.terms)
    source = "cases c"
    if expression is not None:
        source = ("(SELECT rowid AS id, rank FROM case_fts WHERE case_fts MATCH ?) m "
                  "JOIN cases c ON c.id = m.id")
        values = [expression, *values]
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total_row = await conn.fetchone(f"SELECT COUNT(*) AS n FROM {source}{clause}", values)
    total = int(total_row["n"]) if total_row else 0
    pages = max(1, math.ceil(total / query.per_page))
    page = min(query.page, pages)
    order = "c.created_at DESC, c.id DESC"
    if expression is not None and query.sort == "relevance":
        order = "m.rank, " + order
    rows = await conn.fetchall(
        f"""SELECT c.*, u.name AS unit_name, e.slug AS event_slug, e.title AS event_title,
                   k.name AS category_name
            FROM {source} LEFT JOIN units u ON u.id = c.unit_id
            LEFT JOIN events e ON e.id = c.event_id LEFT JOIN categories k ON k.id = c.category_id
            {clause} ORDER BY {order} LIMIT ? OFFSET ?""",
        [*values, query.per_page, (page - 1) * query.per_page],
    )
    replies: dict[int, list[str]] = {}
    if query.terms and rows:
        ids = [row["id"] for row in rows]
        for reply in await conn.fetchall(
            f"SELECT case_id, text FROM case_replies WHERE case_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY at, id", ids,
        ):
            replies.setdefault(reply["case_id"], []).append(reply["text"])
    found = []
    for row in rows:
        case = listed(row, now)
        if query.terms:
            case["highlight"] = {
                "title": str(search.mark(row["title"], query.terms)),
                "snippet": str(search.snippet([row["text"], *replies.get(row["id"], [])], query.terms)),
            }
        found.append(case)
    return {
        "cases": found, "total": total, "page": page, "pages": pages, "per_page": query.per_page,
        "sort": query.sort, "terms": query.terms,
    }


def listed(row: Any, now: str) -> dict[str, Any]:
    """A case in a list: the board's summary plus its origin and category."""
    case = case_summary(row, now)
    case["origin"] = row["origin"]
    case["category"] = (
        {"id": row["category_id"], "name": row["category_name"]} if row["category_id"] else None
    )
    return case
