"""The app class: WebSocket scopes go straight to their route, HTTP through the middleware."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from studio.live.dispatch import App

PASSED: list[str] = []


class Noting:
    """A middleware that notes every scope type passing through it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        PASSED.append(scope["type"])
        await self.app(scope, receive, send)


async def page(request: Any) -> PlainTextResponse:
    return PlainTextResponse("page")


async def socket(websocket: WebSocket) -> None:
    assert websocket.app is websocket.scope["app"]
    await websocket.accept()
    await websocket.send_text("hello")
    await websocket.close()


def make_app() -> App:
    return App(routes=[Route("/", page), WebSocketRoute("/ws", socket)], middleware=[Middleware(Noting)])


async def run(app: App, scope: dict[str, Any], incoming: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect", "code": 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@pytest.mark.asyncio
async def test_a_socket_is_served_without_passing_the_middleware() -> None:
    """The WebSocket route answers; the middleware never sees the socket's scope."""
    PASSED.clear()
    app = make_app()
    scope = {"type": "websocket", "path": "/ws", "raw_path": b"/ws", "root_path": "", "query_string": b"",
             "headers": [], "scheme": "ws", "server": ("testserver", 80), "client": ("127.0.0.1", 1),
             "subprotocols": []}
    sent = await run(app, scope, [{"type": "websocket.connect"}])
    assert [m["type"] for m in sent] == ["websocket.accept", "websocket.send", "websocket.close"]
    assert sent[1]["text"] == "hello"
    assert scope["app"] is app
    assert PASSED == []


@pytest.mark.asyncio
async def test_an_http_request_still_passes_the_middleware() -> None:
    """HTTP requests go through the whole stack as before."""
    PASSED.clear()
    scope = {"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "root_path": "",
             "query_string": b"", "headers": [], "scheme": "http", "server": ("testserver", 80),
             "client": ("127.0.0.1", 1), "http_version": "1.1"}
    sent = await run(make_app(), scope, [{"type": "http.request", "body": b"", "more_body": False}])
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"page"
    assert PASSED == ["http"]
