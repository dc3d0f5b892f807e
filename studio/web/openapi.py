"""The HTTP contract as an OpenAPI 3.1 document, built from the app's own routing table.

Policy: every route and method the app serves must have an entry in
:data:`OPERATIONS` (its summary, who may call it, its body and its answer);
:func:`document` walks the live routing table, so a route added without an
entry is named by :func:`missing` (and the contract test fails), and an entry
without a route by :func:`stale`. Error answers share one shape,
``{"error": {"code", "message", …}}``, with the codes of ``studio.errors``
(outside ``/api/`` a refusal is an HTML error page). Answers are described in
full: every field the code writes, with its type, the ones always present as
required, ``null`` where it may be; objects stay open, since the contract lets
new fields appear. An operation's ``more`` lists its other successful answers
(a repeated ``client_key``'s 200, a staff page's redirect to sign-in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute, Route

from studio.errors import STATUS_OF_CODE

ERROR_CODES = sorted({*STATUS_OF_CODE, "internal", "unavailable", "unknown_type", "bad_rating_code",
                      "already_rated"})
"""Every ``error.code`` an answer or an ``error`` frame may carry."""

ANYONE: tuple[str, ...] = ()
STAFF = ("admin", "moderator", "official")
DESK = ("admin", "moderator")
ADMIN = ("admin",)


def obj(*required: str, **properties: Any) -> dict[str, Any]:
    """A JSON object with these properties (more may follow) and these required."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def array(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


TEXT = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NUMBER = {"type": "number"}
NULLABLE_TEXT = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
ID = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
ANY_OBJECT = {"type": "object"}
TEXTS = {"type": "array", "items": TEXT}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or ``null``."""
    return {"anyOf": [schema, {"type": "null"}]}


def one_of(*values: str) -> dict[str, Any]:
    """A string among ``values``."""
    return {"type": "string", "enum": list(values)}


UNIT = ref("UnitRef")
MAYBE_UNIT = nullable(UNIT)
EVENT_REF = obj("slug", "title", slug=TEXT, title=TEXT)
QUESTION_STATUSES = one_of("pending", "approved", "on_air", "answered", "transferred", "rejected", "merged",
                           "retracted")
CASE_FIELDS: dict[str, Any] = {
    "id": INT, "kind": one_of("case", "post"), "status": one_of("open", "replied"), "title": TEXT, "text": TEXT,
    "nickname": TEXT, "unit": MAYBE_UNIT, "hard": BOOL, "event": nullable(EVENT_REF), "question_id": NULLABLE_INT,
    "created_at": TEXT, "due_at": NULLABLE_TEXT, "replied_at": NULLABLE_TEXT, "overdue": BOOL,
    "stage": one_of("routing", "assigned", "accepted", "replied", "reopened", "closed"), "round": INT,
    "routed_at": NULLABLE_TEXT, "accepted_at": NULLABLE_TEXT,
}
CASE_REQUIRED = tuple(CASE_FIELDS)
CASE_DETAIL: dict[str, Any] = {
    "timeline": array(obj("kind", "text", "at", kind=TEXT, text=TEXT, at=TEXT)),
    "replies": array(obj("unit", "author", "text", "live", "round", "at", unit=MAYBE_UNIT, author=TEXT,
                         text=TEXT, live=BOOL, round=INT, at=TEXT)),
    "extension": nullable(obj("days", "reason", "due_before", "due_after", "at", days=INT, reason=TEXT,
                              due_before=TEXT, due_after=TEXT, at=TEXT)),
    "ratings": array(obj("round", "rating", "label", "at", round=INT,
                         rating=one_of("satisfied", "basically_satisfied", "unsatisfied"), label=TEXT, at=TEXT,
                         comment=TEXT)),
    "rating_open": BOOL,
}
UNIT_STATS = obj("rank", "unit", "received", "replied", "on_time", "due", "on_time_rate", "avg_reply_hours",
                 "ratings", "satisfied", "unsatisfied", "satisfaction_rate", "open_overdue",
                 rank=INT, unit=UNIT, received=INT, replied=INT, on_time=INT, due=INT,
                 on_time_rate=NULLABLE_NUMBER, avg_reply_hours=NULLABLE_NUMBER, ratings=INT, satisfied=INT,
                 unsatisfied=INT, satisfaction_rate=NULLABLE_NUMBER, open_overdue=INT)
CATEGORY_PATH = obj("id", "path", id=INT, path=TEXT)

SCHEMAS: dict[str, Any] = {
    "Error": obj("error", error=obj("code", "message", code={"type": "string", "enum": ERROR_CODES},
                                    message=TEXT, field=TEXT, retry_after=NUMBER, codes=TEXTS,
                                    question=ref("StaffQuestion"), submission=ref("Submission"), by=TEXT,
                                    expires_in=NUMBER, on_air=INT, line=INT)),
    "UnitRef": obj("id", "name", id=INT, name=TEXT),
    "Unit": obj("id", "name", "parent_id", id=INT, name=TEXT, parent_id=NULLABLE_INT),
    "Staff": obj("username", "role", "unit", "display_name", "title", username=TEXT,
                 role=one_of("admin", "moderator", "official"), unit=MAYBE_UNIT, display_name=NULLABLE_TEXT,
                 title=TEXT, active=BOOL, csrf_token=TEXT),
    "Event": obj("slug", "title", "description", "status", "starts_at", "ends_at", "opened_at", "closed_at",
                 "accepting_questions", "guests", "units", "video_url", "agenda",
                 slug=TEXT, title=TEXT, description=TEXT,
                 status=one_of("scheduled", "live", "closed"), starts_at=TEXT, ends_at=TEXT,
                 opened_at=NULLABLE_TEXT, closed_at=NULLABLE_TEXT, accepting_questions=BOOL,
                 guests=array(obj("name", "title", "unit", "photo", name=NULLABLE_TEXT, title=TEXT, unit=MAYBE_UNIT,
                                  photo=NULLABLE_TEXT)),
                 units=array(UNIT), video_url=NULLABLE_TEXT, agenda=TEXTS),
    "Answer": obj("text", "by", "at", "corrected_at", text=TEXT,
                  by=obj("name", "title", "unit", name=NULLABLE_TEXT, title=TEXT, unit=MAYBE_UNIT), at=TEXT,
                  corrected_at=NULLABLE_TEXT),
    "Question": obj("id", "status", "text", "nickname", "unit", "votes", "asked_at", "published_at", "answer",
                    "collected", id=INT, status=one_of("approved", "on_air", "answered", "transferred"), text=TEXT,
                    nickname=TEXT, votes=INT, unit=MAYBE_UNIT, asked_at=TEXT, published_at=NULLABLE_TEXT,
                    answer=nullable(ref("Answer")), collected=BOOL, case_id=NULLABLE_INT),
    "Flag": obj("kind", "start", "end", "text", kind=TEXT, start=INT, end=INT, text=TEXT, suggestion=TEXT,
                detail=TEXT, level=TEXT, question_id=INT, score=NUMBER),
    "StaffQuestion": obj("id", "status", "version", "text", "original_text", "flags", "priority", "unit",
                         "nickname", "votes", "asked_at", "reason", "merged_into", "hard", "answer", "case_id",
                         "handled", "collected",
                         id=INT, status=QUESTION_STATUSES, version=INT, text=TEXT, original_text=NULLABLE_TEXT,
                         flags=array(ref("Flag")), priority=INT, unit=MAYBE_UNIT, nickname=TEXT, votes=INT,
                         asked_at=TEXT, reason=NULLABLE_TEXT, merged_into=NULLABLE_INT, hard=BOOL,
                         answer=nullable(ref("Answer")), case_id=NULLABLE_INT,
                         handled=nullable(obj("by", "action", "at", by=TEXT, action=TEXT, at=TEXT)), collected=BOOL),
    "HostMessage": obj("id", "text", "author", "at", id=INT, text=TEXT, author=TEXT, at=TEXT),
    "Screen": obj("show", show=one_of("on_air", "message", "question"), message=ref("HostMessage"),
                  question=ref("Question")),
    "Stats": obj("received", "published", "answered", "pending", "approved", "merged", "rejected", "retracted",
                 "rejected_by_reason", viewers=INT, received=INT, published=INT,
                 answered=INT, pending=INT, approved=INT, merged=INT, rejected=INT, retracted=INT,
                 rejected_by_reason=array(obj("code", "reason", "count", code=NULLABLE_TEXT, reason=TEXT, count=INT))),
    "Tracking": obj("tracking_code", "question_id", "event", "status", "followed_status", "text_public", "reason",
                    "merged_into", "withdrawn", "retractable", "timeline", "answer", "case",
                    tracking_code=TEXT, question_id=INT, event=EVENT_REF, status=QUESTION_STATUSES,
                    followed_status=QUESTION_STATUSES, text_public=NULLABLE_TEXT, reason=NULLABLE_TEXT,
                    merged_into=NULLABLE_INT, withdrawn=BOOL, retractable=BOOL,
                    timeline=array(obj("status", "at", status=TEXT, at=TEXT)),
                    answer=nullable(ref("Answer")),
                    case=nullable(obj("id", "status", "due_at", "unit", id=INT, status=TEXT,
                                      due_at=NULLABLE_TEXT, unit=MAYBE_UNIT))),
    "Receipt": obj("question_id", "tracking_code", "rating_code", question_id=INT, tracking_code=TEXT,
                   rating_code=TEXT),
    "Transcript": obj("event", "audit_head", "items", "transferred", event=ref("Event"),
                      audit_head=nullable(ref("AuditHead")),
                      items=array({"oneOf": [
                          obj("kind", "id", "at", "speaker", "text", kind={"const": "message"}, id=INT, at=TEXT,
                              speaker=TEXT, text=TEXT),
                          obj("kind", "at", "question", "case_id", kind={"const": "qa"}, at=TEXT,
                              question=ref("Question"), case_id=NULLABLE_INT)]}),
                      transferred=array(ref("Question"))),
    "AuditHead": obj("entry", "hash", "algorithm", entry={"type": "integer", "minimum": 0},
                     hash={"type": "string", "pattern": "^[0-9a-f]{64}$"}, algorithm={"const": "sha256"}),
    "AuditEntry": obj("at", "actor", "role", "action", "from_status", "to_status", "before_text", "after_text",
                      id=INT, at=TEXT, actor=TEXT, role=TEXT, action=TEXT, question_id=NULLABLE_INT,
                      case_id=NULLABLE_INT, from_status=NULLABLE_TEXT, to_status=NULLABLE_TEXT,
                      before_text=NULLABLE_TEXT, after_text=NULLABLE_TEXT, detail=ANY_OBJECT),
    "CaseSummary": obj(*CASE_REQUIRED, **CASE_FIELDS, origin=one_of("event", "direct", "import"),
                       category=nullable(obj("id", "name", id=INT, name=TEXT)),
                       highlight=obj("title", "snippet", title=TEXT, snippet=TEXT), extended=BOOL,
                       returned=nullable(obj("unit", "reason", unit=MAYBE_UNIT, reason=TEXT))),
    "Case": obj(*CASE_REQUIRED, *CASE_DETAIL, **CASE_FIELDS, **CASE_DETAIL, origin=one_of("event", "direct", "import"),
                category=nullable(obj("id", "name", "path", id=INT, name=TEXT, path=TEXT)),
                transcript_url=NULLABLE_TEXT,
                routes=array(obj("kind", "reason", "actor", "at", "from_name", "to_name", kind=TEXT,
                                 reason=NULLABLE_TEXT, actor=TEXT, at=TEXT, from_name=NULLABLE_TEXT,
                                 to_name=NULLABLE_TEXT))),
    "Submission": obj("id", "status", "text", "original_text", "flags", "nickname", "unit", "submitted_at",
                      "reason", "case_id", "retractable",
                      id=INT, status=one_of("pending", "approved", "rejected", "retracted"), text=TEXT,
                      original_text=TEXT, flags=array(ref("Flag")), nickname=TEXT, unit=MAYBE_UNIT,
                      submitted_at=TEXT, reason=NULLABLE_TEXT, case_id=NULLABLE_INT, retractable=BOOL),
    "SubmissionReceipt": obj("submission_id", "tracking_code", "rating_code", submission_id=INT,
                             tracking_code=TEXT, rating_code=TEXT),
    "Reason": obj("code", "text", "active", "position", code=TEXT, text=TEXT, active=BOOL, position=INT),
    "Term": obj("id", "term", "category", "level", "added_by", "added_at", id=INT, term=TEXT, category=TEXT,
                level=one_of("block", "review"), added_by=NULLABLE_TEXT, added_at=TEXT),
    "Day": obj("day", "kind", "name", day=TEXT, kind=one_of("holiday", "workday"), name=TEXT),
    "Duty": obj("day", "units", day=TEXT, units=array(UNIT)),
    "UnitCategories": obj("unit", "categories", unit=UNIT, categories=array(CATEGORY_PATH)),
    "Ask": obj("text", "client_key", text={"type": "string", "minLength": 1, "maxLength": 2000},
               client_key={"type": "string", "minLength": 8, "maxLength": 64}, nickname={"type": "string", "maxLength": 20},
               unit={"type": ["integer", "null"]}),
    "Action": obj("version", version=INT, text=TEXT, unit={"type": ["integer", "null"]}, hard=BOOL, reason=TEXT,
                  note=TEXT, into=INT, take_over=BOOL),
}


@dataclass(frozen=True)
class Operation:
    """One method of one route: what it does, who may call it, its body and its answer."""

    summary: str
    auth: tuple[str, ...] = ANYONE
    body: dict[str, Any] | None = None
    answer: dict[str, Any] | None = field(default_factory=lambda: ANY_OBJECT)
    """The success body's schema (for JSON media; other media are strings); ``None``: no body."""
    status: int = 200
    media: str | tuple[str, ...] = "application/json"
    tags: tuple[str, ...] = ()
    more: dict[int, dict[str, Any] | None] = field(default_factory=dict)
    """Other successful answers by status: their JSON schema, or ``None`` for no body (a redirect)."""


def key(method: str, path: str) -> str:
    """An operation's key in :data:`OPERATIONS`: ``"METHOD /path"``."""
    return f"{method} {path}"


def page(summary: str, auth: tuple[str, ...] = ANYONE) -> Operation:
    """A server-rendered page; a staff page sends a visitor without a session to sign in (303)."""
    return Operation(summary, auth, answer=TEXT, media="text/html", tags=("pages",),
                     more={303: None} if auth else {})


def form(summary: str) -> Operation:
    """A plain form post that redirects (303) to a page (a refusal is an HTML error page)."""
    return Operation(summary, answer=None, status=303, media="text/html", tags=("pages",))


OPERATIONS: dict[str, Operation] = {
    "GET /": page("the home page: live, upcoming and past events"),
    "GET /events/{slug}": page("an event's audience page, or its transcript once closed"),
    "GET /track/{code}": page("an asker's tracking page"),
    "POST /track/{code}/retract": form("retract one's pending question (the tracking page's button)"),
    "GET /events/{slug}/screen": page("the big screen: the question on air, the answer, counts, join QR code"),
    "GET /events/{slug}/embed": page("the read-only live feed for partner sites' frames (STUDIO_EMBED_ORIGINS)"),
    "GET /events/{slug}/qr.{kind}": Operation("the event's join QR code (kind: svg or png)", answer=TEXT,
                                              media=("image/svg+xml", "image/png")),
    "GET /j/{id}": Operation("the short join link: a redirect to the event's page", answer=None, status=302,
                             media="text/html"),
    "GET /photos/{token}.jpg": Operation("a guest's photo (re-encoded JPEG)", answer=TEXT, media="image/jpeg"),
    "GET /board": page("the board: search and list cases"),
    "GET /board/cases/{id}": page("one board case"),
    "GET /board/new": page("write to the board"),
    "GET /board/track/{code}": page("a board message's tracking page"),
    "POST /board/track/{code}/retract": form("retract one's pending board message (the tracking page's button)"),
    "GET /board/ranking": page("the weekly ranking of the units"),
    "GET /board/ranking.xlsx": Operation("the weekly ranking as a spreadsheet", answer=TEXT,
                                         media="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "GET /board/feed.atom": Operation("newly replied cases (Atom)", answer=TEXT, media="application/atom+xml"),
    "GET /board/units/{id}/feed.atom": Operation("a unit's newly replied cases (Atom)", answer=TEXT,
                                                 media="application/atom+xml"),
    "GET /events/{slug}/transcript.{fmt}": Operation("a closed event's transcript as md, json or csv",
                                                      answer=obj("event", "url", "lines"),
                                                      media=("text/markdown", "application/json", "text/csv")),
    "GET /audit": page("the audit chain's head and how to verify it"),
    "GET /privacy": page("what personal data is kept, why and for how long"),
    "GET /studio/": page("the staff home", STAFF),
    "GET /studio/login": page("staff sign-in"),
    "GET /studio/events/{slug}/moderate": page("the moderation desk", DESK),
    "GET /studio/events/{slug}/answer": page("the official's console", ("admin", "official")),
    "GET /studio/events/{slug}/audit": page("an event's audit log", ADMIN),
    "GET /studio/lexicon": page("the sensitive-word lexicon", ADMIN),
    "GET /studio/reasons": page("the rejection reasons", ADMIN),
    "GET /studio/board": page("the board console", STAFF),
    "GET /studio/calendar": page("the holiday calendar", ADMIN),
    "GET /healthz": Operation("liveness and the store's answer", answer=obj("status", status={"const": "ok"}),
                              more={503: obj("status", status={"const": "unavailable"})}),
    "PUT /api/staff/{username}/photo": Operation("a guest's photo (the image bytes as the body: JPEG, PNG or WebP)",
                                                 ADMIN, answer=obj("username", "photo", "width", "height", username=TEXT,
                                                                photo=TEXT, width=INT, height=INT)),
    key("DELETE", "/api/staff/{username}/photo"): Operation("remove a guest's photo", ADMIN, answer=None, status=204,
                                                    media="text/plain"),
    "GET /api/events/{slug}/screen": Operation("what the big screen shows now", answer=ref("Screen")),
    "POST /api/events/{slug}/screen": Operation("choose what the big screen shows", DESK,
                                                obj("show", show={"enum": ["on_air", "message", "question"]},
                                                    message=INT, question=INT), ref("Screen")),
    "POST /api/board/suggest": Operation("routing suggestions for a message: categories and units, best first", STAFF,
                                         obj("text", title=TEXT, text=TEXT),
                                         obj("categories", "units",
                                             categories=array(obj("id", "path", "score", id=INT, path=TEXT,
                                                                  score=NUMBER)),
                                             units=array(obj("id", "name", "score", id=INT, name=TEXT,
                                                             score=NUMBER)))),
    "GET /api/board/unit-categories": Operation("the categories each unit handles (the admin's mapping)", STAFF,
                                                answer=array(ref("UnitCategories"))),
    "PUT /api/units/{id}/categories": Operation("the categories a unit handles", ADMIN,
                                                obj("categories", categories=array(INT)), ref("UnitCategories")),
    "GET /api/board/duty": Operation("the week's units on duty (轮值)", answer=array(ref("Duty"))),
    "PUT /api/board/duty/{day}": Operation("the units on duty on a day", ADMIN, obj("units", units=array(INT)),
                                           ref("Duty")),
    "GET /metrics": Operation("this process's figures in the Prometheus text format (loopback clients, or "
                              "Authorization: Bearer STUDIO_METRICS_TOKEN)", answer=TEXT, media="text/plain"),
    "POST /api/login": Operation("sign in", body=obj("username", "password", username=TEXT, password=TEXT),
                                 answer={"allOf": [ref("Staff"), obj("csrf_token")]}),
    "POST /api/logout": Operation("sign out", STAFF, answer=None, status=204),
    "GET /api/me": Operation("the signed-in staff member", STAFF, answer=ref("Staff")),
    "GET /api/units": Operation("the units", answer=array(ref("Unit"))),
    "POST /api/units": Operation("create a unit", ADMIN, obj("name", name=TEXT, parent=INT), ref("Unit"), 201),
    "GET /api/staff": Operation("staff accounts", ADMIN, answer=array({"allOf": [ref("Staff"), obj("active")]})),
    "POST /api/staff": Operation("create a staff account", ADMIN, ANY_OBJECT, ref("Staff"), 201),
    "PATCH /api/staff/{username}": Operation("change a staff account", ADMIN, ANY_OBJECT,
                                             {"allOf": [ref("Staff"), obj("active")]}),
    "GET /api/events": Operation("events by status", answer=obj(live=array(ref("Event")),
                                                               upcoming=array(ref("Event")),
                                                               past=array(ref("Event")))),
    "POST /api/events": Operation("schedule an event", ADMIN, ANY_OBJECT, ref("Event"), 201),
    "GET /api/events/{slug}": Operation("one event", answer=ref("Event")),
    "PATCH /api/events/{slug}": Operation("change an event", ADMIN, ANY_OBJECT, ref("Event")),
    "POST /api/events/{slug}/open": Operation("open an event (live)", DESK, answer=ref("Event")),
    "POST /api/events/{slug}/close": Operation("close an event and archive it to the board", DESK,
                                               answer=ref("Event")),
    "POST /api/events/{slug}/questions": Operation("ask a question (200: a repeated client_key's first receipt)",
                                                   body=ref("Ask"), answer=ref("Receipt"), status=201,
                                                   more={200: ref("Receipt")}),
    "GET /api/events/{slug}/queue": Operation("the staff queue", STAFF, answer=array(ref("StaffQuestion"))),
    "POST /api/events/{slug}/messages": Operation("a host message", DESK, obj("text", text=TEXT),
                                                  ref("HostMessage"), 201),
    "GET /api/events/{slug}/transcript": Operation("the public record", answer=ref("Transcript")),
    "GET /api/events/{slug}/audit": Operation("an event's audit entries", ADMIN, answer=array(ref("AuditEntry"))),
    "GET /api/events/{slug}/stats": Operation("the transparency counts", answer=ref("Stats")),
    "POST /api/events/{slug}/bulk": Operation("approve or reject many", DESK, ANY_OBJECT, obj(
        "action", "results", action=one_of("approve", "reject"), results=array({"oneOf": [
            obj("id", "ok", "question", id=INT, ok={"const": True}, question=ref("StaffQuestion")),
            obj("id", "ok", "error", id=INT, ok={"const": False}, error=SCHEMAS["Error"]["properties"]["error"])]}))),
    "GET /api/track/{code}": Operation("an asker's tracking view", answer=ref("Tracking")),
    "POST /api/track/{code}/retract": Operation("retract one's pending question", answer=obj(
        "question_id", "status", question_id=INT, status={"const": "retracted"})),
    "POST /api/questions/{id}/claim": Operation("claim a question at the desk", DESK, answer=obj(
        "question", "by", "expires_in", question=INT, by=TEXT, expires_in=NUMBER)),
    key("DELETE", "/api/questions/{id}/claim"): Operation("release one's claim", DESK, answer=obj(
        "question", "released", question=INT, released=BOOL)),
    "POST /api/questions/{id}/{action}": Operation("a question action", STAFF, ref("Action"),
                                                   ref("StaffQuestion")),
    "GET /api/reasons": Operation("the rejection reasons", answer=array(ref("Reason"))),
    "POST /api/reasons": Operation("add a rejection reason", ADMIN, ANY_OBJECT, ref("Reason"), 201),
    "PATCH /api/reasons/{code}": Operation("change a rejection reason", ADMIN, ANY_OBJECT, ref("Reason")),
    "GET /api/lexicon": Operation("the lexicon, a page at a time", ADMIN, answer=obj(
        "terms", "total", "categories", terms=array(ref("Term")), total=INT,
        categories=array(obj("category", "count", category=TEXT, count=INT)))),
    "POST /api/lexicon": Operation("add a term", ADMIN, ANY_OBJECT, ref("Term"), 201),
    "POST /api/lexicon/import": Operation("import terms", ADMIN, ANY_OBJECT, obj(
        "added", "skipped", "removed", added=INT, skipped=INT, removed=INT)),
    "GET /api/lexicon/export": Operation("export the lexicon", ADMIN, answer=TEXT, media="text/plain"),
    key("DELETE", "/api/lexicon/{id}"): Operation("remove a term", ADMIN, answer=None, status=204, media="text/plain"),
    "GET /api/board/cases": Operation("search the board", answer=obj(
        "cases", "total", "page", "pages", "per_page", "sort", "terms", cases=array(ref("CaseSummary")),
        total=INT, page=INT, pages=INT, per_page=INT, sort=one_of("relevance", "date"), terms=TEXTS)),
    "GET /api/board/cases/{id}": Operation("one case", answer=ref("Case")),
    "GET /api/board/cases/{id}/audit": Operation("a case's audit entries", ADMIN, answer=array(ref("AuditEntry"))),
    "POST /api/board/cases/{id}/rating": Operation("rate a reply with the rating code",
                                                   body=obj("code", "rating", code=TEXT, rating=TEXT, comment=TEXT),
                                                   answer=ref("Case")),
    "POST /api/board/cases/{id}/{action}": Operation("a case action", STAFF, ANY_OBJECT, ref("Case")),
    "GET /api/board/submissions": Operation("pending board messages", DESK, answer=array(ref("Submission"))),
    "POST /api/board/submissions": Operation("write to the board (200: a repeated client_key's first receipt)", body=obj(
        "text", "client_key", text=TEXT, client_key=TEXT, nickname=TEXT, unit={"type": ["integer", "null"]}),
        answer=ref("SubmissionReceipt"), status=201, more={200: ref("SubmissionReceipt")}),
    "POST /api/board/submissions/{id}/{action}": Operation("approve or reject a board message", DESK, ANY_OBJECT,
                                                           ref("Submission")),
    "GET /api/board/track/{code}": Operation("a board message's tracking view", answer=obj(
        "tracking_code", "status", "submitted_at", "text_public", "reason", "case_id", "retractable",
        tracking_code=TEXT, status=one_of("pending", "approved", "rejected", "retracted"), submitted_at=TEXT,
        text_public=NULLABLE_TEXT, reason=NULLABLE_TEXT, case_id=NULLABLE_INT, retractable=BOOL)),
    "POST /api/board/track/{code}/retract": Operation("retract one's pending board message", answer=obj(
        "submission_id", "status", submission_id=INT, status={"const": "retracted"})),
    "GET /api/board/routing": Operation("cases waiting for a unit", DESK, answer=array(ref("CaseSummary"))),
    "GET /api/board/overdue": Operation("cases past their deadline", STAFF, answer=array(ref("CaseSummary"))),
    "GET /api/board/calendar": Operation("holidays and make-up working days", answer=array(ref("Day"))),
    "POST /api/board/calendar": Operation("set a day", ADMIN, ANY_OBJECT, ref("Day")),
    key("DELETE", "/api/board/calendar/{day}"): Operation("remove a day", ADMIN, answer=None, status=204),
    "GET /api/board/stats": Operation("the board's figures", answer=obj(
        "from", "to", "generated_at", "units", to=TEXT, generated_at=TEXT, units=array(UNIT_STATS),
        **{"from": TEXT})),
    "GET /api/board/ranking": Operation("the weekly ranking", answer=obj(
        "week", "title", "start", "end", "previous", "next", "generated_at", "units", week=TEXT, title=TEXT,
        start=TEXT, end=TEXT, previous=TEXT, next=TEXT, generated_at=TEXT, units=array(UNIT_STATS))),
    "GET /api/units/{id}/cases": Operation("a unit's cases", STAFF, answer=obj(
        "to_accept", "accepted", "reopened", "overdue", "replied",
        **{name: array(ref("CaseSummary")) for name in ("to_accept", "accepted", "reopened", "overdue", "replied")})),
    "GET /api/board/categories": Operation("the category tree", answer=array(obj(
        "id", "name", "parent", "level", "path", id=INT, name=TEXT, parent=NULLABLE_INT, level=INT, path=TEXT))),
    "GET /api/audit/head": Operation("the audit chain's head", answer=ref("AuditHead")),
    "GET /api/openapi.json": Operation("this document", answer=obj("openapi", "paths", "components")),
    "GET /api/asyncapi.json": Operation("the WebSocket frames as an AsyncAPI document",
                                        answer=obj("asyncapi", "channels", "components")),
    **{f"{method} /api/{{rest}}": Operation("any other /api path: 404 not_found", answer=ref("Error"), status=404)
       for method in ("GET", "POST", "PUT", "PATCH", "DELETE")},
}
"""Every (method, path) the app serves; paths with ``{name}`` parameters, without converters."""

PARAMETERS: dict[str, dict[str, Any]] = {
    "slug": {"type": "string", "minLength": 1, "maxLength": 80},
    "code": {"type": "string", "minLength": 1, "maxLength": 64},
    "id": ID,
    "username": {"type": "string", "minLength": 1, "maxLength": 40},
    "fmt": {"enum": ["md", "json", "csv"]},
    "day": {"type": "string", "format": "date"},
    "action": {"type": "string", "minLength": 1, "maxLength": 20},
    "rest": {"type": "string", "minLength": 1, "maxLength": 80},
    "kind": {"enum": ["svg", "png"]},
    "token": {"type": "string", "minLength": 1, "maxLength": 80},
}

CONVERTER = re.compile(r"\{(\w+):\w+\}")


def served(routes: Iterable[BaseRoute]) -> set[str]:
    """``"METHOD /path"`` for every route and method the app serves (HEAD aside)."""
    found: set[str] = set()
    for route in routes:
        if isinstance(route, Route) and route.methods:
            path = CONVERTER.sub(r"{\1}", route.path)
            for method in route.methods - {"HEAD"}:
                found.add(f"{method} {path}")
    return found


def missing(routes: Iterable[BaseRoute]) -> set[str]:
    """Served but not documented."""
    return served(routes) - set(OPERATIONS)


def stale(routes: Iterable[BaseRoute]) -> set[str]:
    """Documented but not served."""
    return set(OPERATIONS) - served(routes)


def _answer(summary: str, media: str | tuple[str, ...], schema: dict[str, Any] | None) -> dict[str, Any]:
    """One documented answer: its media types with the schema (a string for media other than JSON),
    or no content at all (``schema`` ``None``: 204, redirects)."""
    if schema is None:
        return {"description": summary}
    kinds = (media,) if isinstance(media, str) else media
    return {"description": summary,
            "content": {kind: {"schema": schema if kind.endswith("json") else TEXT} for kind in kinds}}


def _operation(key: str, op: Operation) -> dict[str, Any]:
    method, path = key.split(" ", 1)
    names = re.findall(r"\{(\w+)\}", path)
    item: dict[str, Any] = {
        "operationId": re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_"),
        "summary": op.summary,
        "tags": list(op.tags or (("api",) if path.startswith("/api/") else ("site",))),
        "parameters": [{"name": name, "in": "path", "required": True, "schema": PARAMETERS[name]}
                       for name in names],
        "responses": {
            str(op.status): _answer(op.summary, op.media, op.answer),
            **{str(status): _answer(op.summary, "application/json", schema) for status, schema in op.more.items()},
            "default": {"description": "a refusal: 4xx with a documented error code (an error page outside "
                                       "/api/)", "content": (
                {"application/json": {"schema": ref("Error")}} if path.startswith("/api/") else
                {"text/html": {"schema": TEXT}})},
        },
    }
    if op.auth:
        item["description"] = "Staff: " + ", ".join(op.auth) + ". Writes need the X-CSRF-Token header."
        item["security"] = [{"session": [], "csrf": []}] if method != "GET" else [{"session": []}]
    if op.body is not None:
        item["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    return item


def document(routes: Iterable[BaseRoute], server: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of the documented routes the app serves, in path order."""
    paths: dict[str, dict[str, Any]] = {}
    for key in sorted(served(routes) & set(OPERATIONS), key=lambda k: (k.split(" ", 1)[1], k)):
        method, path = key.split(" ", 1)
        paths.setdefault(path, {})[method.lower()] = _operation(key, OPERATIONS[key])
    return {
        "openapi": "3.1.0",
        "info": {"title": "网络问政 · 在线访谈 API", "version": "1",
                 "description": "The public and staff HTTP contract; prose in docs/api.md. Every refusal "
                                "answers {\"error\": {\"code\", \"message\"}} with a code of Error."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "studio_session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"},
            },
        },
    }
