"""The WebSocket contract as an AsyncAPI 3.0 document: the three sockets and every frame.

Policy: :data:`SERVER_FRAMES` holds every frame type the server sends to a
client, with its exact payload (every field the code writes, those always
present required, the enums the code has, and no other field); the shared
objects (Question, StaffQuestion, Event, Stats, Tracking …) are the HTTP
contract's (:mod:`studio.web.schemas`), closed the same way here. Frames that
travel only between server processes are :data:`INTERNAL_FRAMES`, never sent
to a client. :data:`CLIENT_FRAMES` is what each socket accepts (the server
ignores fields it does not know). The contract test compares these with the
frame types written in the code and the sockets' handler tables; the test
suite's WebSocket clients check every frame they receive against this
document, and a tour sees every server frame at least once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from moderation.lifecycle import Action
from studio.web.schemas import (
    BOOL,
    INT,
    NULLABLE_INT,
    NUMBER,
    SCHEMAS,
    TEXT,
    array,
    nullable,
    obj,
    one_of,
    ref,
)

ANY: dict[str, Any] = {}
"""Any JSON value (echoed from the client's frame as it was sent)."""
SEQ = {"type": "integer", "minimum": 1}
QUESTION = ref("Question")
CLAIM = obj("question", "by", "expires_in", question=INT, by=TEXT, expires_in=NUMBER)
PRESENCE = array(obj("username", "role", username=TEXT, role=TEXT))
ERROR_FIELDS: dict[str, Any] = SCHEMAS["Error"]["properties"]["error"]["properties"]
"""The fields of an HTTP error answer's ``error`` object, which an ``error`` frame carries at its top level."""
LIVE_STATS = SCHEMAS["Stats"] | {"required": ["viewers", *SCHEMAS["Stats"]["required"]]}
"""The counts as the live feed sends them: with the viewers watching."""
CHANGED_ACTIONS = one_of(*(action.value for action in Action), "photo", "votes")
"""``question.changed``'s ``action``: a lifecycle action, a change of photos, or +1s merged in."""


@dataclass(frozen=True)
class Frame:
    """A server frame: what it means, and its fields besides ``type`` (``seq`` among them when it has one)."""

    summary: str
    required: tuple[str, ...] = ()
    properties: dict[str, Any] | None = None
    variants: tuple[dict[str, Any], ...] = ()
    """Alternative field sets (one of them applies), each with its own required fields."""


def _change(summary: str, **fields: Any) -> Frame:
    """A public change frame: ``seq`` and these fields, all required."""
    return Frame(summary, ("seq", *fields), {"seq": SEQ, **fields})


SCREEN_VARIANTS = (
    obj("show", show={"const": "on_air"}),
    obj("show", "message", show={"const": "message"}, message=ref("HostMessage")),
    obj("show", "question", show={"const": "question"}, question=QUESTION),
)
"""What the big screen shows (``screen`` in the snapshot, the body of ``screen.show``)."""

SERVER_FRAMES: dict[str, Frame] = {
    "snapshot": Frame(
        "the event's state on connect", ("seq", "event", "on_air", "answered", "published", "messages", "stats",
                                         "screen"),
        {"seq": {"type": "integer", "minimum": 0}, "event": ref("Event"), "on_air": nullable(QUESTION),
         "answered": array(QUESTION), "published": array(QUESTION), "messages": array(ref("HostMessage")),
         "stats": LIVE_STATS, "screen": {"oneOf": list(SCREEN_VARIANTS)}}),
    "staff.snapshot": Frame(
        "staff only, after the snapshot: who it is, the queue, presence, claims", ("me", "queue", "presence", "claims"),
        {"me": obj("username", "role", "unit", username=TEXT, role=one_of("admin", "moderator", "official"),
                   unit=nullable(ref("UnitRef"))),
         "queue": array(ref("StaffQuestion")), "presence": PRESENCE, "claims": array(CLAIM)}),
    "question.published": _change("a question became public", question=QUESTION),
    "question.updated": _change("a public question's text, unit or photos changed", question=QUESTION),
    "question.on_air": _change("a question is being answered", question=QUESTION),
    "question.off_air": _change("back to the waiting list", question=QUESTION),
    "answer.posted": _change("a question was answered", question=QUESTION),
    "answer.corrected": _change("an answer was corrected", question=QUESTION),
    "question.transferred": _change("a question went to the board", question=QUESTION, case_id=NULLABLE_INT),
    "question.unpublished": _change("a public question was taken back for review", question_id=INT),
    "votes": _change("+1 counts of questions, by question id",
                     counts={"type": "object", "propertyNames": {"pattern": "^[0-9]+$"},
                             "additionalProperties": INT}),
    "host.message": _change("a host message", message=ref("HostMessage")),
    "event.status": _change("the event opened or closed", status=one_of("scheduled", "live", "closed"),
                            event=ref("Event")),
    "event.updated": _change("the event's details changed", event=ref("Event")),
    "screen.show": Frame("what the big screen shows from now on", ("seq",), {"seq": SEQ},
                         SCREEN_VARIANTS),
    "stats": Frame("viewers and the transparency counts (no seq)", (), {},
                   (LIVE_STATS,)),
    "question.submitted": Frame("staff: a new question in review", ("question",),
                                {"question": ref("StaffQuestion")}),
    "question.changed": Frame("staff: a question changed", ("question", "action", "by"),
                              {"question": ref("StaffQuestion"), "action": CHANGED_ACTIONS,
                               "by": {"type": ["string", "null"]}}),
    "presence": Frame("staff: who is at the desk", ("presence",), {"presence": PRESENCE}),
    "question.claimed": Frame("staff: a moderator claimed a question", ("question", "by", "expires_in"),
                              CLAIM["properties"]),
    "question.released": Frame("staff: a claim ended", ("question", "by", "why"),
                               {"question": INT, "by": TEXT,
                                "why": one_of("released", "handled", "left", "expired", "taken"),
                                "taken_by": TEXT}),
    "action.ok": Frame("staff: an action succeeded", ("ref", "question"),
                       {"ref": ANY, "question": ref("StaffQuestion")}),
    "ask.ok": Frame("audience: the question was stored (contact, masked, when one was left)",
                    ("client_key", "question_id", "tracking_code", "rating_code"),
                    {"client_key": TEXT, "question_id": INT, "tracking_code": TEXT, "rating_code": TEXT,
                     "contact": TEXT}),
    "vote.ok": Frame("audience: the +1 was taken", ("question",), {"question": INT}),
    "track": Frame("tracker: the asker's tracking view", (), {}, (SCHEMAS["Tracking"],)),
    "pong": Frame("the answer to ping"),
    "error": Frame("a refusal: a documented code, a message, and the frame's ref or client_key",
                   ("code", "message"), {**ERROR_FIELDS, "client_key": ANY, "ref": ANY}),
}
"""Every frame type the server sends to a client."""

INTERNAL_FRAMES: dict[str, str] = {
    "track.changed": "nudges the tracker sockets of a question, which send a fresh ``track``",
    "session.ended": "a staff session ended: every process re-checks its sockets of the account (closed 4003)",
}
"""Frame types that travel only between the server's processes."""

CLIENT_FRAMES: dict[str, dict[str, dict[str, Any]]] = {
    "audience": {
        "ask": {"required": ["type", "text", "client_key"],
                "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000},
                               "client_key": {"type": "string", "minLength": 8, "maxLength": 64},
                               "nickname": {"type": "string", "maxLength": 20},
                               "unit": {"type": ["integer", "null"]},
                               "contact": {"type": "string", "maxLength": 254},
                               "photos": {"type": "array", "maxItems": 6,
                                          "items": {"type": "string", "pattern": "^[0-9a-f]{24}$"}}}},
        "vote": {"required": ["type", "question"], "properties": {"question": {"type": "integer", "minimum": 1}}},
        "ping": {"required": ["type"], "properties": {}},
    },
    "staff": {
        "action": {"required": ["type", "action", "question", "version"],
                   "properties": {"action": one_of(*(action.value for action in Action)),
                                  "question": {"type": "integer", "minimum": 1},
                                  "version": INT, "ref": ANY, "text": TEXT, "unit": {"type": ["integer", "null"]},
                                  "hard": BOOL, "reason": TEXT, "note": TEXT, "into": INT, "take_over": BOOL}},
        "ping": {"required": ["type"], "properties": {}},
    },
    "tracker": {"ping": {"required": ["type"], "properties": {}}},
}
"""What each socket accepts; anything else answers ``error`` ``unknown_type``."""

SOCKETS = {
    "audience": ("/ws/events/{slug}", "the live feed of an event; resume with ?since=SEQ"),
    "staff": ("/ws/events/{slug}/staff", "the staff consoles (session cookie, allowed Origin)"),
    "tracker": ("/ws/track/{code}", "an asker's tracking view"),
}


def closed(schema: Any) -> Any:
    """A copy of ``schema`` whose objects with listed properties allow no other property."""
    if isinstance(schema, list):
        return [closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {key: closed(value) for key, value in schema.items()}
    if "properties" in found and "additionalProperties" not in found:
        found["additionalProperties"] = False
    if "properties" in schema:
        found["properties"] = {name: closed(value) for name, value in schema["properties"].items()}
    return found


def payload(name: str, frame: Frame) -> dict[str, Any]:
    """The exact JSON Schema of a server frame's body: ``type`` and its fields, nothing else."""
    base = obj("type", *frame.required, type={"const": name}, **(frame.properties or {}))
    if not frame.variants:
        body: dict[str, Any] = closed(base)
        return body
    variants: list[dict[str, Any]] = []
    for variant in frame.variants:
        merged = copy.deepcopy(base)
        merged["properties"].update(variant["properties"])
        merged["required"] = [*merged["required"], *variant.get("required", [])]
        variants.append(closed(merged))
    return variants[0] if len(variants) == 1 else {"oneOf": variants}


def shared_schemas(root: Any) -> dict[str, Any]:
    """The components of :data:`~studio.web.schemas.SCHEMAS` that ``root`` refers to, transitively, closed."""
    found: dict[str, Any] = {}
    todo = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            target = item.get("$ref")
            if isinstance(target, str) and target.startswith("#/components/schemas/"):
                name = target.rsplit("/", 1)[1]
                if name not in found:
                    found[name] = closed(SCHEMAS[name])
                    todo.append(SCHEMAS[name])
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return found


def _message(name: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "summary": description, "payload": body}


def document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the sockets and their frames."""
    messages: dict[str, Any] = {}
    for name, frame in SERVER_FRAMES.items():
        messages[f"server.{name}"] = _message(name, frame.summary, payload(name, frame))
    for socket, frames in CLIENT_FRAMES.items():
        for name, shape in frames.items():
            messages[f"{socket}.{name}"] = _message(name, f"sent by the client on the {socket} socket", {
                "type": "object", "required": shape["required"],
                "properties": {"type": {"const": name}, **shape["properties"]}})
    schemas = shared_schemas(messages)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for socket, (address, description) in SOCKETS.items():
        sent = {f"server.{name}": {"$ref": f"#/components/messages/server.{name}"} for name in SERVER_FRAMES}
        received = {f"{socket}.{name}": {"$ref": f"#/components/messages/{socket}.{name}"}
                    for name in CLIENT_FRAMES[socket]}
        channels[socket] = {"address": address, "description": description, "messages": {**sent, **received}}
        operations[f"{socket}.receive"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{socket}"},
            "messages": [{"$ref": f"#/channels/{socket}/messages/{key}"} for key in received]}
        operations[f"{socket}.frames"] = {
            "action": "receive", "channel": {"$ref": f"#/channels/{socket}"},
            "messages": [{"$ref": f"#/channels/{socket}/messages/{key}"} for key in sent]}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "网络问政 · 在线访谈 WebSockets", "version": "1",
                 "description": "Frames are JSON text; prose in docs/api.md. Server frames are described "
                                "exactly as this version sends them (no other field); clients should still "
                                "ignore fields they do not know, as later versions may add some."},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
