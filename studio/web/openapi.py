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

from studio.web.schemas import (
    ANY_OBJECT,
    BOOL,
    ID,
    INT,
    NULLABLE_INT,
    NULLABLE_TEXT,
    NUMBER,
    SCHEMAS,
    TEXT,
    TEXTS,
    UNIT_STATS,
    array,
    obj,
    one_of,
    ref,
)
from studio.web.schemas import (
    ERROR_CODES as ERROR_CODES,
)

ANYONE: tuple[str, ...] = ()
STAFF = ("admin", "moderator", "official")
SUPERVISION = ("admin", "supervisor")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DESK = ("admin", "moderator")
ADMIN = ("admin",)




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
    "GET /media/{token}.jpg": Operation("a photo on a message (re-encoded JPEG): public once its message is",
                                        answer=TEXT, media="image/jpeg"),
    "GET /board": page("the board: search and list cases"),
    "GET /board/cases/{id}": page("one board case"),
    "GET /board/new": page("write to the board"),
    "GET /board/track/{code}": page("a board message's tracking page"),
    "POST /board/track/{code}/retract": form("retract one's pending board message (the tracking page's button)"),
    "GET /board/ranking": page("the weekly ranking of the units"),
    "GET /board/ranking.xlsx": Operation("the weekly ranking as a spreadsheet", answer=TEXT,
                                         media="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "GET /board/feed.atom": Operation("newly replied cases (Atom)", answer=TEXT, media="application/atom+xml"),
    "GET /audit/feed.atom": Operation("the audit chain's head as each event closed (Atom)", answer=TEXT,
                                      media="application/atom+xml"),
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
    "GET /studio/supervision": page("the supervision console (督办台)", SUPERVISION),
    "GET /studio/supervision/report": page("the weekly supervision report, printable", SUPERVISION),
    "GET /studio/supervision/report.xlsx": Operation("the weekly supervision report as a spreadsheet", SUPERVISION,
                                                     answer=TEXT, media=XLSX),
    "GET /studio/topics": page("hot topics of a week or an event, with a heat chart", STAFF),
    "GET /healthz": Operation("liveness and the store's answer", answer=obj("status", status={"const": "ok"}),
                              more={503: obj("status", status={"const": "unavailable"})}),
    "PUT /api/staff/{username}/photo": Operation("a guest's photo (the image bytes as the body: JPEG, PNG or WebP)",
                                                 ADMIN, answer=obj("username", "photo", "width", "height", username=TEXT,
                                                                photo=TEXT, width=INT, height=INT)),
    key("DELETE", "/api/staff/{username}/photo"): Operation("remove a guest's photo", ADMIN, answer=None, status=204,
                                                    media="text/plain"),
    "POST /api/photos": Operation("upload one photo for a message (the image bytes as the body: JPEG, PNG, "
                                  "WebP or HEIC)", answer=ref("Upload"), status=201),
    "POST /api/photos/{token}/{action}": Operation("hide, show, approve or blur one photo", DESK, obj(
        reason=TEXT, x=INT, y=INT, width=INT, height=INT), ref("Photo")),
    "POST /api/board/track/{code}/photos": Operation("add photos to one's open case (they await a moderator)",
                                                     body=obj("photos", photos=array(TEXT)), answer=obj(
                                                         "case_id", "added", case_id=INT, added=INT, state=TEXT)),
    "GET /api/board/photos": Operation("photos added to open cases, awaiting a moderator", DESK,
                                       answer=array(ref("Photo"))),
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
    "POST /api/contacts/verify": Operation("verify the contact left with a tracking code by its one-time code",
                                           body=obj("tracking_code", "code", tracking_code=TEXT, code=TEXT),
                                           answer=ref("ContactStatus")),
    "POST /api/contacts/resend": Operation("a new one-time code for the contact left with a tracking code",
                                           body=obj("tracking_code", tracking_code=TEXT),
                                           answer=ref("ContactStatus")),
    "GET /api/notifications": Operation("the notifications' outbox (?status=pending|sent|dead)", ADMIN,
                                        answer=obj("counts", "notifications", counts=ANY_OBJECT,
                                                   notifications=array(ANY_OBJECT))),
    "POST /api/notifications/{id}/retry": Operation("put a dead notification back in the outbox", ADMIN,
                                                    answer=obj("id", "status", id=INT, status=TEXT)),
    "PUT /api/units/{id}/email": Operation("the e-mail address a unit's daily digest goes to", ADMIN,
                                           obj("email", email=TEXT), obj("id", "email", id=INT, email=TEXT)),
    "GET /studio/notifications": page("the notifications' outbox and dead-letter list", ADMIN),
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
    "POST /api/board/cases/{id}/support": Operation("同问 (我也遇到了): add one's voice to a case, once per viewer",
                                                    answer=obj("case_id", "supports", "supported", "counted",
                                                               case_id=INT, supports=INT, supported=BOOL,
                                                               counted=BOOL)),
    "POST /api/board/cases/{id}/{action}": Operation("a case action", STAFF, ANY_OBJECT, ref("Case")),
    "GET /api/board/supervision": Operation("every unit's overdue and 不满意 cases (query: unit, kind)", SUPERVISION,
                                            answer=obj("cases", "counts", cases=array(ANY_OBJECT),
                                                       counts=ANY_OBJECT)),
    "GET /api/board/supervision/report": Operation("the weekly supervision report (query: week)", SUPERVISION,
                                                   answer=ANY_OBJECT),
    "GET /api/board/cases/{id}/supervision": Operation("a case's urgings and follow-ups", SUPERVISION,
                                                       answer=ref("Supervision")),
    "POST /api/board/cases/{id}/urge": Operation("an urging notice (督办) to the case's unit", SUPERVISION,
                                                 obj("text", text=TEXT), ref("Supervision"), 201),
    "POST /api/board/cases/{id}/follow-ups": Operation(
        "a follow-up call or meeting and its outcome", SUPERVISION,
        obj("kind", "outcome", kind={"enum": ["call", "meeting"]}, outcome=TEXT), ref("Supervision"), 201),
    "GET /api/board/submissions": Operation("pending board messages", DESK, answer=array(ref("Submission"))),
    "POST /api/board/submissions": Operation("write to the board (200: a repeated client_key's first receipt)", body=obj(
        "text", "client_key", text=TEXT, client_key=TEXT, nickname=TEXT, unit={"type": ["integer", "null"]},
        contact=TEXT, photos=array(TEXT)),
        answer=ref("SubmissionReceipt"), status=201, more={200: ref("SubmissionReceipt")}),
    "POST /api/board/submissions/{id}/{action}": Operation("approve, reject or merge a board message", DESK, ANY_OBJECT,
                                                           ref("Submission")),
    "GET /api/board/track/{code}": Operation("a board message's tracking view", answer=obj(
        "tracking_code", "status", "submitted_at", "text_public", "reason", "case_id", "retractable",
        tracking_code=TEXT, status=one_of("pending", "approved", "merged", "rejected", "retracted"),
        submitted_at=TEXT, text_public=NULLABLE_TEXT, reason=NULLABLE_TEXT, case_id=NULLABLE_INT, retractable=BOOL,
        case={"type": ["object", "null"]}, actions=TEXTS, can_add_photos=BOOL, photos_shown=INT,
        photos_waiting=INT)),
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
    "GET /api/board/topics": Operation("a week's or an event's hot topics", answer=ANY_OBJECT),
    "GET /api/units/{id}/cases": Operation("a unit's cases", STAFF, answer=obj(
        "to_accept", "accepted", "reopened", "overdue", "replied",
        **{name: array(ref("CaseSummary")) for name in ("to_accept", "accepted", "reopened", "overdue", "replied")})),
    "GET /api/board/categories": Operation("the category tree", answer=array(obj(
        "id", "name", "parent", "level", "path", id=INT, name=TEXT, parent=NULLABLE_INT, level=INT, path=TEXT))),
    "GET /api/audit/head": Operation("the audit chain's head", answer=ref("AuditHead")),
    "GET /api/audit/entries": Operation(
        "the audit chain's links after an entry, numbers and hashes only (query: after ≥ 0, limit 1–1000)",
        answer=obj("entries", "head", entries=array(ref("AuditLink")), head=ref("AuditHead"))),
    "GET /api/audit/entries/{id}": Operation("one audit entry's number and hashes", answer=ref("AuditLink")),
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
