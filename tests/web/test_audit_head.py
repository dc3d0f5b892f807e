"""The audit chain in public: its head and links (API), the /audit page and its check of a saved
head, a closed event's transcript and exports."""

from __future__ import annotations

import html
import itertools
import json
import sqlite3
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx

from support.audit_tamper import drop_append_only, rehash
from support.clients import Studio, running_studio


def test_head_is_published_and_printed_when_an_event_closes(studio: Studio) -> None:
    """The head moves with every audited action; the one at close shows on the transcript page and
    in the Markdown, JSON and CSV exports, and on the /audit page."""
    slug = studio.new_event()
    with studio.server.http() as client:
        before = client.get("/api/audit/head").json()
    studio.ask(slug, "公交站台能加遮阳棚吗")
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        after = client.get("/api/audit/head").json()
        assert after["algorithm"] == "sha256" and len(after["hash"]) == 64
        assert after["entry"] == before["entry"] + 2 and after["hash"] != before["hash"]
        closing = client.get(f"/api/events/{slug}/transcript").json()["audit_head"]
        assert closing == after
        page = client.get(f"/events/{slug}").text
        assert closing["hash"] in page and f"第 {closing['entry']} 条" in page
        check = f"/audit?entry={closing['entry']}&hash={closing['hash']}"
        markdown = client.get(f"/events/{slug}/transcript.md").text
        assert closing["hash"] in markdown and f"{check}>" in markdown
        exported = json.loads(client.get(f"/events/{slug}/transcript.json").text)
        assert exported["audit_head"] == closing
        csv = client.get(f"/events/{slug}/transcript.csv").text
        assert closing["hash"] in csv.splitlines()[-1] and csv.splitlines()[-1].endswith(f"{check},")
        audit = client.get("/audit")
        assert audit.status_code == 200 and after["hash"] in audit.text
        assert "studio audit verify --against" in audit.text


def test_open_event_has_no_closing_head(studio: Studio) -> None:
    """An event still live has no closing head in its transcript."""
    slug = studio.new_event()
    with studio.server.http() as client:
        assert client.get(f"/api/events/{slug}/transcript").json()["audit_head"] is None


def all_links(client: httpx.Client) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every link of the chain, followed page by page as a client would, and the head."""
    found: list[dict[str, Any]] = []
    while True:
        page = client.get("/api/audit/entries", params={"after": len(found), "limit": 1000}).json()
        found += page["entries"]
        if not page["entries"]:
            return found, page["head"]


def test_links_lead_from_the_first_entry_to_the_head(studio: Studio) -> None:
    """Numbers and hashes only, in order, each linking to the one before, the last one the head;
    one entry alone answers the same; past the head 404; a bad query is refused by name."""
    slug = studio.new_event()
    studio.ask(slug, "路口的红绿灯时间太短")
    with studio.server.http() as client:
        links, head = all_links(client)
        assert [link["entry"] for link in links] == list(range(1, head["entry"] + 1))
        assert links[0]["prev_hash"] == "0" * 64 and links[-1]["hash"] == head["hash"]
        assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(links))
        assert set(links[0]) == {"entry", "prev_hash", "hash", "algorithm"}
        middle = links[len(links) // 2]
        assert client.get(f"/api/audit/entries/{middle['entry']}").json() == middle
        assert client.get("/api/audit/entries", params={"after": middle["entry"] - 1, "limit": 1}).json()[
            "entries"] == [middle]
        beyond = client.get(f"/api/audit/entries/{head['entry'] + 1000}")
        assert beyond.status_code == 404 and beyond.json()["error"]["code"] == "not_found"
        for query in ({"after": "-1"}, {"after": "x"}, {"limit": "0"}, {"limit": "1001"}, {"after": "9" * 20}):
            refused = client.get("/api/audit/entries", params=query)
            assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid", query


def outcome(client: httpx.Client, entry: Any, digest: str) -> str:
    """The /audit page's verdict on a saved head, as its text."""
    page = client.get("/audit", params={"entry": entry, "hash": digest})
    assert page.status_code == 200
    start = page.text.index('id="audit-result"')
    return html.unescape(page.text[start:page.text.index("</section>", start)])


def test_the_audit_page_checks_a_saved_head_against_the_chain(tmp_path: Path) -> None:
    """A closing head from a transcript: 一致 while the record stands; after an edit re-hashed
    by someone with the file, 不一致 naming the entry's hash now; after rows are deleted, 找不到."""
    with running_studio(tmp_path) as studio:
        slug = studio.new_event()
        studio.ask(slug, "公园的路灯晚上不亮")
        assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
        with studio.server.http() as client:
            saved = client.get(f"/api/events/{slug}/transcript").json()["audit_head"]
            link = f"/audit?entry={saved['entry']}&amp;hash={saved['hash']}"
            assert link in client.get(f"/events/{slug}").text
            studio.ask(studio.new_event(), "公园的长椅坏了")
            for typed in (saved["hash"], f" {saved['hash'].upper()} "):
                verdict = outcome(client, saved["entry"], typed)
                assert "一致。" in verdict and "不一致" not in verdict and "此后又新增了" in verdict
            assert "请填写条目编号" in outcome(client, "第三条", saved["hash"])
            assert "请填写条目编号" in outcome(client, saved["entry"], saved["hash"][:-1])
            with sqlite3.connect(studio.server.db, timeout=10) as db:
                drop_append_only(db)
                db.execute("UPDATE audit_log SET after_text = '改写过的问题' WHERE id = 2")
                rehash(db)
            now = client.get(f"/api/audit/entries/{saved['entry']}").json()["hash"]
            verdict = outcome(client, saved["entry"], saved["hash"])
            assert "不一致" in verdict and now in verdict and now != saved["hash"]
            with sqlite3.connect(studio.server.db, timeout=10) as db:
                db.execute("DELETE FROM audit_log WHERE id >= ?", (saved["entry"] - 1,))
            verdict = outcome(client, saved["entry"], saved["hash"])
            assert "找不到" in verdict and f"只有 {saved['entry'] - 2} 条" in verdict


ATOM = "{http://www.w3.org/2005/Atom}"


def test_the_heads_feed_lists_each_closed_events_head_with_a_link_to_check_it(studio: Studio) -> None:
    """/audit/feed.atom: one entry per closed event (newest first) naming its closing head, whose
    link checks it on /audit; a live event has none; the /audit page points to the feed and lists
    the latest closing heads with the same check."""
    slug = studio.new_event()
    studio.ask(slug, "公园厕所能不能延长开放时间？")
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    live = studio.new_event()
    with studio.server.http() as client:
        head = client.get(f"/api/events/{slug}/transcript").json()["audit_head"]
        title = client.get(f"/api/events/{slug}").json()["title"]
        answer = client.get("/audit/feed.atom")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
        feed = ET.fromstring(answer.content)
        entries = feed.findall(f"{ATOM}entry")
        mine = next(e for e in entries if e.findtext(f"{ATOM}id", "").endswith(f"/events/{slug}#tr-audit"))
        assert not [e for e in entries if f"/events/{live}#" in e.findtext(f"{ATOM}id", "")]
        assert mine.findtext(f"{ATOM}title") == f"{title} · 结束时的审计链头：第 {head['entry']} 条"
        assert mine.findtext(f"{ATOM}summary") == f"SHA-256 {head['hash']}"
        updated = [e.findtext(f"{ATOM}updated", "") for e in entries]
        assert updated == sorted(updated, reverse=True) and feed.findtext(f"{ATOM}updated") == updated[0]
        link = mine.find(f"{ATOM}link")
        assert link is not None
        check = client.get(link.attrib["href"].removeprefix(str(client.base_url)))
        assert "一致。" in check.text and "不一致" not in check.text
        page = client.get("/audit").text
        assert 'href="/audit/feed.atom"' in page
        listed = page[page.index('id="audit-heads"'):page.index("</ol>", page.index('id="audit-heads"'))]
        assert head["hash"] in listed and html.escape(link.attrib["href"].removeprefix(
            str(client.base_url).rstrip("/"))) in listed and f"/events/{live}" not in listed
