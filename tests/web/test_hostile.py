"""Hostile HTTP clients: off-site redirects, leaks through 409s, spreadsheet formulas, bodies and
numbers that used to end in a 500, endless chunked bodies, password guessing from many addresses."""

from __future__ import annotations

import io
import re
import socket
import sqlite3
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from support.clients import Studio, running_studio
from support.servers import ADMIN_PASSWORD, Server, running_server

BIG = 2**63
NEXT = re.compile(r'data-next="([^"]*)"')


@pytest.mark.parametrize("target", [
    "/%09/evil.example/studio/", "/%0a/evil.example/", "/%0d%0a/evil.example", "//evil.example/",
    "/%5Cevil.example", "/%5C%5Cevil.example", "https://evil.example/", "/studio/%09/x",
    "/%E3%80%80/evil.example", "/%C2%85/evil.example", "/%E2%80%8B/evil.example", "evil.example",
])
def test_login_page_never_leads_off_site(studio: Studio, target: str) -> None:
    """``next`` with a tab, a newline, a backslash, two slashes or no leading slash becomes /studio/."""
    with studio.server.http() as client:
        page = client.get(f"/studio/login?next={target}")
    assert page.status_code == 200
    assert NEXT.findall(page.text) == ["/studio/"]


def test_login_page_keeps_a_path_on_this_site(studio: Studio) -> None:
    """A plain path with a query is kept; a signed-out page sends to the login with its own path."""
    with studio.server.http() as client:
        page = client.get("/studio/login", params={"next": "/studio/events/ev-1/moderate?x=1"})
        assert NEXT.findall(page.text) == ["/studio/events/ev-1/moderate?x=1"]
        redirect = client.get("/studio/events/a%26next%3Dhttps:evil.example/moderate")
        assert redirect.status_code == 303
        location = redirect.headers["location"]
        assert location == "/studio/login?next=/studio/events/a%26next%3Dhttps%3Aevil.example/moderate"
        page = client.get(location)
    assert NEXT.findall(page.text) == ["/studio/events/a&amp;next=https:evil.example/moderate"]


def test_a_guest_cannot_read_other_questions_through_a_stale_version(studio: Studio) -> None:
    """An official's action with a wrong version on a question they may not see is 403 without it;
    a question they may see still answers 409 stale with it, as does a moderator's."""
    slug = studio.new_event()
    other_unit = studio.units["交通局"]
    pending = studio.ask(slug, "我的电话13912345678，公交卡丢了怎么办", unit=other_unit)
    rejected = studio.ask(slug, "这个问题会被驳回", unit=other_unit)
    reason = studio.mod1.get("/api/reasons").json()[0]["code"]
    refused = studio.mod1.act(studio.question(slug, rejected["question_id"]), "reject", reason=reason,
                              note="含有个人信息13800001111")
    assert refused.status_code == 200, refused.text
    own = studio.ask(slug, "本单位的待审问题", unit=studio.units["人社局"])
    for asked in (pending, rejected, own):
        for action in ("approve", "on-air", "answer", "transfer"):
            answer = studio.guest1.post(f"/api/questions/{asked['question_id']}/{action}",
                                        {"version": 999, "text": "x"})
            assert answer.status_code == 403, (action, answer.text)
            assert "question" not in answer.json()["error"]
            assert "1391234" not in answer.text and "1380000" not in answer.text
    visible = studio.mod1.act(studio.question(slug, own["question_id"]), "approve").json()
    stale = studio.guest1.post(f"/api/questions/{visible['id']}/on-air", {"version": 999})
    assert stale.status_code == 409 and stale.json()["error"]["question"]["id"] == visible["id"]
    stale = studio.mod2.post(f"/api/questions/{pending['question_id']}/approve", {"version": 999})
    assert stale.status_code == 409 and "13912345678" in stale.json()["error"]["question"]["original_text"]


def test_the_ranking_workbook_writes_unit_names_as_text(studio: Studio) -> None:
    """A unit named like a formula is a text cell (with a leading ') in the XLSX, never a formula."""
    name = f'=HYPERLINK("http://evil.example/{uuid.uuid4().hex[:6]}","点我")'
    assert studio.admin.post("/api/units", {"name": name}).status_code == 201
    with studio.server.http() as client:
        workbook = client.get("/board/ranking.xlsx").content
    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(min_row=4) for c in row if c.column_letter == "B"]
    written = next(c for c in cells if isinstance(c.value, str) and name in c.value)
    assert written.value == "'" + name and written.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def answers_of(client: httpx.Client, requests: list[tuple[str, str, Any]],
               headers: dict[str, Any] | None = None) -> list[tuple[str, int, str]]:
    """Send each (method, path, raw body) on one keep-alive connection; (path, status, code) of each."""
    found = []
    for method, path, body in requests:
        content = body.encode() if isinstance(body, str) else body
        answer = client.request(method, path, content=content,
                                headers={"content-type": "application/json", **(headers or {})})
        code = answer.json()["error"]["code"] if answer.headers.get("content-type", "").startswith(
            "application/json") and answer.status_code >= 400 else ""
        found.append((f"{method} {path[:60]}", answer.status_code, code))
    return found


def test_hostile_numbers_and_texts_get_clear_answers(studio: Studio) -> None:
    """Deep nesting, lone surrogates, ids past 2^63, far years and non-ASCII secrets: 4xx, never 500."""
    slug = studio.new_event()
    nested = "[" * 5000 + "]" * 5000
    anonymous = [
        ("POST", f"/api/events/{slug}/questions", nested, 400, "bad_json"),
        ("POST", "/api/login", "{\"username\":" * 3000 + "1" + "}" * 3000, 400, "bad_json"),
        ("POST", f"/api/events/{slug}/questions", '{"text": "\\ud800", "client_key": "abcdefgh12"}', 400, "invalid"),
        ("POST", f"/api/events/{slug}/questions", '{"text": "a\\udfffb", "client_key": "abcdefgh13"}', 400, "invalid"),
        ("POST", f"/api/events/{slug}/questions", f'{{"text": "好", "client_key": "abcdefgh14", "unit": {BIG}}}', 400, "invalid"),
        ("POST", f"/api/events/{slug}/questions", '{"text": "好", "client_key": "abcdefgh15", "unit": 1e999}', 400, "invalid"),
        ("POST", f"/api/events/{slug}/questions", '{"text": "好", "client_key": "abcdefgh16", "unit": NaN}', 400, "invalid"),
        ("POST", "/api/board/submissions", '{"text": "\\ud800\\ud800", "client_key": "abcdefgh17"}', 400, "invalid"),
        ("GET", f"/api/board/cases/{BIG}", None, 404, "not_found"),
        ("GET", f"/board/cases/{BIG}", None, 404, ""),
        ("GET", f"/board/units/{BIG}/feed.atom", None, 404, ""),
        ("GET", "/api/board/ranking?week=9999-W52", None, 400, "invalid"),
        ("GET", "/api/board/ranking?week=0001-W01", None, 400, "invalid"),
        ("GET", "/api/board/ranking?week=２０２６-W01", None, 400, "invalid"),
        ("GET", "/board/ranking?week=9999-W52", None, 200, ""),
        ("GET", "/board/ranking.xlsx?week=9999-W52", None, 200, ""),
        ("GET", "/api/board/stats?from=9999-12-31", None, 400, "invalid"),
        ("GET", "/api/board/stats?to=9999-12-31", None, 400, "invalid"),
        ("GET", "/api/board/cases?to=9999-12-31", None, 400, "invalid"),
        ("GET", "/api/board/cases?unit=²", None, 400, "invalid"),
        ("GET", "/api/board/calendar?year=99999999999999999999", None, 200, ""),
        ("POST", f"/api/board/cases/{BIG}/rating", '{"code": "码", "rating": "satisfied"}', 404, "not_found"),
    ]
    with studio.server.http() as client:
        found = answers_of(client, [(m, p, b) for m, p, b, _, _ in anonymous])
        assert client.get("/healthz").status_code == 200
    assert found == [(f"{m} {p[:60]}", status, code) for m, p, _, status, code in anonymous]
    admin = studio.admin
    staff_only = [
        ("GET", f"/api/units/{BIG}/cases", None, 404, "not_found"),
        ("POST", f"/api/questions/{BIG}/approve", '{"version": 1}', 404, "not_found"),
        ("POST", "/api/questions/1/approve", f'{{"version": {BIG}}}', 400, "invalid"),
        ("POST", "/api/questions/1/approve", '{"version": 0}', 400, "invalid"),
        ("POST", f"/api/events/{slug}/bulk", f'{{"action": "approve", "items": [{{"id": {BIG - 1}, "version": 1}}]}}', 200, ""),
        ("POST", f"/api/events/{slug}/bulk", f'{{"action": "approve", "items": [{{"id": {BIG}, "version": 1}}]}}', 400, "invalid"),
        ("GET", f"/api/events/{slug}/audit?question={BIG}", None, 200, ""),
        ("GET", f"/api/events/{slug}/audit?question=²", None, 200, ""),
        ("GET", f"/studio/events/{slug}/audit?question={BIG}", None, 200, ""),
        ("GET", f"/studio/board?unit={BIG}", None, 200, ""),
        ("GET", "/studio/calendar?year=99999", None, 200, ""),
        ("GET", f"/api/lexicon?page={BIG}", None, 200, ""),
        ("DELETE", f"/api/lexicon/{BIG}", None, 404, "not_found"),
        ("POST", f"/api/questions/{BIG}/claim", None, 404, "not_found"),
        ("POST", f"/api/board/submissions/{BIG}/approve", "{}", 404, "not_found"),
        ("POST", f"/api/board/cases/{BIG}/accept", "{}", 404, "not_found"),
        ("POST", "/api/board/calendar", '{"day": "9999-12-31", "kind": "holiday"}', 400, "invalid"),
        ("DELETE", "/api/board/calendar/9999-12-31", None, 400, "invalid"),
        ("POST", "/api/events", '{"slug": "far-future", "title": "远", "description": "",'
         ' "starts_at": "9999-12-31T23:00:00-12:00", "ends_at": "9999-12-31T23:30:00-12:00"}', 400, "invalid"),
        ("POST", "/api/units", f'{{"name": "上级过大", "parent": {BIG - 1}}}', 400, "invalid"),
        ("POST", "/api/units", '{"name": "上级为字", "parent": "²"}', 400, "invalid"),
        ("PATCH", "/api/staff/mod2", '{"display_name": "\\ud800"}', 400, "invalid"),
    ]
    found = answers_of(admin.client, [(m, p, b) for m, p, b, _, _ in staff_only],
                       headers={"X-CSRF-Token": admin.csrf})
    assert found == [(f"{m} {p[:60]}", status, code) for m, p, _, status, code in staff_only]
    for token in ("令牌".encode(), b"\xff\xfe", admin.csrf.encode() + "é".encode()):
        refused = admin.client.post("/api/units", json={"name": "非 ASCII 令牌"}, headers={"X-CSRF-Token": token})
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    assert "Traceback" not in Path(studio.server.log).read_text()


def test_a_non_ascii_rating_code_is_a_bad_rating_code(studio: Studio) -> None:
    """A rating code in other characters (even ones that upper-case to ASCII) is 403 bad_rating_code."""
    with studio.server.http() as client:
        receipt = client.post("/api/board/submissions", json={"text": "路灯坏了", "client_key": str(uuid.uuid4())})
        assert receipt.status_code == 201, receipt.text
    queue = studio.mod1.get("/api/board/submissions").json()
    submission = next(s for s in queue if s["id"] == receipt.json()["submission_id"])
    case_id = studio.mod1.post(f"/api/board/submissions/{submission['id']}/approve",
                               {"unit": studio.units["交通局"]}).json()["case_id"]
    code = receipt.json()["rating_code"]
    with studio.server.http() as client:
        for wrong in ("码" * 8, code[:7] + "ſ", code + "\u0301", "ＡＢＣＤ２３４５"):
            answer = client.post(f"/api/board/cases/{case_id}/rating", json={"code": wrong, "rating": "satisfied"})
            assert answer.status_code == 403 and answer.json()["error"]["code"] == "bad_rating_code", wrong


def test_a_keep_alive_connection_is_answered_after_a_server_error(tmp_path: Path) -> None:
    """A real 500 (a table gone) answers ``internal``, logs one error, and the next request on the same
    connection is answered."""
    with running_server(tmp_path) as server:
        with sqlite3.connect(server.db, timeout=10) as db:
            db.execute("DROP TABLE categories")
        with server.http() as client:
            broken = client.get("/api/board/categories")
            assert broken.status_code == 500 and broken.json()["error"]["code"] == "internal"
            for _ in range(3):
                assert client.get("/healthz").status_code == 200
                assert client.get("/api/board/categories").status_code == 500
        log = server.log.read_text()
    assert log.count("unhandled error") == 4
    assert "Exception in ASGI application" not in log


def test_a_chunked_body_is_cut_at_the_limit(studio: Studio) -> None:
    """A chunked body past 64 KiB gets 413 while it is still arriving (no end needed)."""
    slug = studio.new_event()
    with socket.create_connection(("127.0.0.1", studio.server.port), timeout=10) as sock:
        sock.sendall(f"POST /api/events/{slug}/questions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
        chunk = b"x" * 8192
        for _ in range(10):
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        answer = b""
        while b"}}" not in answer:
            received = sock.recv(65536)
            assert received, answer
            answer += received
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"too_large"' in answer


@pytest.fixture(scope="module")
def throttled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server with its rate limits on."""
    with running_server(tmp_path_factory.mktemp("throttled"), env={"STUDIO_RATE_LIMITS": "true"}) as server:
        yield server


def test_password_guessing_from_many_addresses_is_throttled_per_username(throttled: Server) -> None:
    """Forty wrong passwords for admin from forty addresses: ten get 401, the rest 429 with Retry-After,
    and so does the right password meanwhile; another account is not affected."""
    answers = []
    with throttled.http() as client:
        for index in range(40):
            answers.append(client.post("/api/login", json={"username": "admin", "password": f"guess-{index}"},
                                       headers={"X-Forwarded-For": f"10.0.{index}.1"}))
        assert [a.status_code for a in answers] == [401] * 10 + [429] * 30
        assert int(answers[-1].headers["retry-after"]) >= 1
        right = client.post("/api/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                            headers={"X-Forwarded-For": "10.1.0.1"})
        assert right.status_code == 429 and right.json()["error"]["code"] == "too_fast"
        unknown = client.post("/api/login", json={"username": "someone", "password": "wrong-password"},
                              headers={"X-Forwarded-For": "10.1.0.2"})
        assert unknown.status_code == 401


def test_right_passwords_do_not_use_up_the_username_budget(throttled: Server) -> None:
    """An account's owner signing in again and again is never throttled by the username's budget."""
    throttled.create_user("owner1", "moderator", "owner-password-1")
    for index in range(15):
        with throttled.http() as client:
            answer = client.post("/api/login", json={"username": "owner1", "password": "owner-password-1"},
                                 headers={"X-Forwarded-For": f"10.2.{index}.1"})
        assert answer.status_code == 200, (index, answer.text)


def test_a_client_hanging_up_mid_body_is_no_server_error(tmp_path: Path) -> None:
    """A POST whose client hangs up before the body is complete is logged at info, not as an
    unhandled error, stores nothing, and the server answers the next client."""
    with running_studio(tmp_path, env={"STUDIO_LOG_LEVEL": "info"}) as studio:
        server = studio.server
        slug = studio.new_event()
        body = '{"text": "半截的提问'.encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(f"POST /api/events/{slug}/questions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         f"Content-Type: application/json\r\nContent-Length: {len(body) + 500}\r\n\r\n".encode()
                         + body)
        deadline = time.monotonic() + 10
        while "client left before its request was read" not in server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        studio.ask(slug, "完整的提问：路灯什么时候修？")
        assert [q["text"] for q in studio.mod1.get(f"/api/events/{slug}/queue").json()] == ["完整的提问：路灯什么时候修？"]
        log = server.log.read_text()
    assert f"client left before its request was read: POST /api/events/{slug}/questions" in log
    assert "unhandled error" not in log and "Traceback" not in log
