"""The WebSocket contract as an AsyncAPI 3.0 document: the three sockets and every frame.

Policy: :data:`SERVER_FRAMES` names every frame type the server sends and
:data:`CLIENT_FRAMES` every type each socket accepts; the contract test
compares them with the frame types written in the code and with the
sockets' handler tables, so a new frame without an entry fails it. Fields
are described loosely (those clients rely on; more may follow).
"""

from __future__ import annotations

from typing import Any

from studio.web.openapi import ERROR_CODES

SERVER_FRAMES: dict[str, str] = {
    "snapshot": "the event's state on connect: event, on air, published and answered questions, messages, stats",
    "staff.snapshot": "staff only, after the snapshot: me, the queue, presence, claims",
    "question.published": "a question became public",
    "question.updated": "a public question's text or unit changed",
    "question.on_air": "a question is being answered",
    "question.off_air": "back to the waiting list",
    "answer.posted": "a question was answered",
    "answer.corrected": "an answer was corrected",
    "question.transferred": "a question went to the board",
    "question.unpublished": "a public question was taken back for review",
    "votes": "+1 counts of questions",
    "host.message": "a host message",
    "event.status": "the event opened or closed",
    "event.updated": "the event's details changed",
    "stats": "viewers and the transparency counts",
    "question.submitted": "staff: a new question in review",
    "question.changed": "staff: a question changed (action, by)",
    "presence": "staff: who is at the desk",
    "question.claimed": "staff: a moderator claimed a question",
    "question.released": "staff: a claim ended",
    "action.ok": "staff: an action succeeded (ref, question)",
    "session.ended": "staff: the session ended; the socket closes with 4003",
    "ask.ok": "audience: the question was stored (client_key, tracking_code, rating_code, question_id; contact, masked, when one was left)",
    "vote.ok": "audience: the +1 was taken",
    "track": "tracker: the asker's tracking view",
    "track.changed": "internal nudge of the tracker socket (never sent to a client as such)",
    "pong": "the answer to ping",
    "error": "a refusal: code (one of the documented error codes), message, and ref or client_key",
}
"""Every frame type the server sends (``track.changed`` only travels between processes)."""

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
                   "properties": {"action": {"type": "string"}, "question": {"type": "integer", "minimum": 1},
                                  "version": {"type": "integer"}, "ref": {}, "text": {"type": "string"}}},
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


def _message(name: str, description: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "summary": description, "payload": payload}


def document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of the sockets and their frames."""
    messages: dict[str, Any] = {}
    for name, description in SERVER_FRAMES.items():
        payload: dict[str, Any] = {"type": "object", "required": ["type"],
                                   "properties": {"type": {"const": name}, "seq": {"type": "integer"}}}
        if name == "error":
            payload["properties"]["code"] = {"enum": ERROR_CODES}
            payload["required"] = ["type", "code", "message"]
        messages[f"server.{name}"] = _message(name, description, payload)
    for socket, frames in CLIENT_FRAMES.items():
        for name, shape in frames.items():
            messages[f"{socket}.{name}"] = _message(name, f"sent by the client on the {socket} socket", {
                "type": "object", "required": shape["required"],
                "properties": {"type": {"const": name}, **shape["properties"]}})
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
                 "description": "Frames are JSON text; prose in docs/api.md."},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }
