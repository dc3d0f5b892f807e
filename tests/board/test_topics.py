"""Hot topics on a running server: a week's and an event's, the staff page and the public board."""

from __future__ import annotations

import sqlite3
import uuid

from support.clients import Studio

SCHOOL = [
    "幸福路小学门口早晚高峰严重拥堵，接送孩子的车堵成一片，希望交警在幸福路小学门口安排疏导。",
    "幸福路小学门口上学放学时段车辆乱停，堵车严重，孩子过马路很危险。",
    "请治理幸福路小学门口的交通拥堵，家长的车乱停乱放，请交警疏导。",
]
CASES = [
    "幸福路小学放学时门口拥堵不堪，接送车辆占道，请安排交警疏导。",
    "建议延长市图书馆开放时间，晚上六点就关门，上班族没时间去。",
]


def test_week_and_event_topics(studio: Studio) -> None:
    """Questions and cases about one school's traffic form one topic with the questions' +1s and
    the case's 同问."""
    slug = studio.new_event()
    ids = []
    for text in [*SCHOOL, "新生儿医保在哪里办理，需要带什么材料？"]:
        receipt = studio.ask(slug, text, unit=studio.units["交通局"])
        assert studio.mod1.act(studio.question(slug, receipt["question_id"]), "approve").status_code == 200
        ids.append(receipt["question_id"])
    with sqlite3.connect(studio.server.db, timeout=10) as db:  # the +1s the audience gave
        db.execute("UPDATE questions SET votes = 7 WHERE id = ?", (ids[0],))
    case_ids: list[int] = []
    with studio.server.http() as client:
        for text in CASES:
            receipt = client.post("/api/board/submissions", json={"text": text, "client_key": str(uuid.uuid4())})
            assert receipt.status_code == 201, receipt.text
            answer = studio.mod1.post(f"/api/board/submissions/{receipt.json()['submission_id']}/approve",
                                      {"unit": studio.units["交通局"]})
            assert answer.status_code == 200, answer.text
            case_ids.append(answer.json()["case_id"])
        for _ in range(2):  # two viewers press 我也遇到了 on the school case
            with studio.server.http() as viewer:
                viewer.get(f"/board/cases/{case_ids[0]}")
                assert viewer.post(f"/api/board/cases/{case_ids[0]}/support").status_code == 200
        event = client.get(f"/api/board/topics?event={slug}").json()
        week = client.get("/api/board/topics").json()
        assert client.get("/api/board/topics?week=2026-W99").status_code == 400
        assert client.get("/api/board/topics?event=no-such-event").status_code == 404
        board = client.get("/board").text
    [topic] = event["topics"]
    assert (topic["count"], topic["supports"], topic["units"]) == (3, 7, ["交通局"])
    assert event["messages"] == 4
    [topic] = week["topics"]
    assert topic["count"] == 4 and sorted(i["kind"] for i in topic["items"]) == ["case", "question", "question",
                                                                                  "question"]
    assert topic["supports"] == 9 and topic["heat"] == 4.9 and topic["first_at"] <= topic["last_at"]
    assert 'id="hot-topics"' in board and topic["title"] in board
    page = studio.mod1.get("/studio/topics")
    assert page.status_code == 200 and "<svg" in page.text and 'data-count="4"' in page.text
    assert 'data-count="3"' in studio.mod1.get(f"/studio/topics?event={slug}").text
    assert studio.mod1.get("/studio/topics?event=no-such-event").status_code == 404
