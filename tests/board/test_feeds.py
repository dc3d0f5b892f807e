"""The Atom feeds of replied board cases, built in process from a real store and parsed back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from studio.board import actions, feeds
from studio.board.life import CaseAction
from studio.clock import Clock
from studio.store import cases
from studio.store.database import Database
from support.cases import new_case
from support.people import People

pytestmark = pytest.mark.asyncio
CLOCK = Clock("Asia/Shanghai")
A = "{http://www.w3.org/2005/Atom}"
BASE = "https://studio.example"
START = datetime.fromisoformat("2026-03-02T08:00:00+08:00")
NOW = "2026-11-20T10:00:00+08:00"


async def replied_case(db: Database, *, unit: int | None, minute: int, title: str = "测试",
                       text: str = "问题", replies: tuple[tuple[str, str], ...] = (("局长", "答复"),)) -> int:
    """A case written straight into the store whose last reply came ``minute`` minutes after START."""
    last = START + timedelta(minutes=minute)
    async with db.write() as tx:
        case_id = await cases.insert_case(
            tx, kind="case", origin="import", status="replied", title=title, text=text,
            unit_id=unit, created_at=START.isoformat(), replied_at=last.isoformat())
        for earlier, (by, reply) in enumerate(reversed(replies)):
            await cases.insert_reply(tx, case_id, author=by, text=reply, unit_id=unit,
                                     at=(last - timedelta(seconds=earlier)).isoformat())
    return case_id


async def feed(db: Database, unit: int | None = None, path: str = "/board/feed.atom") -> ET.Element:
    async with db.read() as conn:
        entries = await feeds.replied(conn, unit)
    document = feeds.atom(base=BASE, path=path, title="留言板最新答复", alternate="/board",
                          entries=entries, now=NOW)
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(document)


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def text(element: ET.Element, tag: str) -> str:
    found = element.find(f"{A}{tag}")
    assert found is not None, tag
    return found.text or ""


def author(entry: ET.Element) -> str:
    found = entry.find(f"{A}author")
    assert found is not None
    return text(found, "name")


def case_ids(root: ET.Element) -> list[int]:
    return [int(text(entry, "id").rsplit("/", 1)[1]) for entry in entries(root)]


async def test_newest_replies_first_and_at_most_fifty(db: Database, people: People) -> None:
    """The feed holds the 50 most recently replied cases, newest reply first; open cases never."""
    made = [await replied_case(db, unit=people.units["人社局"] if i % 2 else people.units["交通局"],
                               minute=(i * 37) % 55) for i in range(55)]
    await new_case(db, CLOCK, people.staff["mod1"], "还没有答复", unit=people.units["人社局"])
    root = await feed(db)
    by_minute = sorted(range(55), key=lambda i: (i * 37) % 55, reverse=True)
    assert len(entries(root)) == feeds.FEED_SIZE == 50
    assert case_ids(root) == [made[i] for i in by_minute[:50]]
    updated = [text(entry, "updated") for entry in entries(root)]
    assert updated == sorted(updated, reverse=True)
    assert text(root, "updated") == updated[0] == (START + timedelta(minutes=54)).isoformat()


async def test_unit_feed_holds_only_that_units_cases(db: Database, people: People) -> None:
    """A unit's feed lists only the cases that unit replied to, newest first, also at most 50."""
    renshe, jiaotong = people.units["人社局"], people.units["交通局"]
    ours = [await replied_case(db, unit=renshe, minute=i) for i in range(52)]
    theirs = [await replied_case(db, unit=jiaotong, minute=100 + i) for i in range(3)]
    root = await feed(db, renshe, f"/board/units/{renshe}/feed.atom")
    assert case_ids(root) == ours[::-1][:50]
    assert {author(entry) for entry in entries(root)} == {"人社局"}
    other = await feed(db, jiaotong)
    assert case_ids(other) == theirs[::-1]


async def test_feed_and_entry_fields(db: Database, people: People) -> None:
    """Feed id and links from the base URL; an entry's id is its case page, its content the latest reply."""
    question = "路灯" * 150
    case_id = await replied_case(db, unit=people.units["人社局"], minute=5, title="小区路灯",
                                 text=question, replies=(("科长 张三", "先答复"), ("科长 张三", "后答复")))
    untitled = await replied_case(db, unit=None, minute=1, title="", replies=())
    root = await feed(db)
    assert text(root, "id") == BASE + "/board/feed.atom"
    assert text(root, "title") == "留言板最新答复"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"self": BASE + "/board/feed.atom", "alternate": BASE + "/board"}
    first, second = entries(root)
    url = f"{BASE}/board/cases/{case_id}"
    assert text(first, "id") == url
    assert [link.get("href") for link in first.findall(f"{A}link")] == [url]
    assert text(first, "title") == "小区路灯"
    assert text(first, "published") == START.isoformat()
    assert text(first, "summary") == question[:feeds.SUMMARY_CHARS] + "…"
    assert text(first, "content") == "科长 张三答复：\n后答复"
    assert text(second, "id") == f"{BASE}/board/cases/{untitled}"
    assert text(second, "title") == "网友留言"
    assert second.find(f"{A}content") is None
    assert author(second) == "办理单位"


async def test_empty_feed_is_updated_now(db: Database) -> None:
    """Without any replied case the feed is valid, has no entries and is updated ``now``."""
    root = await feed(db)
    assert entries(root) == [] and text(root, "updated") == NOW


async def test_only_public_text_escaped(db: Database, people: People) -> None:
    """Entries carry the moderated public text, never the original; markup is escaped, control characters dropped."""
    unit = people.units["人社局"]
    case_id = await new_case(db, CLOCK, people.staff["mod1"], "我的电话 13800138000，<b>路灯</b>坏了",
                             unit=unit, public_text="<b>路灯</b> & 坏了")
    await actions.act(db, CLOCK, people.staff["guest1"], case_id, CaseAction.ACCEPT, {})
    await actions.act(db, CLOCK, people.staff["guest1"], case_id, CaseAction.REPLY,
                      {"text": "已修复 <i>当晚</i> & 回访"})
    await replied_case(db, unit=unit, minute=0, title="导入\x07标题", text="导入\x01的问题")
    root = await feed(db)
    document = ET.tostring(root, encoding="unicode")
    assert "13800138000" not in document
    live, imported = entries(root)
    assert text(live, "summary") == "<b>路灯</b> & 坏了"
    assert text(live, "content") == "guest1答复：\n已修复 <i>当晚</i> & 回访"
    assert (text(imported, "title"), text(imported, "summary")) == ("导入标题", "导入的问题")


async def test_replied_pairs_each_case_with_its_latest_reply(db: Database, people: People) -> None:
    """``replied`` gives every case its latest reply (or none), in the feed's order."""
    with_two = await replied_case(db, unit=people.units["交通局"], minute=3,
                                  replies=(("甲", "一"), ("乙", "二")))
    without = await replied_case(db, unit=people.units["交通局"], minute=2, replies=())
    async with db.read() as conn:
        listed: list[dict[str, Any]] = await feeds.replied(conn, None)
    assert [item["case"]["id"] for item in listed] == [with_two, without]
    assert (listed[0]["reply"]["author"], listed[0]["reply"]["text"]) == ("乙", "二")
    assert listed[1]["reply"] is None
