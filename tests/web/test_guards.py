"""The HTTP guards: sign-in, CSRF, roles, Origin, cookies, CSP and escaping, each with a clear answer."""

from __future__ import annotations

from support.clients import StaffClient, Studio, close_code, recv_json
from support.servers import ADMIN_PASSWORD


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
