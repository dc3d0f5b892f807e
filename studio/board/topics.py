"""Hot topics of a week or of an event: the store's public messages grouped by :mod:`studio.hottopics`.

A week's messages are the public live questions asked in it and the board
cases received in it (ISO week, the studio's time zone); an event's are its
public questions. +1s are the questions' live votes; a board case's +1s are
read by ``case_supports`` (the one place case support counts in). Grouping
runs in a worker thread; the result is kept per process until the window's
messages change (``_CACHE``), so the public board does not regroup on every
view. At most ``MAX_ITEMS`` messages (the latest) are grouped per window.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from studio import hottopics
from studio.board.ranking import bar_chart
from studio.board.records import title_of
from studio.board.stats import week_bounds, week_of
from studio.errors import ApiError
from studio.store import events as event_rows
from studio.store import topics as topic_rows
from studio.store.database import Queryable

MAX_ITEMS = 3000
_CACHE: dict[str, tuple[tuple[Any, ...], list[hottopics.Topic]]] = {}


def case_supports(row: Any) -> int:
    """A board case's +1s (同问): the row's ``supports`` column when the store gives one, else 0."""
    return int(row["supports"]) if "supports" in row.keys() else 0


def _question(row: Any) -> hottopics.Item:
    return hottopics.Item("question", row["id"], title_of(row["text"]), row["text"], row["at"],
                          int(row["votes"]), row["unit_name"], f"/events/{row['event_slug']}#q{row['id']}")


def _case(row: Any) -> hottopics.Item:
    return hottopics.Item("case", row["id"], row["title"], row["text"], row["at"], case_supports(row),
                          row["unit_name"], f"/board/cases/{row['id']}")


async def _grouped(key: str, items: list[hottopics.Item]) -> list[hottopics.Topic]:
    items = sorted(items, key=lambda item: item.at)[-MAX_ITEMS:]
    stamp = tuple((item.kind, item.id, item.supports, item.title) for item in items)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    found = await asyncio.to_thread(hottopics.topics, items)
    _CACHE[key] = (stamp, found)
    return found


async def week_topics(conn: Queryable, week: str, now: datetime, limit: int) -> dict[str, Any]:
    """The hot topics of an ISO week (``2026-W47``): at most ``limit``, hottest first."""
    zone = now.tzinfo or ZoneInfo("Asia/Shanghai")
    monday, next_monday = week_bounds(week)
    start = datetime.combine(monday, time(0), tzinfo=zone).isoformat()
    end = datetime.combine(next_monday, time(0), tzinfo=zone).isoformat()
    items = [_question(row) for row in await topic_rows.week_questions(conn, start, end)]
    items += [_case(row) for row in await topic_rows.week_cases(conn, start, end)]
    found = await _grouped(f"week:{week}", items)
    return {
        "week": week, "start": monday.isoformat(),
        "end": date.fromordinal(next_monday.toordinal() - 1).isoformat(),
        "previous": week_of(date.fromordinal(monday.toordinal() - 7)), "next": week_of(next_monday),
        "messages": len(items), "topics": [topic.as_dict() for topic in hottopics.hot(found, limit)],
    }


async def event_topics(conn: Queryable, slug: str, limit: int) -> dict[str, Any]:
    """The hot topics among an event's public questions; ``not_found`` for an unknown event."""
    event = await event_rows.event_row(conn, slug)
    if event is None:
        raise ApiError("not_found", "没有这场访谈")
    items = [_question(row) for row in await topic_rows.event_questions(conn, event["id"])]
    found = await _grouped(f"event:{event['id']}", items)
    return {"event": {"slug": slug, "title": event["title"]}, "messages": len(items),
            "topics": [topic.as_dict() for topic in hottopics.hot(found, limit)]}


def chart(title: str, topics: list[dict[str, Any]]) -> Markup:
    """The topics' heat as horizontal SVG bars (drawn on the server), labelled by short titles."""
    rows = [{"unit": {"name": topic["title"][:12] + ("…" if len(topic["title"]) > 12 else "")},
             "heat": topic["heat"]} for topic in topics]
    return bar_chart(title, rows, [("heat", "bar-heat")])
