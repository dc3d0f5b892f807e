"""Atom feeds (RFC 4287): one writer for every feed the studio publishes. Pure: no I/O.

Entries are given in the order to publish (newest first); ElementTree escapes every text and
characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One entry: its permanent ``id`` (a URL), ``title``, when it last changed (``updated``), the
    page it stands for (``link``), its ``author``; optionally a ``summary``, a plain-text
    ``content`` and when it first appeared (``published``)."""

    id: str
    title: str
    updated: str
    link: str
    author: str
    summary: str | None = None
    content: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Feed:
    """The feed itself: its ``id`` and ``self`` address (the same URL), ``title``, the page it
    follows (``alternate``), its ``author`` and when it last changed (``updated``)."""

    url: str
    title: str
    alternate: str
    author: str
    updated: str


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = NOT_XML.sub("", text)
    return element


def document(feed: Feed, entries: list[Entry]) -> bytes:
    """The feed as UTF-8 XML, in Chinese (``xml:lang``)."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "zh-CN"})
    _text(root, "id", feed.url)
    _text(root, "title", feed.title)
    _text(root, "updated", feed.updated)
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": feed.url})
    ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": feed.alternate})
    _text(ET.SubElement(root, f"{{{ATOM}}}author"), "name", feed.author)
    for item in entries:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        if item.published is not None:
            _text(entry, "published", item.published)
        _text(entry, "updated", item.updated)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": item.link})
        _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", item.author)
        if item.summary is not None:
            _text(entry, "summary", item.summary)
        if item.content is not None:
            _text(entry, "content", item.content, type="text")
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written
