"""Every answer the OpenAPI document describes, met for real: a tour of successful calls (and a few
refusals) on a live server, each answer checked against ``/api/openapi.json`` by schemathesis
(status code, media type and body schema)."""

from __future__ import annotations

import io
import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from PIL import Image

from studio.web import openapi
from support.clients import StaffClient, Studio, running_studio
from support.routing import import_into, records
from support.servers import ADMIN_PASSWORD

CATCH_ALL = "/api/{rest}"


class Tour:
    """Calls made through it are kept by operation (``"METHOD /template"``) for checking."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self.answers: dict[str, list[httpx.Response]] = {}
        self.document: dict[str, Any] = {}

    def call(self, client: httpx.Client, method: str, template: str, expect: int = 200,
             **kwargs: Any) -> httpx.Response:
        """``method`` on ``template`` filled from ``values``; the answer must have status ``expect``."""
        values = kwargs.pop("values", {})
        response = client.request(method, template.format(**values), **kwargs)
        assert response.status_code == expect, (method, template, response.status_code, response.text[:500])
        self.answers.setdefault(f"{method} {template}", []).append(response)
        return response

    def admin(self, method: str, template: str, expect: int = 200, **kwargs: Any) -> httpx.Response:
        """A call as the signed-in admin (with the CSRF header)."""
        return self.staff(self.studio.admin, method, template, expect, **kwargs)

    def staff(self, who: StaffClient, method: str, template: str, expect: int = 200,
              **kwargs: Any) -> httpx.Response:
        """A call as a signed-in staff member (with the CSRF header)."""
        headers = {"X-CSRF-Token": who.csrf, **kwargs.pop("headers", {})}
        return self.call(who.client, method, template, expect, headers=headers, **kwargs)

    def anyone(self, method: str, template: str, expect: int = 200, **kwargs: Any) -> httpx.Response:
        """A call without an account."""
        with self.studio.server.http() as client:
            return self.call(client, method, template, expect, **kwargs)


def jpeg() -> bytes:
    """A small JPEG photo."""
    out = io.BytesIO()
    Image.new("RGB", (120, 120), (180, 40, 40)).save(out, "JPEG")
    return out.getvalue()


def event_tour(tour: Tour) -> dict[str, Any]:
    """Events, questions, the desk and the transcript; ids and codes for later calls."""
    s = tour.studio
    slug = f"tour-{uuid.uuid4().hex[:6]}"
    tour.admin("POST", "/api/events", 201, json={
        "slug": slug, "title": "契约巡检", "starts_at": "2026-11-22T20:00:00+08:00",
        "ends_at": "2026-11-22T22:00:00+08:00", "guests": ["guest1"], "moderators": ["mod1"],
        "agenda": "20:00 开场"})
    e = {"slug": slug}
    tour.admin("PATCH", "/api/events/{slug}", values=e, json={"description": "巡检说明"})
    tour.anyone("GET", "/api/events/{slug}", values=e)
    tour.admin("POST", "/api/events/{slug}/open", values=e)
    tour.anyone("GET", "/api/events")
    asked = [tour.anyone("POST", "/api/events/{slug}/questions", 201, values=e, json={
        "text": text, "client_key": str(uuid.uuid4()), "nickname": "小周", "unit": s.units["人社局"]}).json()
        for text in ("社保卡补办需要多久才能拿到？", "公交线路什么时候恢复运营？", "小区门口的路灯坏了三个月，什么时候修？",
                     "代开发票，加微信", "失业金申领流程是什么？", "我想撤回这个问题可以吗？")]
    key = str(uuid.uuid4())
    body = {"text": "重复提交的同一个提问", "client_key": key}
    tour.anyone("POST", "/api/events/{slug}/questions", 201, values=e, json=body)
    tour.anyone("POST", "/api/events/{slug}/questions", 200, values=e, json=body)
    queue = {q["id"]: q for q in tour.admin("GET", "/api/events/{slug}/queue", values=e).json()}
    q = [queue[a["question_id"]] for a in asked]
    act = "/api/questions/{id}/{action}"
    claim = tour.staff(s.mod1, "POST", "/api/questions/{id}/claim", values={"id": q[0]["id"]}).json()
    assert claim["by"] == "mod1"
    tour.staff(s.mod1, "DELETE", "/api/questions/{id}/claim", values={"id": q[0]["id"]})
    first = tour.admin("POST", act, values={"id": q[0]["id"], "action": "approve"},
                       json={"version": q[0]["version"]}).json()
    on_air = tour.admin("POST", act, values={"id": q[0]["id"], "action": "on-air"},
                        json={"version": first["version"]}).json()
    answered = tour.admin("POST", act, values={"id": q[0]["id"], "action": "answer"},
                          json={"version": on_air["version"], "text": "两周内可以拿到。"}).json()
    tour.admin("POST", act, values={"id": q[0]["id"], "action": "correct"},
               json={"version": answered["version"], "text": "十个工作日内可以拿到。"})
    bulk = tour.admin("POST", "/api/events/{slug}/bulk", values=e, json={
        "action": "approve", "items": [{"id": q[1]["id"], "version": q[1]["version"]},
                                       {"id": q[1]["id"], "version": q[1]["version"]}]}).json()
    assert [r["ok"] for r in bulk["results"]] == [True, False]
    tour.admin("POST", act, values={"id": q[2]["id"], "action": "approve"},
               json={"version": q[2]["version"], "hard": True})
    tour.admin("POST", act, values={"id": q[3]["id"], "action": "reject"},
               json={"version": q[3]["version"], "reason": "ads"})
    tour.admin("POST", act, values={"id": q[4]["id"], "action": "merge"},
               json={"version": q[4]["version"], "into": q[1]["id"]})
    stale = tour.admin("POST", act, 409, values={"id": q[4]["id"], "action": "approve"},
                       json={"version": q[4]["version"]}).json()
    assert stale["error"]["question"]["id"] == q[4]["id"]
    message = tour.admin("POST", "/api/events/{slug}/messages", 201, values=e, json={"text": "欢迎各位网友！"}).json()
    tour.anyone("GET", "/api/events/{slug}/screen", values=e)
    tour.admin("POST", "/api/events/{slug}/screen", values=e, json={"show": "message", "message": message["id"]})
    tour.admin("POST", "/api/events/{slug}/screen", values=e, json={"show": "question", "question": q[0]["id"]})
    tour.anyone("GET", "/api/events/{slug}/screen", values=e)
    tour.anyone("GET", "/api/events/{slug}/stats", values=e)
    tour.anyone("GET", "/api/track/{code}", values={"code": asked[3]["tracking_code"]})
    tour.anyone("POST", "/api/track/{code}/retract", values={"code": asked[5]["tracking_code"]})
    tour.anyone("POST", "/api/track/{code}/retract", 409, values={"code": asked[5]["tracking_code"]})
    tour.anyone("GET", "/api/events/{slug}/transcript", values=e)
    tour.admin("POST", "/api/events/{slug}/close", values=e)
    tour.anyone("GET", "/api/events/{slug}/transcript", values=e)
    tour.admin("GET", "/api/events/{slug}/audit", values=e)
    for code in (asked[0]["tracking_code"], asked[2]["tracking_code"], asked[4]["tracking_code"]):
        tour.anyone("GET", "/api/track/{code}", values={"code": code})
    case_id = tour.anyone("GET", "/api/track/{code}", values={"code": asked[2]["tracking_code"]}).json()["case"]["id"]
    return {"slug": slug, "case": case_id, "rating_code": asked[2]["rating_code"]}


def board_tour(tour: Tour, made: dict[str, Any], tmp: Path) -> None:
    """The board: submissions, routing, a case's life, ratings, the calendar, duty, figures."""
    s = tour.studio
    unit = s.units["人社局"]
    receipts = [tour.anyone("POST", "/api/board/submissions", 201, json={
        "text": text, "client_key": str(uuid.uuid4()), "unit": unit}).json()
        for text in ("小区门口的路灯坏了一个月了", "广告：代开发票", "写错了，我想撤回")]
    tour.admin("GET", "/api/board/submissions")
    approved = tour.admin("POST", "/api/board/submissions/{id}/{action}",
                          values={"id": receipts[0]["submission_id"], "action": "approve"}, json={}).json()
    tour.admin("POST", "/api/board/submissions/{id}/{action}",
               values={"id": receipts[1]["submission_id"], "action": "reject"}, json={"reason": "ads"})
    for receipt in receipts:
        tour.anyone("GET", "/api/board/track/{code}", values={"code": receipt["tracking_code"]})
    tour.anyone("POST", "/api/board/track/{code}/retract", values={"code": receipts[2]["tracking_code"]})
    tour.admin("GET", "/api/board/routing")
    case = {"id": made["case"]}
    actions = "/api/board/cases/{id}/{action}"
    tour.staff(s.guest1, "POST", actions, values={**case, "action": "accept"}, json={})
    tour.staff(s.guest1, "POST", actions, values={**case, "action": "extend"}, json={"reason": "需要现场核实"})
    tour.staff(s.guest1, "POST", actions, values={**case, "action": "reply"}, json={"text": "路灯已修好。"})
    tour.anyone("POST", "/api/board/cases/{id}/rating", values=case,
                json={"code": made["rating_code"], "rating": "satisfied", "comment": "谢谢"})
    tour.staff(s.guest1, "POST", actions, values={"id": approved["case_id"], "action": "out-of-scope"},
               json={"reason": "不属于本单位"})
    tour.admin("POST", actions, values={"id": approved["case_id"], "action": "route"}, json={"unit": unit})
    tour.anyone("GET", "/api/board/cases")
    tour.anyone("GET", "/api/board/cases", params={"q": "路灯", "status": "replied"})
    tour.anyone("GET", "/api/board/cases/{id}", values=case)
    tour.admin("GET", "/api/board/cases/{id}/audit", values=case)
    tour.admin("GET", "/api/board/overdue")
    tour.staff(s.guest1, "GET", "/api/units/{id}/cases", values={"id": unit})
    tour.anyone("GET", "/api/board/stats")
    tour.anyone("GET", "/api/board/ranking")
    tour.admin("POST", "/api/board/calendar", json={"day": "2026-10-01", "kind": "holiday", "name": "国庆节"})
    tour.anyone("GET", "/api/board/calendar", params={"year": "2026"})
    tour.admin("DELETE", "/api/board/calendar/{day}", 204, values={"day": "2026-10-01"})
    tour.admin("PUT", "/api/board/duty/{day}", values={"day": "2026-11-23"}, json={"units": [unit]})
    tour.anyone("GET", "/api/board/duty", params={"from": "2026-11-23"})
    tour.anyone("GET", "/api/board/categories")
    tour.admin("GET", "/api/board/unit-categories")
    tour.admin("PUT", "/api/units/{id}/categories", values={"id": unit}, json={"categories": []})
    tour.admin("POST", "/api/board/suggest", 409, json={"text": "社保卡补办"})
    import_into(s.server, tmp, records(4))
    tour.admin("POST", "/api/board/suggest", json={"title": "公交车班次太少", "text": "公交线路班次太少，等车一小时"},
               timeout=120)  # the first suggestion trains the model


def follow_up_tour(tour: Tour) -> None:
    """The board that follows up: photos, a contact and its code, 同问, merging, supervision, the
    outbox, hot topics."""
    s = tour.studio
    unit = s.units["交通局"]
    photo = tour.anyone("POST", "/api/photos", 201, content=jpeg(), headers={"Content-Type": "image/jpeg"}).json()
    receipt = tour.anyone("POST", "/api/board/submissions", 201, json={
        "text": "桥下的积水一下雨就没过脚踝", "client_key": str(uuid.uuid4()), "unit": unit,
        "photos": [photo["photo"]], "contact": "tour@example.com"}).json()
    code = {"code": receipt["tracking_code"]}
    tour.anyone("POST", "/api/contacts/resend", json={"tracking_code": receipt["tracking_code"]})
    sent = tour.admin("GET", "/api/notifications").json()["notifications"]  # newest first
    found = re.search(r"验证码是 (\d{6})", next(n for n in sent if n["kind"] == "verify")["text"])
    assert found is not None
    one_time = found.group(1)
    tour.anyone("POST", "/api/contacts/verify", json={"tracking_code": receipt["tracking_code"], "code": one_time})
    tour.admin("POST", "/api/photos/{token}/{action}", values={"token": photo["photo"], "action": "hide"},
               json={"reason": "拍到了行人的脸"})
    tour.admin("POST", "/api/photos/{token}/{action}", values={"token": photo["photo"], "action": "show"}, json={})
    case_id = tour.admin("POST", "/api/board/submissions/{id}/{action}",
                         values={"id": receipt["submission_id"], "action": "approve"}, json={}).json()["case_id"]
    case = {"id": case_id}
    added = tour.anyone("POST", "/api/photos", 201, content=jpeg(), headers={"Content-Type": "image/jpeg"}).json()
    tour.anyone("POST", "/api/board/track/{code}/photos", values=code, json={"photos": [added["photo"]]})
    tour.admin("GET", "/api/board/photos")
    repeat = tour.anyone("POST", "/api/board/submissions", 201, json={
        "text": "桥下积水严重，下雨就没法走", "client_key": str(uuid.uuid4())}).json()
    tour.admin("POST", "/api/board/submissions/{id}/{action}", values={"id": repeat["submission_id"],
                                                                       "action": "merge"}, json={"case": case_id})
    tour.anyone("GET", "/api/board/track/{code}", values={"code": repeat["tracking_code"]})
    with s.server.http() as viewer:
        viewer.get(f"/board/cases/{case_id}")
        tour.call(viewer, "POST", "/api/board/cases/{id}/support", values=case)
    tour.admin("PUT", "/api/units/{id}/email", values={"id": unit}, json={"email": "jiaotong@example.gov.cn"})
    tour.admin("POST", "/api/board/cases/{id}/urge", 201, values=case, json={"text": "请三日内答复"})
    tour.admin("POST", "/api/board/cases/{id}/follow-ups", 201, values=case,
               json={"kind": "call", "outcome": "单位承诺本周内答复"})
    tour.admin("GET", "/api/board/cases/{id}/supervision", values=case)
    tour.admin("GET", "/api/board/supervision")
    tour.admin("GET", "/api/board/supervision/report")
    tour.anyone("GET", "/api/board/topics")
    with sqlite3.connect(s.server.db, timeout=10) as db:
        # A row of its own: marking a queued one dead would race the sender settling it.
        dead = db.execute(
            "INSERT INTO notifications (kind, channel, recipient, subject, body, link_path, next_at, created_at, "
            "status, attempts, last_error) SELECT kind, channel, recipient, subject, body, link_path, next_at, "
            "created_at, 'dead', 5, 'connection refused' FROM notifications ORDER BY id LIMIT 1").lastrowid
    tour.admin("POST", "/api/notifications/{id}/retry", values={"id": dead})
    tour.admin("GET", "/api/notifications")


def desk_tour(tour: Tour) -> None:
    """Accounts, units, photos, reasons and the lexicon."""
    tour.anyone("POST", "/api/login", json={"username": "nobody", "password": "x"}, expect=401)
    tour.anyone("POST", "/api/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    tour.admin("GET", "/api/me")
    tour.anyone("GET", "/api/units")
    tour.admin("POST", "/api/units", 201, json={"name": f"巡检局{uuid.uuid4().hex[:4]}"})
    name = f"tour{uuid.uuid4().hex[:6]}"
    tour.admin("POST", "/api/staff", 201, json={"username": name, "password": "tour-password-1",
                                                "role": "official", "unit": "人社局", "display_name": "王明"})
    tour.admin("PATCH", "/api/staff/{username}", values={"username": name}, json={"title": "局长"})
    tour.admin("GET", "/api/staff")
    photo = tour.admin("PUT", "/api/staff/{username}/photo", values={"username": name}, content=jpeg()).json()
    tour.anyone("GET", "/photos/{token}.jpg", values={"token": photo["photo"].removeprefix("/photos/")[:-4]})
    tour.admin("DELETE", "/api/staff/{username}/photo", 204, values={"username": name})
    tour.anyone("GET", "/api/reasons")
    code = f"t{uuid.uuid4().hex[:6]}"
    tour.admin("POST", "/api/reasons", 201, json={"code": code, "text": "巡检理由"})
    tour.admin("PATCH", "/api/reasons/{code}", values={"code": code}, json={"text": "巡检理由（改）"})
    term = tour.admin("POST", "/api/lexicon", 201, json={"term": f"巡检词{uuid.uuid4().hex[:4]}",
                                                          "category": "other", "level": "review"}).json()
    tour.admin("GET", "/api/lexicon")
    tour.admin("POST", "/api/lexicon/import", json={"text": "巡检导入词\tother\treview\n"})
    tour.admin("GET", "/api/lexicon/export")
    tour.admin("DELETE", "/api/lexicon/{id}", 204, values={"id": term["id"]})


def pages_tour(tour: Tour, made: dict[str, Any]) -> None:
    """Pages, images, downloads and feeds: their media types, a staff page's redirect, an error page."""
    e = {"slug": made["slug"]}
    for template in ("/", "/board", "/board/new", "/board/ranking", "/audit", "/privacy", "/studio/login"):
        tour.anyone("GET", template)
    for template in ("/events/{slug}", "/events/{slug}/screen", "/events/{slug}/embed"):
        tour.anyone("GET", template, values=e)
    for kind in ("svg", "png"):
        tour.anyone("GET", "/events/{slug}/qr.{kind}", values={**e, "kind": kind})
    for fmt in ("md", "json", "csv"):
        tour.anyone("GET", "/events/{slug}/transcript.{fmt}", values={**e, "fmt": fmt})
    tour.anyone("GET", "/board/cases/{id}", values={"id": made["case"]})
    tour.anyone("GET", "/board/feed.atom")
    tour.anyone("GET", "/board/ranking.xlsx")
    tour.anyone("GET", "/metrics")
    tour.anyone("GET", "/studio/", 303)
    tour.anyone("GET", "/board/cases/{id}", 404, values={"id": 999999})
    for template in ("/studio/", "/studio/board", "/studio/calendar", "/studio/lexicon", "/studio/reasons",
                     "/studio/supervision", "/studio/supervision/report", "/studio/topics", "/studio/notifications"):
        tour.admin("GET", template)
    for template in ("/studio/events/{slug}/moderate", "/studio/events/{slug}/answer", "/studio/events/{slug}/audit"):
        tour.admin("GET", template, values=e)


def site_tour(tour: Tour) -> None:
    """The documents, the audit head and links, health, and a refusal of every kind of path."""
    tour.anyone("GET", "/api/audit/head")
    tour.anyone("GET", "/api/audit/entries", params={"after": 1, "limit": 3})
    tour.anyone("GET", "/api/audit/entries/{id}", values={"id": 1})
    tour.anyone("GET", "/api/audit/entries", 400, params={"limit": "all"})
    tour.anyone("GET", "/api/openapi.json")
    tour.anyone("GET", "/api/asyncapi.json")
    tour.anyone("GET", "/healthz")
    tour.anyone("GET", "/api/{rest}", 404, values={"rest": "nothing-here"})
    tour.anyone("GET", "/api/events/{slug}", 404, values={"slug": "no-such-event"})
    tour.admin("POST", "/api/events/{slug}/questions", 400, values={"slug": "no-such-event"}, content=b"{")


@pytest.fixture(scope="module")
def toured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tour]:
    """The whole tour, once, on a studio of its own."""
    with running_studio(tmp_path_factory.mktemp("answers")) as studio:
        tour = Tour(studio)
        desk_tour(tour)
        made = event_tour(tour)
        board_tour(tour, made, tmp_path_factory.mktemp("import"))
        follow_up_tour(tour)
        pages_tour(tour, made)
        site_tour(tour)
        tour.admin("POST", "/api/logout", 204)
        tour.document = tour.anyone("GET", "/api/openapi.json").json()
        yield tour


def test_every_answer_matches_the_document(toured: Tour) -> None:
    """Each answer of the tour has a documented status and media type and matches its schema."""
    schema = schemathesis.openapi.from_dict(toured.document)
    failures = []
    for key, answers in toured.answers.items():
        method, template = key.split(" ", 1)
        operation = schema[template][method]
        for answer in answers:
            try:
                operation.validate_response(answer)
            except BaseException as exc:  # a FailureGroup: keep going to name every mismatch
                failures.append(f"{key} {answer.status_code}: {exc}")
    assert not failures, "\n\n".join(failures)


def test_the_tour_meets_every_json_operation(toured: Tour) -> None:
    """Every documented JSON operation was answered with success at least once."""
    succeeded = {key for key, answers in toured.answers.items() if any(a.status_code < 300 for a in answers)}
    json_operations = {key for key, op in openapi.OPERATIONS.items()
                       if key.startswith(("GET /api/", "POST /api/", "PUT /api/", "PATCH /api/", "DELETE /api/"))
                       and not key.endswith(CATCH_ALL)}
    assert json_operations - succeeded == set()
