"""A fuzz of hostile requests against every route of the app and its sockets: each gets an answer,
none a 500, and the server logs no traceback and no error."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route, WebSocketRoute

from studio.app import create_app
from studio.settings import Settings
from support.clients import StaffClient, Studio, running_studio
from support.hostile import (
    FIELDS,
    HOSTILE_BODIES,
    HOSTILE_NUMBERS,
    HOSTILE_TEXTS,
    path_values,
    query_values,
)

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
APP = create_app(Settings(db_path=":memory:"))
HTTP_ROUTES = [(route.path, sorted(route.methods - {"HEAD"}))
               for route in APP.routes if isinstance(route, Route) and route.methods]
SOCKETS = [route.path for route in APP.routes if isinstance(route, WebSocketRoute)]


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio of its own, so its log holds only what the fuzz caused."""
    with running_studio(tmp_path_factory.mktemp("fuzz")) as studio:
        yield studio


@pytest.fixture(scope="module")
def scene(fuzzed: Studio) -> dict[str, Any]:
    """A live event with questions in several states, a closed one, and a board case."""
    slug = fuzzed.new_event()
    asked = [fuzzed.ask(slug, f"模糊测试问题{n}") for n in range(4)]
    fuzzed.mod1.act(fuzzed.question(slug, asked[0]["question_id"]), "approve")
    closed = fuzzed.new_event()
    kept = fuzzed.ask(closed, "会转到留言板的问题")
    fuzzed.mod1.act(fuzzed.question(closed, kept["question_id"]), "approve")
    fuzzed.admin.post(f"/api/events/{closed}/close")
    return {"slug": slug, "closed": closed, "tracking": asked[1]["tracking_code"],
            "ids": [a["question_id"] for a in asked]}


def fill(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value).replace("{" + name + ":int}", value)
        path = path.replace("{" + name + ":path}", value)
    return path


def encoded(body: Any) -> bytes:
    """Raw bytes as they are; anything else as JSON (lone surrogates as ``\\ud800`` escapes)."""
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def send(client: httpx.Client, method: str, path: str, body: Any, headers: dict[str, str],
         params: dict[str, str] | None = None) -> httpx.Response:
    return client.request(method, path, content=encoded(body), params=params,
                          headers={"content-type": "application/json", **headers})


def hostile_json() -> st.SearchStrategy[Any]:
    """JSON values of every shape, with the API's field names and the values that used to break it."""
    leaves = (st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
              | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40)
              | st.sampled_from(HOSTILE_TEXTS) | st.sampled_from(HOSTILE_NUMBERS))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=6),
                        max_leaves=20)


def hostile_body() -> st.SearchStrategy[Any]:
    """A body: a dict of the API's fields with hostile values, any JSON, or a raw hostile byte string."""
    fields = st.dictionaries(st.sampled_from(FIELDS), hostile_json(), max_size=8)
    return fields | hostile_json() | st.sampled_from(HOSTILE_BODIES)


def assert_answered(answer: httpx.Response, what: str) -> None:
    assert answer.status_code < 500, (what, answer.status_code, answer.text[:300])


def log_is_clean(studio: Studio) -> None:
    log = Path(studio.server.log).read_text()
    assert "Traceback" not in log and "ERROR" not in log, log[-3000:]


def test_every_route_answers_every_hostile_body(fuzzed: Studio, scene: dict[str, Any]) -> None:
    """Each route and method, as an admin and as nobody, with every fixed hostile body (the first
    path values) or the first three (the others): no 500."""
    admin = fuzzed.admin
    with fuzzed.server.http() as anonymous:
        for path, methods in HTTP_ROUTES:
            for index, values in enumerate(path_values(path, scene)):
                target = fill(path, values)
                for method in methods:
                    if target == "/api/logout":
                        continue
                    for body in HOSTILE_BODIES if index == 0 else HOSTILE_BODIES[:3]:
                        answer = send(admin.client, method, target, body, {"X-CSRF-Token": admin.csrf})
                        assert_answered(answer, f"{method} {target} {body!r:.80}")
                    assert_answered(send(anonymous, method, target, HOSTILE_BODIES[0], {}), f"{method} {target}")
    log_is_clean(fuzzed)


@FUZZ
@given(data=st.data())
def test_random_requests_never_end_in_a_server_error(fuzzed: Studio, scene: dict[str, Any], data: Any) -> None:
    """Random routes, path values, queries and bodies, as an admin, a guest or nobody: no 500."""
    path, methods = data.draw(st.sampled_from(HTTP_ROUTES))
    target = fill(path, data.draw(st.sampled_from(path_values(path, scene))))
    method = data.draw(st.sampled_from(methods))
    query = data.draw(st.dictionaries(st.sampled_from(list(query_values())), st.none(), max_size=4))
    params = {name: data.draw(st.sampled_from(query_values()[name])) for name in query}
    who = data.draw(st.sampled_from(["admin", "guest1", "anonymous"]))
    body = data.draw(hostile_body())
    if target == "/api/logout" and who != "anonymous":
        return
    client: StaffClient | None = getattr(fuzzed, who, None)
    if client is None:
        with fuzzed.server.http() as anonymous:
            answer = send(anonymous, method, target, body, {}, params)
    else:
        answer = send(client.client, method, target, body, {"X-CSRF-Token": client.csrf}, params)
    assert_answered(answer, f"{who} {method} {target} {params} {encoded(body)[:120]!r}")


def test_the_log_is_clean_after_the_random_requests(fuzzed: Studio) -> None:
    """After the random requests the server has logged no traceback and no error."""
    log_is_clean(fuzzed)


def socket_frames() -> st.SearchStrategy[str]:
    """Client frames: the known types with hostile fields, any JSON, and text that is not JSON."""
    typed = st.fixed_dictionaries({"type": st.sampled_from(["ask", "vote", "ping", "action", "x", ""])},
                                  optional={name: hostile_json() for name in FIELDS if name != "type"})
    as_text = (typed | hostile_json()).map(json.dumps)
    raw = [encoded(body).decode("utf-8", "replace") for body in HOSTILE_BODIES]
    return as_text | st.sampled_from([*raw, "{oops", "x" * 20_000, ""])


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frames=st.lists(socket_frames(), min_size=1, max_size=6), staff=st.booleans())
def test_hostile_frames_get_error_frames_not_a_broken_socket(fuzzed: Studio, scene: dict[str, Any],
                                                           frames: list[str], staff: bool) -> None:
    """Random frames on the audience and the admin's staff socket: the socket answers or closes
    for a stated reason (1008, 1009), never 4000 after a failure."""
    slug = scene["slug"]
    ws = fuzzed.admin.staff_ws(slug) if staff else fuzzed.server.ws(f"/ws/events/{slug}")
    try:
        for frame in frames:
            ws.send(frame)
        ws.send(json.dumps({"type": "ping", "ref": str(uuid.uuid4())}))
        while True:
            if json.loads(ws.recv(timeout=5))["type"] == "pong":
                break
    except Exception:
        assert ws.close_code in (1008, 1009), ws.close_code
    finally:
        ws.close()


def test_the_log_is_clean_after_the_frames(fuzzed: Studio) -> None:
    """After the hostile frames the server has logged no traceback and no error."""
    log_is_clean(fuzzed)
