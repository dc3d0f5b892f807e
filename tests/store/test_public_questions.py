"""The snapshot's narrow read: the public shape from only the public columns, and no private column read."""

from __future__ import annotations

import sqlite3

from moderation.lifecycle import PUBLIC_STATUSES
from studio.shapes import public_question
from studio.store.questions import PUBLIC_QUESTION_SELECT, QUESTION_SELECT
from support.clients import Studio, recv_json


def test_the_public_columns_give_the_same_public_shape(studio: Studio) -> None:
    """Every public question's shape from the narrow read equals the one from the full row, and the
    snapshot lists exactly those; the asker's text, address and codes are not among the columns."""
    slug = studio.new_event(open_it=False)
    collected = studio.ask(slug, "征集：老旧小区加装电梯怎么申请？", nickname="老王")
    assert studio.admin.post(f"/api/events/{slug}/open").status_code == 200
    asked = [studio.ask(slug, text, unit=studio.units["人社局"]) for text in
             ("社保卡怎么补办？", "医保异地备案怎么办？", "失业金怎么领？", "灵活就业怎么参保？")]
    waiting = studio.mod1.act(studio.question(slug, collected["question_id"]), "approve").json()
    answered = studio.mod1.act(studio.question(slug, asked[0]["question_id"]), "approve").json()
    answered = studio.guest1.act(studio.guest1.act(answered, "on-air").json(), "answer", text="带身份证到窗口补办。").json()
    on_air = studio.mod1.act(studio.question(slug, asked[1]["question_id"]), "approve").json()
    studio.guest1.act(on_air, "on-air")
    studio.mod1.act(studio.question(slug, asked[2]["question_id"]), "reject", reason="ads")
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        snapshot = recv_json(ws)

    with sqlite3.connect(studio.server.db) as db:
        db.row_factory = sqlite3.Row
        event_id = db.execute("SELECT id FROM events WHERE slug = ?", (slug,)).fetchone()[0]
        narrow = {row["id"]: row for row in db.execute(PUBLIC_QUESTION_SELECT + " WHERE q.event_id = ?", (event_id,))}
        full = {row["id"]: row for row in db.execute(QUESTION_SELECT + " WHERE q.event_id = ?", (event_id,))}
    public = {qid for qid, row in full.items() if row["status"] in {status.value for status in PUBLIC_STATUSES}}
    assert public == {waiting["id"], answered["id"], on_air["id"]}
    for qid in public:
        assert public_question(narrow[qid]) == public_question(full[qid])
    assert public_question(narrow[waiting["id"]])["collected"] is True
    assert public_question(narrow[answered["id"]])["answer"]["by"]["name"] == "guest1"
    columns = set(next(iter(narrow.values())).keys())
    assert {"collected", "photos", "public_text"} <= columns
    assert not columns & {"original_text", "address", "viewer_key", "client_key", "tracking_code", "rating_code"}
    listed = [snapshot["on_air"], *snapshot["answered"], *snapshot["published"]]
    assert sorted(q["id"] for q in listed) == sorted(public)
    assert all(q == public_question(full[q["id"]]) for q in listed)
