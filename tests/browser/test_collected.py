"""Topics collected before the event (选题征集) in Chromium: asked and approved while it is scheduled, +1'd by
the public, they reach the officials' console when it opens, most supported first, marked 预先征集."""

from __future__ import annotations

import json
import uuid
from typing import Any

from support.browser import log_in, phone_page
from support.clients import Studio, recv_json, recv_until
from support.servers import STAFF_PASSWORD

WAIT = 10_000


def test_topics_collected_in_advance_reach_the_console_marked(browser: Any, studio: Studio) -> None:
    """Two approved topics (one with three +1s) arrive marked and in support order; a question asked live is not marked."""
    slug = studio.new_event(open_it=False)
    unit = studio.units["人社局"]
    few = studio.mod1.act(studio.question(slug, studio.ask(slug, "明年能否增加公益性岗位？", unit=unit)["question_id"]),
                          "approve").json()
    many = studio.mod1.act(studio.question(slug, studio.ask(slug, "灵活就业人员社保补贴能否延续？", unit=unit)["question_id"]),
                           "approve").json()
    assert many["collected"] is False  # not yet: the event has not opened
    watcher = studio.server.ws(f"/ws/events/{slug}")
    recv_json(watcher)
    for _ in range(3):
        with studio.server.http() as client:  # each a new netizen, with their own viewer cookie
            client.get(f"/events/{slug}")
            cookie = f"studio_viewer={client.cookies['studio_viewer']}"
        with studio.server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": cookie}) as ws:
            ws.send(json.dumps({"type": "vote", "question": many["id"]}))
            recv_until(ws, "vote.ok")
    while recv_until(watcher, "votes")["counts"].get(str(many["id"])) != 3:
        pass
    watcher.close()
    with studio.server.ws(f"/ws/events/{slug}") as ws:  # the public sees approved topics, with their +1s
        published = {q["id"]: q["votes"] for q in recv_json(ws)["published"]}
    assert published == {many["id"]: 3, few["id"]: 0}
    assert studio.admin.post(f"/api/events/{slug}/open").status_code == 200
    later = studio.mod1.act(studio.question(slug, studio.ask(slug, "现场提问：技能补贴怎么领？", unit=unit)["question_id"]),
                            "approve").json()
    assert later["collected"] is False

    console = log_in(browser, studio.server, "guest1", STAFF_PASSWORD, f"/studio/events/{slug}/answer")
    items = console.locator("#queue .q-item")
    items.nth(2).wait_for(timeout=WAIT)
    console.locator(f'#queue [data-question-id="{many["id"]}"] .q-votes', has_text="同问 3").wait_for(timeout=WAIT)
    order = [int(i) for i in items.evaluate_all("els => els.map((e) => e.dataset.questionId)")]
    assert order.index(many["id"]) < order.index(few["id"])
    for question_id, marked in ((many["id"], True), (few["id"], True), (later["id"], False)):
        badge = console.locator(f'#queue [data-question-id="{question_id}"] .badge-collected')
        assert badge.count() == (1 if marked else 0), question_id
    assert console.locator(f'#queue [data-question-id="{many["id"]}"] .badge-collected').inner_text() == "预先征集"


def test_the_event_page_follows_its_collection_opening(browser: Any, studio: Studio) -> None:
    """Collection closed: the page says 预告 without 征集中 and that collection has not begun, with no
    form; the admin opens it and, without a reload, the form appears and takes a question."""
    slug = f"not-yet-{uuid.uuid4().hex[:8]}"
    made = studio.admin.post("/api/events", {
        "slug": slug, "title": "征集未开始", "starts_at": "2026-12-22T20:00:00+08:00",
        "ends_at": "2026-12-22T22:00:00+08:00", "guests": ["guest1"], "moderators": ["mod1"], "collecting": False})
    assert made.status_code == 201, made.text
    errors: list[str] = []
    page = phone_page(browser, errors)
    page.goto(f"{studio.server.base}/events/{slug}")
    page.locator("#ask-not-yet").wait_for(timeout=WAIT)
    assert page.locator("#ev-status").inner_text().strip() == "预告"
    assert not page.locator("#ask-form").is_visible() and not page.locator("#ask-closed").is_visible()
    assert studio.admin.patch(f"/api/events/{slug}", {"collecting": True}).status_code == 200
    page.locator("#ask-form").wait_for(timeout=WAIT)
    page.locator("#ev-status", has_text="征集中").wait_for(timeout=WAIT)
    assert not page.locator("#ask-not-yet").is_visible()
    page.fill("#ask-text", "跨年夜地铁能延长运营吗？")
    page.click("#ask-submit")
    page.locator("#ask-result").wait_for(timeout=WAIT)
    assert not errors, errors
