"""Hot topics of a week or of an event: the store's public messages grouped by :mod:`studio.hottopics`.

A week's messages are the public live questions asked in it and the board
cases received in it (ISO week, the studio's time zone); an event's are its
public questions. +1s are the questions' live votes and the board cases' 同问
(``cases.supports``). Grouping
runs in a worker thread (the first grouping of a process also loads jieba's
dictionary: seconds); the result is kept per process until the window's
messages change (``_CACHE``, the latest ``CACHED_WINDOWS`` windows), so the
public board does not regroup on every view, and the public board never
waits for a grouping: it shows the week's topics once grouped. At most ``MAX_ITEMS`` messages
(the latest) are grouped per window.
"""

from __future__ import annotations

import asyncio
import logging
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
CACHED_WINDOWS = 32
_CACHE: dict[str, tuple[tuple[Any, ...], list[hottopics.Topic]]] = {}
_PENDING: dict[str, asyncio.Task[list[hottopics.Topic]]] = {}
log = logging.getLogger(__name__)


def _question(row: Any) -> hottopics.Item:
    return hottopics.Item("question", row["id"], title_of(row["text"]), row["text"], row["at"],
                          int(row["votes"]), row["unit_name"], f"/events/{row['event_slug']}#q{row['id']}")


def _case(row: Any) -> hottopics.Item:
    return hottopics.Item("case", row["id"], row["title"], row["text"], row["at"], int(row["supports"]),
                          row["unit_name"], f"/board/cases/{row['id']}")


async def _group(key: str, stamp: tuple[Any, ...], items: list[hottopics.Item]) -> list[hottopics.Topic]:
    found = await asyncio.to_thread(hottopics.topics, items)
    _CACHE.pop(key, None)
    while len(_CACHE) >= CACHED_WINDOWS:
        _CACHE.pop(next(iter(_CACHE)))  # the window grouped longest ago
    _CACHE[key] = (stamp, found)
    return found


async def _grouped(key: str, items: list[hottopics.Item], wait: bool) -> list[hottopics.Topic] | None:
    """The window's topics; when they must be regrouped and ``wait`` is false, ``None`` now and
    the grouping in the background (one at a time per window)."""
    items = sorted(items, key=lambda item: item.at)[-MAX_ITEMS:]
    stamp = tuple((item.kind, item.id, item.supports, item.title) for item in items)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    if wait:
        return await _group(key, stamp, items)
    if key not in _PENDING:
        task = asyncio.create_task(_group(key, stamp, items))
        _PENDING[key] = task
        task.add_done_callback(lambda done: _finished(key, done))
    return None


def _finished(key: str, task: asyncio.Task[list[hottopics.Topic]]) -> None:
    _PENDING.pop(key, None)
    if not task.cancelled() and task.exception() is not None:
        log.error("hot topics of %s could not be grouped", key, exc_info=task.exception())


async def week_topics(conn: Queryable, week: str, now: datetime, limit: int, *,
                      wait: bool = True) -> dict[str, Any]:
    """The hot topics of an ISO week (``2026-W47``): at most ``limit``, hottest first. With
    ``wait`` false (the public board) a window whose messages changed answers no topics and
    ``pending`` true while it is regrouped in the background."""
    zone = now.tzinfo or ZoneInfo("Asia/Shanghai")
    monday, next_monday = week_bounds(week)
    start = datetime.combine(monday, time(0), tzinfo=zone).isoformat()
    end = datetime.combine(next_monday, time(0), tzinfo=zone).isoformat()
    items = [_question(row) for row in await topic_rows.week_questions(conn, start, end)]
    items += [_case(row) for row in await topic_rows.week_cases(conn, start, end)]
    found = await _grouped(f"week:{week}", items, wait)
    return {
        "week": week, "start": monday.isoformat(),
        "end": date.fromordinal(next_monday.toordinal() - 1).isoformat(),
        "previous": week_of(date.fromordinal(monday.toordinal() - 7)), "next": week_of(next_monday),
        "messages": len(items), "pending": found is None,
        "topics": [topic.as_dict() for topic in hottopics.hot(found or [], limit)],
    }


async def event_topics(conn: Queryable, slug: str, limit: int) -> dict[str, Any]:
    """The hot topics among an event's public questions; ``not_found`` for an unknown event."""
    event = await event_rows.event_row(conn, slug)
    if event is None:
        raise ApiError("not_found", "没有这场访谈")
    items = [_question(row) for row in await topic_rows.event_questions(conn, event["id"])]
    found = await _grouped(f"event:{event['id']}", items, True) or []
    return {"event": {"slug": slug, "title": event["title"]}, "messages": len(items),
            "topics": [topic.as_dict() for topic in hottopics.hot(found, limit)]}


def chart(title: str, topics: list[dict[str, Any]]) -> Markup:
    """The topics' heat as horizontal SVG bars (drawn on the server), labelled by short titles."""
    rows = [{"unit": {"name": topic["title"][:12] + ("…" if len(topic["title"]) > 12 else "")},
             "heat": topic["heat"]} for topic in topics]
    return bar_chart(title, rows, [("heat", "bar-heat")])
