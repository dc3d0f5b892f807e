"""Screening in the running studio: flags to staff only, the editable lexicon, and ``studio screen``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from typing import Any

from studio.desk.screener import EVENT_INDEXES
from support.clients import Studio, drain, recv_until

PHONE = "13912345678"


def submitted(ws: Any, question_id: int) -> dict[str, Any]:
    """The question.submitted frame of one question."""
    while True:
        frame = recv_until(ws, "question.submitted")
        if frame["question"]["id"] == question_id:
            question: dict[str, Any] = frame["question"]
            return question


def word_flags(question: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in question["flags"] if f["kind"].startswith("word.")]


def test_flags_reach_the_staff_socket_and_queue_and_never_the_audience(studio: Studio) -> None:
    """A phone number is flagged with a redaction for moderators; audience frames and pages carry no flags."""
    slug = studio.new_event()
    audience = studio.server.ws(f"/ws/events/{slug}")
    recv_until(audience, "snapshot")
    desk = studio.mod1.staff_ws(slug)
    recv_until(desk, "staff.snapshot")
    audience.send(json.dumps({"type": "ask", "text": f"我的手机{PHONE}，路灯坏了谁修？",
                              "client_key": str(uuid.uuid4())}))
    asked = recv_until(audience, "ask.ok")
    question = submitted(desk, asked["question_id"])
    mobile = next(f for f in question["flags"] if f["kind"] == "pii.mobile")
    assert (mobile["start"], mobile["end"], mobile["text"]) == (4, 15, PHONE)
    assert mobile["suggestion"]
    assert question["priority"] > 0
    queued = studio.question(slug, asked["question_id"])
    assert queued["flags"] == question["flags"]
    official = studio.guest1.get(f"/api/events/{slug}/queue").json()
    assert all(q["flags"] == [] for q in official)
    approved = studio.mod1.act(queued, "approve", text="我的手机[已隐去]，路灯坏了谁修？")
    assert approved.status_code == 200
    frames = drain(audience, 1.0)
    assert any(f["type"] == "question.published" for f in frames)
    text = json.dumps(frames, ensure_ascii=False)
    assert "flags" not in text and PHONE not in text and "priority" not in text
    with studio.server.http() as client:
        for path in (f"/api/events/{slug}/transcript", f"/api/track/{asked['tracking_code']}",
                     f"/events/{slug}", f"/api/events/{slug}/stats"):
            body = client.get(path).text
            assert PHONE not in body and "pii.mobile" not in body, path
    audience.close()
    desk.close()


def test_a_lexicon_edit_changes_the_screening_of_the_next_question(studio: Studio) -> None:
    """Adding a term flags the next question with it; removing it stops that."""
    slug = studio.new_event()
    term = "黑心开发商"
    first = studio.ask(slug, f"这个{term}怎么还不交房")
    assert word_flags(studio.question(slug, first["question_id"])) == []
    added = studio.admin.post("/api/lexicon", {"term": term, "category": "abuse", "level": "block"})
    assert added.status_code == 201, added.text
    second = studio.ask(slug, "这个黑 心·开 发 商怎么还不交房")
    flags = word_flags(studio.question(slug, second["question_id"]))
    assert [(f["kind"], f["level"]) for f in flags] == [("word.abuse", "block")]
    assert studio.admin.client.delete(f"/api/lexicon/{added.json()['id']}",
                                      headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 204
    third = studio.ask(slug, f"这个{term}到底管不管")
    assert word_flags(studio.question(slug, third["question_id"])) == []


def test_duplicates_and_floods_are_flagged_against_the_event_and_the_client(studio: Studio) -> None:
    """A near-same question names the earlier one; the same client's repeat is a flood."""
    slug = studio.new_event()
    base = "请问我们小区旁边的公交站什么时候能恢复使用，已经停用半年了"
    first = studio.ask(slug, base)
    other = studio.ask(slug, base + "？")
    flags = studio.question(slug, other["question_id"])["flags"]
    duplicate = next(f for f in flags if f["kind"] == "duplicate")
    assert duplicate["question_id"] == first["question_id"] and 0 < duplicate["score"] <= 1
    studio.mod1.act(studio.question(slug, first["question_id"]), "reject", reason="duplicate")
    third = studio.ask(slug, base + "。")
    dups = [f["question_id"] for f in studio.question(slug, third["question_id"])["flags"]
            if f["kind"] == "duplicate"]
    assert first["question_id"] not in dups and other["question_id"] in dups
    with studio.server.http() as client:
        client.get(f"/events/{slug}")
        for _ in range(2):
            answer = client.post(f"/api/events/{slug}/questions",
                                 json={"text": "快来看看这个问题快来看看", "client_key": str(uuid.uuid4())})
    kinds = [f["kind"] for f in studio.question(slug, answer.json()["question_id"])["flags"]]
    assert "spam.flood" in kinds


def test_lexicon_api_lists_imports_with_line_numbers_and_exports(studio: Studio) -> None:
    """Default terms are seeded; a bad import line answers 400 with its number and writes nothing; edits are audited."""
    listed = studio.admin.get("/api/lexicon").json()
    assert listed["total"] > 0 and listed["categories"]
    assert studio.mod1.get("/api/lexicon").status_code == 403
    bad = studio.admin.post("/api/lexicon/import", {"text": "好词一\tads\treview\n# 注释\n坏行\tads\tmaybe\n"})
    assert bad.status_code == 400 and bad.json()["error"]["line"] == 3
    assert studio.admin.get("/api/lexicon?q=好词一").json()["total"] == 0
    good = studio.admin.post("/api/lexicon/import", {"text": "好词一\tads\treview\n好词二 rumour block\n"})
    assert good.status_code == 200 and good.json()["added"] == 2
    again = studio.admin.post("/api/lexicon/import", {"text": "好词一\tads\treview\n"})
    assert again.json() == {"added": 0, "skipped": 1, "removed": 0}
    found = studio.admin.get("/api/lexicon?q=好词&level=block").json()["terms"]
    assert [(t["term"], t["category"], t["added_by"]) for t in found] == [("好词二", "rumour", "admin")]
    duplicate = studio.admin.post("/api/lexicon", {"term": "好词二", "category": "rumour", "level": "block"})
    assert duplicate.status_code == 409
    assert studio.admin.post("/api/lexicon", {"term": "x", "category": "Bad", "level": "block"}).status_code == 400
    export = studio.admin.get("/api/lexicon/export")
    assert export.status_code == 200 and "好词二\trumour\tblock" in export.text
    with sqlite3.connect(studio.server.db) as conn:
        actions = {row[0] for row in conn.execute("SELECT action FROM audit_log WHERE action LIKE 'lexicon.%'")}
    assert {"lexicon.import", "lexicon.add", "lexicon.remove"} <= actions


def test_screen_command_uses_the_store_lexicon(studio: Studio, tmp_path: Any) -> None:
    """`studio screen FILE` and stdin: one JSON line per text, with flags from the database's lexicon."""
    assert studio.admin.post("/api/lexicon", {"term": "命令行专用词", "category": "illegal",
                                              "level": "review"}).status_code == 201
    source = tmp_path / "texts.txt"
    source.write_text(f"我的电话{PHONE}\n"
                      + json.dumps({"id": 7, "text": "这里有命令行专用词"}, ensure_ascii=False) + "\n"
                      + "\n普通的问题，没有问题\n", encoding="utf-8")
    command = [sys.executable, "-m", "studio", "screen", "--db", studio.server.db]
    result = subprocess.run([*command, str(source)], capture_output=True, text=True, check=True,
                            env=studio.server.env)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["line"] for line in lines] == [1, 2, 4]
    assert lines[0]["flags"][0]["kind"] == "pii.mobile" and "id" not in lines[0]
    assert lines[1]["id"] == 7
    assert [f["kind"] for f in lines[1]["flags"]] == ["word.illegal"]
    assert lines[2]["flags"] == []
    piped = subprocess.run(command, input='{"text": "命令行专用词"}\n{"oops": 1}\n', capture_output=True,
                           text=True, env=studio.server.env)
    assert piped.returncode == 1 and "line 2" in piped.stderr
    assert [f["kind"] for f in json.loads(piped.stdout)["flags"]] == ["word.illegal"]


def test_an_event_whose_index_was_let_go_still_finds_its_duplicates(studio: Studio) -> None:
    """A process keeps the duplicate indexes of the last EVENT_INDEXES events asked in; an event
    asked in again after more than that many others gets its index rebuilt from the store."""
    slug = studio.new_event()
    base = "请问我们小区旁边的公交站什么时候能恢复使用，已经停用半年了"
    first = studio.ask(slug, base)
    for index in range(EVENT_INDEXES):
        studio.ask(studio.new_event(), f"第{index}场的问题：学校门口的红绿灯什么时候装好")
    again = studio.ask(slug, base + "？")
    dups = [f["question_id"] for f in studio.question(slug, again["question_id"])["flags"]
            if f["kind"] == "duplicate"]
    assert dups == [first["question_id"]]
