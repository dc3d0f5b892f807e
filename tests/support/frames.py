"""Frames checked against the AsyncAPI document: every frame the tests' WebSocket clients receive,
and the client frames a test sends through :func:`send_checked`."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from typing import Any

import jsonschema_rs
from websockets.sync.client import ClientConnection

from studio.web import asyncapi

DOCUMENT = asyncapi.document()
RECEIVED: Counter[str] = Counter()
"""How many frames of each type the tests' clients received in this test process."""
SENT: Counter[tuple[str, str]] = Counter()
"""How many client frames of each (socket, type) went through :func:`send_checked`."""


@cache
def validator(message: str) -> Any:
    """A JSON Schema validator of the payload of the document's message ``message``."""
    return jsonschema_rs.Draft202012Validator({
        "$ref": f"#/components/messages/{message}/payload", "components": DOCUMENT["components"]})


def check(message: str, frame: Any) -> None:
    """Fail unless ``frame`` matches the payload of the document's message ``message``."""
    try:
        validator(message).validate(frame)
    except jsonschema_rs.ValidationError as error:
        raise AssertionError(f"frame is not the AsyncAPI document's {message}: {error}\n"
                             f"{json.dumps(frame, ensure_ascii=False)[:2000]}") from None


def check_server_frame(text: str) -> dict[str, Any]:
    """The frame in ``text``, once it is a documented server frame matching its type's payload."""
    frame = json.loads(text)
    assert isinstance(frame, dict) and frame.get("type") in asyncapi.SERVER_FRAMES, f"undocumented frame: {text[:500]}"
    check(f"server.{frame['type']}", frame)
    RECEIVED[frame["type"]] += 1
    return frame


def check_client_frame(socket: str, frame: dict[str, Any]) -> None:
    """Fail unless ``frame`` is one the ``socket`` accepts, as the document describes it."""
    assert frame.get("type") in asyncapi.CLIENT_FRAMES[socket], f"not a {socket} frame: {frame}"
    check(f"{socket}.{frame['type']}", frame)


def send_checked(ws: ClientConnection, socket: str, frame: dict[str, Any]) -> None:
    """Send a client frame after checking it against the document."""
    check_client_frame(socket, frame)
    ws.send(json.dumps(frame, ensure_ascii=False))
    SENT[socket, frame["type"]] += 1


class CheckedConnection(ClientConnection):
    """A WebSocket client that checks every text frame it receives against the AsyncAPI document."""

    def recv(self, timeout: float | None = None, decode: bool | None = None) -> Any:
        message = super().recv(timeout, decode)
        if isinstance(message, str):
            check_server_frame(message)
        return message
