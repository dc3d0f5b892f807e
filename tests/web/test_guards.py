"""Bad input, limits, auth, CSRF and Origin: each gets a clear answer and the server keeps serving."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from support.clients import StaffClient, Studio, close_code, recv_json, recv_until, running_studio
from support.servers import ADMIN_PASSWORD


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


def test_login_csrf_and_roles(studio: Studio) -> None:
    """Bad password 401; write without or with a wrong CSRF token 403; wrong role 403; logout ends it."""
    with studio.server.http() as client:
        bad = client.post("/api/login", json={"username": "admin", "password": "wrong-password"})
        assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_credentials"
        assert client.post("/api/units", json={"name": "无登录"}).status_code == 401
    admin = StaffClient(studio.server, "admin", ADMIN_PASSWORD)
    no_token = admin.client.post("/api/units", json={"name": "无令牌"})
    assert no_token.status_code == 403 and no_token.json()["error"]["code"] == "csrf"
    wrong = admin.client.post("/api/units", json={"name": "错令牌"}, headers={"X-CSRF-Token": "x"})
    assert wrong.status_code == 403 and wrong.json()["error"]["code"] == "csrf"
    assert studio.mod1.post("/api/units", {"name": "审核员建单位"}).status_code == 403
    assert studio.guest1.post("/api/events", {"slug": "nope"}).status_code == 403
    cookie = admin.client.cookies.get("studio_session")
    assert cookie
    assert admin.post("/api/logout").status_code == 204
    with studio.server.http() as client:
        client.cookies.set("studio_session", cookie)
        assert client.get("/api/me").status_code == 401


def test_session_cookie_is_httponly_and_samesite(studio: Studio) -> None:
    """The login cookie is HttpOnly and SameSite=Lax."""
    with studio.server.http() as client:
        answer = client.post("/api/login", json={"username": "mod1", "password": "staff-password-1"})
    header = answer.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header


def test_foreign_origin_is_refused(studio: Studio) -> None:
    """Cookie writes and WebSocket handshakes from another origin are refused."""
    slug = studio.new_event()
    foreign = studio.mod1.client.post(
        f"/api/events/{slug}/messages", json={"text": "跨站"},
        headers={"X-CSRF-Token": studio.mod1.csrf, "Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403 and foreign.json()["error"]["code"] == "origin"
    for path in (f"/ws/events/{slug}", f"/ws/events/{slug}/staff"):
        ws = studio.server.ws(path, origin="https://evil.example",
                              additional_headers={"Cookie": studio.mod1.cookie_header()})
        assert close_code(ws) == 4003, path
    ws = studio.server.ws(f"/ws/events/{slug}", origin=studio.server.base)
    assert recv_json(ws)["type"] == "snapshot"
    ws.close()


def test_pages_send_strict_csp(studio: Studio) -> None:
    """Every page carries a CSP without inline script or style, and no inline script tags."""
    slug = studio.new_event()
    with studio.server.http() as client:
        for path in ("/", f"/events/{slug}", "/board", "/studio/login"):
            answer = client.get(path)
            assert answer.status_code == 200, path
            csp = answer.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "<script>" not in answer.text and " onclick=" not in answer.text
            assert "style=" not in answer.text


def test_user_text_is_escaped_on_pages(studio: Studio) -> None:
    """HTML in an approved question and answer is shown as text, never as markup."""
    slug = studio.new_event()
    asked = studio.ask(slug, "<script>alert(1)</script><img src=x onerror=alert(2)>",
                       nickname="<b>坏人</b>")
    question = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
    question = studio.guest1.act(question, "on-air").json()
    studio.guest1.act(question, "answer", text="<iframe src=//evil>")
    studio.admin.post(f"/api/events/{slug}/close")
    with studio.server.http() as client:
        for path in (f"/events/{slug}", f"/track/{asked['tracking_code']}", "/board"):
            text = client.get(path).text
            assert "<script>alert" not in text and "<img src=x" not in text
            assert "<iframe" not in text and "<b>坏人" not in text


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
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


def test_admin_resets_a_password_and_deactivates_an_account(studio: Studio) -> None:
    """A reset password ends old sessions; a deactivated account cannot sign in; admins keep their own."""
    created = studio.admin.post("/api/staff", {"username": "temp1", "password": "first-password",
                                               "role": "moderator"})
    assert created.status_code == 201
    temp = StaffClient(studio.server, "temp1", "first-password")
    assert temp.get("/api/me").status_code == 200
    reset = studio.admin.client.patch("/api/staff/temp1", json={"password": "second-password"},
                                      headers={"X-CSRF-Token": studio.admin.csrf})
    assert reset.status_code == 200 and reset.json()["active"] is True
    assert temp.get("/api/me").status_code == 401
    temp = StaffClient(studio.server, "temp1", "second-password")
    off = studio.admin.client.patch("/api/staff/temp1", json={"active": False},
                                    headers={"X-CSRF-Token": studio.admin.csrf})
    assert off.status_code == 200 and off.json()["active"] is False
    assert temp.get("/api/me").status_code == 401
    with studio.server.http() as client:
        refused = client.post("/api/login", json={"username": "temp1", "password": "second-password"})
    assert refused.status_code == 401
    listed = {s["username"]: s["active"] for s in studio.admin.get("/api/staff?all=1").json()}
    assert listed["temp1"] is False
    assert "temp1" not in {s["username"] for s in studio.admin.get("/api/staff").json()}
    itself = studio.admin.client.patch("/api/staff/admin", json={"active": False},
                                       headers={"X-CSRF-Token": studio.admin.csrf})
    assert itself.status_code == 409
    no_unit = studio.admin.client.patch("/api/staff/guest1", json={"unit": None},
                                        headers={"X-CSRF-Token": studio.admin.csrf})
    assert no_unit.status_code == 400 and no_unit.json()["error"]["field"] == "unit"


def test_health_check(studio: Studio) -> None:
    """/healthz answers 200 while the store answers."""
    with studio.server.http() as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


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
