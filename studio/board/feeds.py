"""Atom feeds (RFC 4287) of newly replied board cases: overall and per unit.

Entries are the 50 most recently replied cases; ``updated`` is the time of the
last reply, the entry ``id`` the case page's URL. Only public text is used
(the case's public question and its public replies); ElementTree escapes it.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree as ET

from studio.store import cases as case_rows
from studio.store.database import Queryable

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 50
SUMMARY_CHARS = 200
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


async def replied(conn: Queryable, unit_id: int | None) -> list[dict[str, Any]]:
    """The most recently replied cases, newest first, each with its latest reply."""
    cases = await case_rows.recently_replied(conn, unit_id, FEED_SIZE)
    latest: dict[int, Any] = {}
    for reply in await case_rows.replies_of(conn, [row["id"] for row in cases]):
        latest[reply["case_id"]] = reply
    return [{"case": row, "reply": latest.get(row["id"])} for row in cases]


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = NOT_XML.sub("", text)
    return element


def atom(*, base: str, path: str, title: str, alternate: str, entries: list[dict[str, Any]],
         now: str) -> bytes:
    """The feed document; ``updated`` is the newest reply's time (``now`` when there is none)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    _text(feed, "id", base + path)
    _text(feed, "title", title)
    _text(feed, "updated", entries[0]["case"]["replied_at"] if entries else now)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml",
                                            "href": base + path})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                            "href": base + alternate})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "留言板")
    for item in entries:
        case, reply = item["case"], item["reply"]
        url = f"{base}/board/cases/{case['id']}"
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", url)
        _text(entry, "title", case["title"] or "网友留言")
        _text(entry, "published", case["created_at"])
        _text(entry, "updated", case["replied_at"])
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": url})
        by = ET.SubElement(entry, f"{{{ATOM}}}author")
        _text(by, "name", case["unit_name"] or (reply["author"] if reply else "办理单位"))
        question = case["text"]
        _text(entry, "summary", question if len(question) <= SUMMARY_CHARS
              else question[:SUMMARY_CHARS] + "…")
        if reply is not None:
            _text(entry, "content", f"{reply['author']}答复：\n{reply['text']}", type="text")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
