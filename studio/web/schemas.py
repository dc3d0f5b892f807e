"""The JSON Schemas of the HTTP contract's bodies: small builders and the shared components.

Policy: an answer's schema names every field the code writes, with its type; the fields always
present are required and ``null`` is allowed only where the code may write it. Objects stay open
(``docs/api.md``: new fields may appear, clients ignore what they do not know).
:mod:`studio.web.openapi` assembles the document from these and its operations.
"""

from __future__ import annotations

from typing import Any

from studio.errors import STATUS_OF_CODE

ERROR_CODES = sorted({*STATUS_OF_CODE, "internal", "unavailable", "unknown_type", "bad_rating_code",
                      "already_rated", "bad_code", "code_expired"})
"""Every ``error.code`` an answer or an ``error`` frame may carry."""


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
    "routed_at": NULLABLE_TEXT, "accepted_at": NULLABLE_TEXT, "supports": INT,
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
                 role=one_of("admin", "moderator", "official", "supervisor"), unit=MAYBE_UNIT, display_name=NULLABLE_TEXT,
                 title=TEXT, active=BOOL, csrf_token=TEXT),
    "Event": obj("slug", "title", "description", "status", "starts_at", "ends_at", "opened_at", "closed_at",
                 "accepting_questions", "collecting", "guests", "units", "video_url", "agenda",
                 slug=TEXT, collecting=BOOL, title=TEXT, description=TEXT,
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
                    answer=nullable(ref("Answer")), collected=BOOL, case_id=NULLABLE_INT,
                    photos=array(ref("Photo"))),
    "Flag": obj("kind", "start", "end", "text", kind=TEXT, start=INT, end=INT, text=TEXT, suggestion=TEXT,
                detail=TEXT, level=TEXT, question_id=INT, score=NUMBER),
    "StaffQuestion": obj("id", "status", "version", "text", "original_text", "flags", "priority", "unit",
                         "nickname", "votes", "asked_at", "reason", "merged_into", "hard", "answer", "case_id",
                         "handled", "collected",
                         id=INT, status=QUESTION_STATUSES, version=INT, text=TEXT, original_text=NULLABLE_TEXT,
                         flags=array(ref("Flag")), priority=INT, unit=MAYBE_UNIT, nickname=TEXT, votes=INT,
                         asked_at=TEXT, reason=NULLABLE_TEXT, merged_into=NULLABLE_INT, hard=BOOL,
                         answer=nullable(ref("Answer")), case_id=NULLABLE_INT,
                         handled=nullable(obj("by", "action", "at", by=TEXT, action=TEXT, at=TEXT)), collected=BOOL,
                         photos=array(ref("Photo"))),
    "HostMessage": obj("id", "text", "author", "at", id=INT, text=TEXT, author=TEXT, at=TEXT),
    "Screen": obj("show", show=one_of("on_air", "message", "question"), message=ref("HostMessage"),
                  question=ref("Question")),
    "Stats": obj("received", "published", "answered", "pending", "approved", "merged", "rejected", "retracted",
                 "rejected_by_reason", viewers=INT, received=INT, published=INT,
                 answered=INT, pending=INT, approved=INT, merged=INT, rejected=INT, retracted=INT,
                 rejected_by_reason=array(obj("code", "reason", "count", code=NULLABLE_TEXT, reason=TEXT, count=INT))),
    "Tracking": obj("tracking_code", "question_id", "event", "status", "followed_status", "text_public", "reason",
                    "merged_into", "withdrawn", "retractable", "timeline", "answer", "case", "actions",
                    tracking_code=TEXT, question_id=INT, event=EVENT_REF, status=QUESTION_STATUSES,
                    followed_status=QUESTION_STATUSES, text_public=NULLABLE_TEXT, reason=NULLABLE_TEXT,
                    merged_into=NULLABLE_INT, withdrawn=BOOL, retractable=BOOL,
                    timeline=array(obj("status", "at", status=TEXT, at=TEXT)),
                    answer=nullable(ref("Answer")),
                    case=nullable(obj("id", "kind", "status", "stage", "due_at", "unit", "supports", id=INT,
                                      kind=TEXT, status=TEXT, stage=TEXT, due_at=NULLABLE_TEXT, unit=MAYBE_UNIT,
                                      supports=INT)),
                    actions=TEXTS),
    "Receipt": obj("question_id", "tracking_code", "rating_code", question_id=INT, tracking_code=TEXT,
                   rating_code=TEXT, client_key=TEXT, contact=TEXT),
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
    "AuditLink": obj("entry", "prev_hash", "hash", "algorithm", entry=ID,
                     prev_hash={"type": "string", "pattern": "^[0-9a-f]{64}$"},
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
                      id=INT, status=one_of("pending", "approved", "merged", "rejected", "retracted"), text=TEXT,
                      original_text=TEXT, flags=array(ref("Flag")), nickname=TEXT, unit=MAYBE_UNIT,
                      submitted_at=TEXT, reason=NULLABLE_TEXT, case_id=NULLABLE_INT, retractable=BOOL,
                      photos=array(ref("Photo")),
                      merge_candidates=array(obj("id", "title", "supports", id=INT, title=TEXT, supports=INT))),
    "SubmissionReceipt": obj("submission_id", "tracking_code", "rating_code", submission_id=INT,
                             tracking_code=TEXT, rating_code=TEXT, contact=TEXT),
    "Supervision": obj("case_id", "urgings", "followups", case_id=INT,
                       urgings=array(obj("id", "unit", "text", "actor", "at", "replied_at", id=INT, unit=MAYBE_UNIT,
                                         text=TEXT, actor=TEXT, at=TEXT, replied_at=NULLABLE_TEXT)),
                       followups=array(obj("id", "unit", "kind", "label", "outcome", "actor", "at", id=INT,
                                           unit=MAYBE_UNIT, kind=one_of("call", "meeting"), label=TEXT,
                                           outcome=TEXT, actor=TEXT, at=TEXT))),
    "ContactStatus": obj("channel", "contact", "verified", channel=one_of("sms", "email"), contact=TEXT,
                         verified=BOOL, code_sent=BOOL),
    "Upload": obj("photo", "width", "height", photo={"type": "string", "pattern": "^[0-9a-f]{24}$"},
                  width=INT, height=INT),
    "Photo": obj("url", "width", "height", url=TEXT, width=INT, height=INT,
                 state=one_of("pending", "visible", "hidden")),
    "Reason": obj("code", "text", "active", "position", code=TEXT, text=TEXT, active=BOOL, position=INT),
    "Term": obj("id", "term", "category", "level", "added_by", "added_at", id=INT, term=TEXT, category=TEXT,
                level=one_of("block", "review"), added_by=NULLABLE_TEXT, added_at=TEXT),
    "Day": obj("day", "kind", "name", day=TEXT, kind=one_of("holiday", "workday"), name=TEXT),
    "Duty": obj("day", "units", day=TEXT, units=array(UNIT)),
    "UnitCategories": obj("unit", "categories", unit=UNIT, categories=array(CATEGORY_PATH)),
    "Ask": obj("text", "client_key", text={"type": "string", "minLength": 1, "maxLength": 2000},
               client_key={"type": "string", "minLength": 8, "maxLength": 64}, nickname={"type": "string", "maxLength": 20},
               unit={"type": ["integer", "null"]}, photos=array(TEXT),
               contact={"type": "string", "maxLength": 254}),
    "Action": obj("version", version=INT, text=TEXT, unit={"type": ["integer", "null"]}, hard=BOOL, reason=TEXT,
                  note=TEXT, into=INT, take_over=BOOL),
}
