"""The sockets' guards: bad frames, rate and connection limits, closed accounts: a clear answer, and the server keeps serving."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from support.clients import StaffClient, Studio, close_code, recv_json, recv_until, running_studio


def test_bad_frames_get_error_frames_and_the_socket_survives(studio: Studio) -> None:
    """Not JSON, not an object, unknown type, invalid fields, too large: each an error frame."""
    slug = studio.new_event()
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    bystander = studio.server.ws(f"/ws/events/{slug}")
    recv_until(bystander, "snapshot")
    cases = [
        ("{oops", "bad_json"),
        ("[1, 2]", "bad_json"),
        (json.dumps({"type": "dance"}), "unknown_type"),
        (json.dumps({"no": "type"}), "unknown_type"),
        (json.dumps({"type": "ask", "text": "缺少 client_key"}), "invalid"),
        (json.dumps({"type": "ask", "text": "", "client_key": str(uuid.uuid4())}), "invalid"),
        (json.dumps({"type": "ask", "text": "长" * 3000, "client_key": str(uuid.uuid4())},
                    ensure_ascii=False), "invalid"),
        (json.dumps({"type": "ask", "text": "x", "unit": 99999, "client_key": str(uuid.uuid4())}), "invalid"),
        (json.dumps({"type": "vote", "question": "abc"}), "invalid"),
        (json.dumps({"type": "vote", "question": 987654}), "not_found"),
        (json.dumps({"type": "ping", "pad": "x" * 20_000}), "too_large"),
    ]
    for text, code in cases:
        ws.send(text)
        frame = recv_until(ws, "error")
        assert frame["code"] == code, (text[:40], frame)
        assert frame["message"]
    ws.send(b"\x00binary")
    assert recv_until(ws, "error")["code"] == "bad_json"
    ws.send(json.dumps({"type": "ping"}))
    assert recv_until(ws, "pong")["type"] == "pong"
    asked = studio.ask(slug, "其他观众照常收到")
    studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    assert recv_until(bystander, "question.published")["question"]["id"] == asked["question_id"]
    ws.close()
    bystander.close()


def test_vote_on_unpublished_question_is_not_found(studio: Studio) -> None:
    """A +1 on a pending question is refused: pending questions do not exist publicly."""
    slug = studio.new_event()
    asked = studio.ask(slug, "还在审核中")
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    ws.send(json.dumps({"type": "vote", "question": asked["question_id"]}))
    assert recv_until(ws, "error")["code"] == "not_found"
    ws.close()


def test_too_many_bad_frames_close_with_policy_code(studio: Studio) -> None:
    """A client that keeps sending garbage is closed with 1008."""
    slug = studio.new_event()
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    for _ in range(25):
        try:
            ws.send("garbage")
        except Exception:
            break
    assert close_code(ws) == 1008


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio with rate limits on: a burst of two asks, five sockets per address."""
    with running_studio(tmp_path_factory.mktemp("limited"), env={
        "STUDIO_RATE_LIMITS": "true", "STUDIO_ASK_BURST": "2", "STUDIO_ASK_PER_MINUTE": "1",
        "STUDIO_MAX_CONNECTIONS_PER_ADDRESS": "5",
    }) as studio:
        yield studio


def test_ask_rate_limit_over_socket_and_http(limited: Studio) -> None:
    """Past the burst, asks get too_fast with retry_after (frame) and 429 with Retry-After (HTTP)."""
    slug = limited.new_event()
    ws = limited.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    for index in range(2):
        ws.send(json.dumps({"type": "ask", "text": f"第{index}问", "client_key": str(uuid.uuid4())}))
        recv_until(ws, "ask.ok")
    ws.send(json.dumps({"type": "ask", "text": "太快了", "client_key": str(uuid.uuid4())}))
    error = recv_until(ws, "error")
    assert error["code"] == "too_fast" and error["retry_after"] > 0
    ws.close()
    with limited.server.http() as client:
        answers = [
            client.post(f"/api/events/{slug}/questions",
                        json={"text": f"HTTP 第{index}问", "client_key": str(uuid.uuid4())})
            for index in range(8)
        ]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    assert refused[0].json()["error"]["code"] == "too_fast"
    assert int(refused[0].headers["retry-after"]) >= 1


def test_connections_per_address_are_limited(limited: Studio) -> None:
    """Past the per-address limit a new socket is closed with 1008; the others keep working."""
    slug = limited.new_event()
    sockets = [limited.server.ws(f"/ws/events/{slug}") for _ in range(5)]
    for ws in sockets:
        recv_until(ws, "snapshot")
    extra = limited.server.ws(f"/ws/events/{slug}")
    assert close_code(extra) == 1008
    sockets[0].send(json.dumps({"type": "ping"}))
    assert recv_until(sockets[0], "pong")["type"] == "pong"
    for ws in sockets:
        ws.close()


def test_staff_socket_closes_when_the_account_is_deactivated(studio: Studio) -> None:
    """An open console's socket is closed with 4003 soon after its account is deactivated."""
    studio.admin.post("/api/staff", {"username": "temp2", "password": "first-password", "role": "moderator"})
    slug = studio.new_event()
    studio.admin.client.patch(f"/api/events/{slug}", json={"moderators": ["mod1", "temp2"]},
                              headers={"X-CSRF-Token": studio.admin.csrf})
    temp = StaffClient(studio.server, "temp2", "first-password")
    ws = temp.staff_ws(slug)
    recv_until(ws, "staff.snapshot")
    studio.admin.client.patch("/api/staff/temp2", json={"active": False},
                              headers={"X-CSRF-Token": studio.admin.csrf})
    assert close_code(ws) == 4003


def test_random_frames_never_break_the_server(studio: Studio) -> None:
    """Hundreds of randomly shaped frames each get an answer or a 1008 close; the server keeps serving."""
    import random

    from websockets.exceptions import ConnectionClosed

    rng = random.Random(20261122)
    values = [None, True, 0, -1, 2**70, 3.5, "", "x" * 50, "同问", [], [1, "a"], {}, {"a": {"b": []}}]
    slug = studio.new_event()
    approved = studio.mod1.act(studio.question(slug, studio.ask(slug, "模糊测试")["question_id"]),
                               "approve").json()
    values.append(approved["id"])
    ws = studio.server.ws(f"/ws/events/{slug}")
    recv_until(ws, "snapshot")
    answers: dict[str, int] = {}
    for _ in range(150):
        frame = {"type": rng.choice(["ask", "vote", "ping", "pong", "ASK", "", None, 7])}
        for field in rng.sample(["text", "unit", "nickname", "client_key", "question", "extra"], k=3):
            frame[field] = rng.choice(values)
        if rng.random() < 0.3:
            frame["client_key"] = str(uuid.uuid4())
            frame["text"] = rng.choice(["正常的问题", "", " ", "长" * 2500])
        try:
            ws.send(json.dumps(frame, ensure_ascii=False))
            reply = recv_json(ws)
            while reply["type"] in ("stats", "question.published", "votes"):
                reply = recv_json(ws)
        except ConnectionClosed:
            assert ws.close_code == 1008
            answers["closed"] = answers.get("closed", 0) + 1
            ws = studio.server.ws(f"/ws/events/{slug}")
            recv_until(ws, "snapshot")
            continue
        assert reply["type"] in ("error", "ask.ok", "vote.ok", "pong"), reply
        answers[reply["type"]] = answers.get(reply["type"], 0) + 1
    assert answers.get("error", 0) > 50 and answers.get("ask.ok", 0) > 0
    ws.send(json.dumps({"type": "ping"}))
    assert recv_until(ws, "pong")["type"] == "pong"
    ws.close()
