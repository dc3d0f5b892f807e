"""Atom feeds (RFC 4287) of newly replied board cases: overall and per unit.

Entries are the 50 most recently replied cases; ``updated`` is the time of the
last reply, the entry ``id`` the case page's URL. Only public text is used
(the case's public question and its public replies); :mod:`studio.atom` writes it.
"""

from __future__ import annotations

from typing import Any

from studio.atom import Entry, Feed, document
from studio.store import cases as case_rows
from studio.store.database import Queryable

FEED_SIZE = 50
SUMMARY_CHARS = 200


async def replied(conn: Queryable, unit_id: int | None) -> list[dict[str, Any]]:
    """The most recently replied cases, newest first, each with its latest reply."""
    cases = await case_rows.recently_replied(conn, unit_id, FEED_SIZE)
    latest: dict[int, Any] = {}
    for reply in await case_rows.replies_of(conn, [row["id"] for row in cases]):
        latest[reply["case_id"]] = reply
    return [{"case": row, "reply": latest.get(row["id"])} for row in cases]


def atom(*, base: str, path: str, title: str, alternate: str, entries: list[dict[str, Any]],
         now: str) -> bytes:
    """The feed document; ``updated`` is the newest reply's time (``now`` when there is none)."""
    written = []
    for item in entries:
        case, reply = item["case"], item["reply"]
        url = f"{base}/board/cases/{case['id']}"
        question = case["text"]
        written.append(Entry(
            id=url, title=case["title"] or "网友留言", published=case["created_at"], updated=case["replied_at"],
            link=url, author=case["unit_name"] or (reply["author"] if reply else "办理单位"),
            summary=question if len(question) <= SUMMARY_CHARS else question[:SUMMARY_CHARS] + "…",
            content=f"{reply['author']}答复：\n{reply['text']}" if reply is not None else None))
    updated = entries[0]["case"]["replied_at"] if entries else now
    return document(Feed(base + path, title, base + alternate, "留言板", updated), written)
