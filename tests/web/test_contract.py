"""The machine-readable contract: the OpenAPI and AsyncAPI documents list every route and frame of
the code, and property-based runs against a live server (schemathesis over the OpenAPI document,
hypothesis over WebSocket frames) find no server error, only documented refusals, and answers that
match the document (status, media type and body schema)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from websockets.exceptions import ConnectionClosed

from studio.app import create_app
from studio.events import screen
from studio.events.changes import BACK_FRAME, PUBLIC_FRAME, UNPUBLISHED
from studio.live.audience import audience_handlers
from studio.settings import Settings
from studio.web import asyncapi, openapi
from support.clients import Studio, recv_until, running_studio

STATUSES: list[int] = []
"""The status of every answer the schemathesis run got."""
ROOT = Path(__file__).resolve().parents[2]
APP = create_app(Settings(db_path=":memory:"))
EXAMPLES = settings(max_examples=5, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
FRAMES = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
"""Schemathesis's checks of each answer: no 5xx, a documented status and media type, a body of the schema."""
CLOSE_CODES = {1000, 1007, 1008, 1009}
"""How the server may close a hostile client's socket (docs/api.md): policy, not UTF-8, too large."""


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own with a live event and a few questions."""
    with running_studio(tmp_path_factory.mktemp("contract")) as studio:
        yield studio


def frame_types_in_code() -> set[str]:
    """Every ``"type": "…"`` the server's code writes, and the frames named by constant or table."""
    found: set[str] = set()
    for path in (ROOT / "studio").rglob("*.py"):
        if path.parent.name == "web" and path.name in ("openapi.py", "schemas.py", "asyncapi.py"):
            continue
        found |= set(re.findall(r'"type": "([a-z_.]+)"', path.read_text()))
    return found | set(PUBLIC_FRAME.values()) | set(BACK_FRAME.values()) | {UNPUBLISHED, screen.FRAME}


def handler_names(module: str) -> set[str]:
    """The client frame types a socket module hands to ``run_connection``."""
    text = (ROOT / "studio" / "live" / f"{module}.py").read_text()
    table = re.search(r"run_connection\(.*?(\{[^{}]*\})\)", text, re.S)
    assert table is not None, module
    return set(re.findall(r'"(\w+)":', table.group(1)))


def test_openapi_lists_every_route_and_method() -> None:
    """Every route and method the app serves has its operation, and no operation lacks a route."""
    assert openapi.missing(APP.routes) == set()
    assert openapi.stale(APP.routes) == set()
    doc = openapi.document(APP.routes)
    assert doc["openapi"] == "3.1.0"
    listed = {f"{method.upper()} {path}" for path, item in doc["paths"].items() for method in item}
    assert listed == openapi.served(APP.routes)


def test_asyncapi_lists_every_frame() -> None:
    """The frame types in the code are exactly the documented server frames and those that stay
    between processes; each socket's handler table is exactly its documented client frames."""
    assert not set(asyncapi.SERVER_FRAMES) & set(asyncapi.INTERNAL_FRAMES)
    assert frame_types_in_code() == set(asyncapi.SERVER_FRAMES) | set(asyncapi.INTERNAL_FRAMES)
    handlers = audience_handlers(None, "x", 1, None)  # type: ignore[arg-type]
    assert set(handlers) == set(asyncapi.CLIENT_FRAMES["audience"])
    assert handler_names("staff") == set(asyncapi.CLIENT_FRAMES["staff"])
    assert handler_names("tracker") == set(asyncapi.CLIENT_FRAMES["tracker"])
    doc = asyncapi.document()
    assert doc["asyncapi"] == "3.0.0"
    assert {channel["address"] for channel in doc["channels"].values()} == {
        route.path for route in APP.routes if type(route).__name__ == "WebSocketRoute"}


def test_documents_are_served(live: Studio) -> None:
    """Both documents are served as JSON, the OpenAPI one from the running app's routes."""
    with live.server.http() as client:
        served = client.get("/api/openapi.json").json()
        assert served["paths"] == json.loads(json.dumps(openapi.document(APP.routes)["paths"]))
        assert client.get("/api/asyncapi.json").json()["asyncapi"] == "3.0.0"


def refusal_is_documented(response: Any) -> None:
    """A 4xx JSON answer carries ``{"error": {"code", "message"}}`` with a documented code."""
    content_type = response.headers.get("content-type") or [""]
    if 400 <= response.status_code < 500 and content_type[0].startswith("application/json"):
        body = response.json()
        assert body["error"]["code"] in openapi.ERROR_CODES, body
        assert isinstance(body["error"]["message"], str)


def viewer_still_served(studio: Studio, slug: str) -> None:
    """A normal viewer connects and gets the snapshot; the home page answers."""
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        assert recv_until(ws, "snapshot")["event"]["slug"] == slug
    with studio.server.http() as client:
        assert client.get("/").status_code == 200


def test_schemathesis_over_the_openapi_document(live: Studio) -> None:
    """Every operation with generated path values, queries and bodies, as an admin: no 5xx, every
    answer's status, media type and body as documented, every refusal a documented error code;
    afterwards a viewer is still served."""
    slug = live.new_event()
    live.ask(slug, "契约测试的问题")
    with live.server.http() as client:
        raw = client.get("/api/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    admin = live.admin
    headers = {"X-CSRF-Token": admin.csrf}
    cookies = dict(admin.client.cookies.items())
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/logout":
            continue

        @EXAMPLES
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call(base_url=live.server.base, headers=headers, cookies=cookies, timeout=10,
                                 allow_redirects=False)
            case.validate_response(response, checks=CHECKS)
            refusal_is_documented(response)
            STATUSES.append(response.status_code)

        check()
        ran += 1
    assert ran == len(openapi.served(APP.routes)) - 1
    assert any(status < 300 for status in STATUSES) and any(400 <= status < 500 for status in STATUSES)
    viewer_still_served(live, slug)


def client_frame() -> st.SearchStrategy[Any]:
    """Frames of every documented type and others, with random fields, sizes and values."""
    names = [name for frames in asyncapi.CLIENT_FRAMES.values() for name in frames]
    values = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
              | st.floats(allow_nan=False) | st.text(max_size=200) | st.lists(st.integers(), max_size=3))
    fields = st.dictionaries(st.sampled_from(["text", "client_key", "question", "nickname", "unit", "ref",
                                              "action", "version"]) | st.text(max_size=6), values, max_size=6)
    typed = st.builds(lambda kind, rest: {**rest, "type": kind},
                      st.sampled_from(names) | st.text(max_size=12), fields)
    return typed | values | fields


def encoded(frame: Any, how: str) -> str | bytes:
    """The frame as JSON text, as UTF-8 bytes in a binary frame, or as raw bytes that are not UTF-8."""
    text = json.dumps(frame, ensure_ascii=how == "ascii")
    if how == "binary":
        return text.encode()
    if how == "latin":
        return text.encode("utf-16")
    return text


def exchange(ws: Any, frames: list[tuple[Any, str]], greeting: str) -> None:
    """After ``greeting``, send the frames then a ping; every answer up to the pong must be a documented
    frame (errors with a documented code), or the socket closes with a documented close code."""
    recv_until(ws, greeting)
    try:
        for frame, how in frames:
            ws.send(encoded(frame, how))
            if how == "latin":
                break
        ws.send(json.dumps({"type": "ping"}))
        while True:
            answer = json.loads(ws.recv(timeout=5))
            assert answer["type"] in asyncapi.SERVER_FRAMES, answer
            if answer["type"] == "error":
                assert answer["code"] in openapi.ERROR_CODES, answer
            if answer["type"] == "pong":
                break
    except ConnectionClosed as closed:
        assert closed.rcvd is not None and closed.rcvd.code in CLOSE_CODES, closed


SEQUENCES = st.lists(st.tuples(client_frame(), st.sampled_from(["ascii", "utf8", "binary", "latin"])),
                     min_size=1, max_size=6)


@pytest.fixture(scope="module")
def sockets(live: Studio) -> dict[str, str]:
    """An event with a pending question, for the three sockets."""
    slug = live.new_event()
    return {"slug": slug, "code": live.ask(slug, "套接字测试的问题")["tracking_code"]}


@FRAMES
@given(frames=SEQUENCES, socket=st.sampled_from(["audience", "staff", "tracker"]))
def test_hypothesis_over_socket_frames(live: Studio, sockets: dict[str, str], frames: list[tuple[Any, str]],
                                       socket: str) -> None:
    """Random sequences of frames (types, fields, sizes, encodings, orders) on the audience, staff
    (as an admin) and tracker sockets: only documented frames, error codes and close codes; a
    viewer is still served afterwards."""
    slug = sockets["slug"]
    if socket == "audience":
        with live.server.ws(f"/ws/events/{slug}") as ws:
            exchange(ws, frames, "snapshot")
    elif socket == "staff":
        with live.admin.staff_ws(slug) as ws:
            exchange(ws, frames, "staff.snapshot")
    else:
        with live.server.ws(f"/ws/track/{sockets['code']}") as ws:
            exchange(ws, frames, "track")
    viewer_still_served(live, slug)


def test_ask_frame_from_the_document_is_accepted(live: Studio) -> None:
    """A frame built from the AsyncAPI document's ask shape is stored (the documented happy path)."""
    slug = live.new_event()
    with live.server.ws(f"/ws/events/{slug}") as ws:
        recv_until(ws, "snapshot")
        ws.send(json.dumps({"type": "ask", "text": "按文档发出的提问", "client_key": str(uuid.uuid4())}))
        assert recv_until(ws, "ask.ok")["question_id"] > 0
    with httpx.Client(base_url=live.server.base) as client:
        assert client.get(f"/api/events/{slug}/stats").json()["received"] == 1
