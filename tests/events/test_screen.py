"""The big screen's choice from the desk: ``screen.show`` on the public feed, in the snapshot, refused when wrong."""

from __future__ import annotations

from typing import Any

from support.clients import Studio, recv_json, recv_until


def answered(studio: Studio, slug: str, text: str, answer: str) -> dict[str, Any]:
    """A question of ``slug`` approved, put on air and answered; its staff shape."""
    asked = studio.ask(slug, text, unit=studio.units["人社局"])
    approved = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
    on_air = studio.guest1.act(approved, "on-air").json()
    done: dict[str, Any] = studio.guest1.act(on_air, "answer", text=answer).json()
    return done


def test_the_desk_choice_reaches_viewers_with_seq_and_the_snapshot(studio: Studio) -> None:
    """Each choice is a screen.show frame with the next seq, and a screen that connects later gets it."""
    slug = studio.new_event()
    qa = answered(studio, slug, "公租房什么时候摇号？", "下月十五日摇号。")
    message = studio.mod1.post(f"/api/events/{slug}/messages", {"text": "欢迎收看本场访谈。"}).json()
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        snapshot = recv_json(ws)
        assert snapshot["screen"] == {"show": "on_air"}
        chosen = studio.mod1.post(f"/api/events/{slug}/screen", {"show": "question", "question": qa["id"]})
        assert chosen.status_code == 200, chosen.text
        frame = recv_until(ws, "screen.show")
        assert frame["seq"] == snapshot["seq"] + 1
        assert frame["show"] == "question"
        assert frame["question"]["answer"]["text"] == "下月十五日摇号。"
        studio.mod2.post(f"/api/events/{slug}/screen", {"show": "message", "message": message["id"]})
        frame = recv_until(ws, "screen.show")
        assert frame == {"type": "screen.show", "seq": frame["seq"], "show": "message", "message": message}
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        assert recv_json(ws)["screen"] == {"show": "message", "message": message}
    assert studio.admin.post(f"/api/events/{slug}/screen", {"show": "on_air"}).json() == {"show": "on_air"}


def test_a_chosen_answer_taken_back_leaves_the_screen(studio: Studio) -> None:
    """A chosen Q&A unpublished for review is no longer shown: the snapshot falls back to the question on air."""
    slug = studio.new_event()
    qa = answered(studio, slug, "老年食堂在哪里？", "每个街道都有一处。")
    assert studio.mod1.post(f"/api/events/{slug}/screen", {"show": "question", "question": qa["id"]}).status_code == 200
    assert studio.mod1.act(studio.question(slug, qa["id"]), "unpublish", reason="核实中").status_code == 200
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        snapshot = recv_json(ws)
        assert snapshot["screen"] == {"show": "on_air"}
    with studio.server.ws(f"/ws/events/{slug}?since=0") as ws:
        replay = [recv_json(ws)]
        while replay[-1].get("seq", 0) < snapshot["seq"]:
            replay.append(recv_json(ws))
    assert not any("老年食堂" in str(frame) for frame in replay)


def test_wrong_choices_get_specific_errors(studio: Studio) -> None:
    """Unknown choices, questions not answered or of another event, officials and closed events are refused."""
    slug = studio.new_event()
    other = studio.new_event()
    waiting = studio.mod1.act(studio.question(slug, studio.ask(slug, "等待回答的问题")["question_id"]),
                              "approve").json()
    elsewhere = answered(studio, other, "别场的问题", "别场的回答")
    path = f"/api/events/{slug}/screen"
    for body, status, code in (
        ({"show": "everything"}, 400, "invalid"),
        ({"show": "question"}, 400, "invalid"),
        ({"show": "question", "question": "1"}, 400, "invalid"),
        ({"show": "question", "question": waiting["id"]}, 404, "not_found"),
        ({"show": "question", "question": elsewhere["id"]}, 404, "not_found"),
        ({"show": "message", "message": 2**62}, 404, "not_found"),
    ):
        answer = studio.mod1.post(path, body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    assert studio.guest1.post(path, {"show": "on_air"}).status_code == 403
    with studio.server.http() as client:
        assert client.post(path, json={"show": "on_air"}).status_code in (401, 403)
    assert studio.mod1.post("/api/events/no-such-event/screen", {"show": "on_air"}).status_code == 404
    assert studio.admin.post(f"/api/events/{other}/close").status_code == 200
    closed = studio.mod1.post(f"/api/events/{other}/screen", {"show": "on_air"})
    assert (closed.status_code, closed.json()["error"]["code"]) == (409, "not_allowed")
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        assert recv_json(ws)["screen"] == {"show": "on_air"}
