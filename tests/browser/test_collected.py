"""Topics collected before the event (选题征集) in Chromium: asked and approved while it is scheduled, +1'd by
the public, they reach the officials' console when it opens, most supported first, marked 预先征集."""

from __future__ import annotations

import json
from typing import Any

from support.browser import log_in
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
