"""Finding board cases: full-text query, filters, sort and pages (docs/search.md).

One function answers both ``GET /api/board/cases`` and the ``/board`` page.
The text query goes to the bigram FTS5 index (studio/store/fulltext.py); filters
are plain column conditions on ``cases``; the total is counted with the same
conditions, so pages and totals always agree. This module validates the
request and decides; :mod:`studio.store.search` builds and runs the SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams

from studio.board.records import case_summary
from studio.clock import parse_day
from studio.errors import invalid, number_text
from studio.store import cases as case_rows
from studio.store import categories as category_rows
from studio.store import fulltext
from studio.store import search as store_search
from studio.store.database import Queryable
from studio.store.events import event_row
from studio.store.search import Conditions
from studio.store.units import unit_by_id

PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 100
MAX_PAGE = 10_000
STATUSES = ("open", "replied", "overdue")
SORTS = ("relevance", "date", "support")
MAX_SUPPORT = 1_000_000


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
    min_support: int | None = None
    sort: str = "date"
    page: int = 1
    per_page: int = PER_PAGE
    terms: list[str] = field(default_factory=list)

    def params(self, **changes: Any) -> dict[str, str]:
        """The query parameters that ask for this search again (for page links)."""
        values = {
            "q": self.q, "unit": self.unit, "category": self.category, "status": self.status,
            "from": self.date_from, "to": self.date_to, "event": self.event,
            "min_support": self.min_support,
            "sort": self.sort if (self.q or self.sort == "support") else None, "page": self.page,
            "per_page": self.per_page if self.per_page != PER_PAGE else None,
        }
        values.update(changes)
        return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _whole(params: QueryParams, name: str, low: int, high: int, default: int | None) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    value = number_text(raw, low, high)
    if value is None:
        raise invalid(name, f"{name} 须为 {low}–{high} 的整数")
    return value


def _day(params: QueryParams, name: str) -> str | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw).isoformat()
    except ValueError:
        raise invalid(name, f"{name} 须为 YYYY-MM-DD 格式的日期") from None


def parse(params: QueryParams) -> BoardQuery:
    """Validate the board's query parameters; 400 ``invalid`` naming the field otherwise.

    ``sort`` defaults to relevance when there is a text query, else date
    (``support``: the most 同问 first, then the newest); ``from``/``to`` are
    inclusive days in the studio's timezone; ``min_support`` keeps the cases
    with at least that many 同问.
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
        raise invalid("sort", "sort 须为 relevance、date 或 support")
    date_from, date_to = _day(params, "from"), _day(params, "to")
    if date_from and date_to and date_to < date_from:
        raise invalid("to", "结束日期不能早于开始日期")
    return BoardQuery(
        q=q, terms=terms, status=status, sort=sort if (terms or sort == "support") else "date",
        min_support=_whole(params, "min_support", 1, MAX_SUPPORT, None),
        unit=_whole(params, "unit", 1, 2**62, None),
        category=_whole(params, "category", 1, 2**62, None),
        date_from=date_from, date_to=date_to,
        event=params.get("event", "").strip() or None,
        page=_whole(params, "page", 1, MAX_PAGE, 1) or 1,
        per_page=_whole(params, "per_page", 1, MAX_PER_PAGE, PER_PAGE) or PER_PAGE,
    )


RANK_WINDOW = 1000
"""With more matches than this, relevance orders the newest RANK_WINDOW by BM25, the rest by date."""


async def _conditions(conn: Queryable, query: BoardQuery, now: str) -> Conditions:
    """The query's filters as store conditions; 400 ``invalid`` for an unknown unit, category or event."""
    if query.unit is not None and await unit_by_id(conn, query.unit) is None:
        raise invalid("unit", "没有这个办理单位")
    subtree: list[tuple[int, int]] = []
    if query.category is not None:
        subtree = [(int(row["id"]), int(row["depth"]))
                   for row in await category_rows.subtree(conn, query.category)]
        if not subtree:
            raise invalid("category", "没有这个分类")
    event_id = None
    if query.event is not None:
        event = await event_row(conn, query.event)
        if event is None:
            raise invalid("event", "没有这场访谈")
        event_id = int(event["id"])
    return store_search.conditions(
        unit_id=query.unit, category_id=query.category, subtree=subtree, event_id=event_id,
        status=query.status, date_from=query.date_from, date_to=query.date_to, now=now,
        min_support=query.min_support, by_support=query.sort == "support",
    )


async def search_cases(conn: Queryable, query: BoardQuery, now: str) -> dict[str, Any]:
    """One page of public cases and posts matching ``query``, with the total and highlights.

    With words, a case matches when every word occurs in its title, question,
    live answer or replies; ``sort=relevance`` orders by BM25 (title weighs
    four times the body) — the newest 1,000 matches when there are more, the
    rest following by date — ``sort=date`` newest day first (within a day,
    the case recorded last first), and ``sort=support`` the most 同问 first,
    then by date. Each hit's highlight is its title and a
    snippet of its question (without the title's words when the title was
    taken from it) or replies, empty when nothing else is left to show. A page past the
    last answers the last page. With words, the filters go to the index (tags
    and a rowid range, docs/search.md), which then answers alone; filters it
    cannot hold exactly (overdue, a category more than two levels deep, 同问)
    fall back to SQL over the index's matches.
    """
    found = await _conditions(conn, query, now)
    expression = store_search.index_expression(query.terms, found.tags)
    offset = (query.page - 1) * query.per_page
    if expression is not None and found.exact:
        total, ids = await store_search.page_from_index(
            conn, expression, found, query.sort, offset, query.per_page, RANK_WINDOW)
        pages = max(1, math.ceil(total / query.per_page))
        if query.page > pages:
            offset = (pages - 1) * query.per_page
            total, ids = await store_search.page_from_index(
                conn, expression, found, query.sort, offset, query.per_page, RANK_WINDOW)
        rows = await store_search.listed_cases(conn, ids)
    else:
        total, rows = await store_search.page_from_sql(conn, expression, found, query.sort, offset,
                                                       query.per_page)
        pages = max(1, math.ceil(total / query.per_page))
        if query.page > pages:
            total, rows = await store_search.page_from_sql(
                conn, expression, found, query.sort, (pages - 1) * query.per_page, query.per_page)
    page = min(query.page, pages)
    replies: dict[int, list[str]] = {}
    if query.terms and rows:
        for reply in await case_rows.replies_of(conn, [row["id"] for row in rows]):
            replies.setdefault(reply["case_id"], []).append(reply["text"])
    cases = []
    for row in rows:
        case = listed(row, now)
        if query.terms:
            rest = after_title(row["title"], row["text"])
            texts = [text for text in (rest, *replies.get(row["id"], [])) if text.strip()]
            case["highlight"] = {
                "title": str(fulltext.mark(row["title"], query.terms)),
                "snippet": str(fulltext.snippet(texts, query.terms)) if texts else "",
            }
        cases.append(case)
    return {
        "cases": cases, "total": total, "page": page, "pages": pages, "per_page": query.per_page,
        "sort": query.sort, "terms": query.terms,
    }


def after_title(title: str | None, text: str) -> str:
    """What a result's snippet may show of the question: the text after its title when the title
    was taken from it (its first line, perhaps cut with …), else the whole text; so a hit never
    shows the same words twice (title, then snippet)."""
    body = text.strip()
    stem = (title or "").removesuffix("…").strip()
    if stem and body.startswith(stem):
        return body[len(stem):].strip()
    return body


def listed(row: Any, now: str) -> dict[str, Any]:
    """A case in a list: the board's summary plus its origin and category."""
    case = case_summary(row, now)
    case["origin"] = row["origin"]
    case["category"] = (
        {"id": row["category_id"], "name": row["category_name"]} if row["category_id"] else None
    )
    return case
