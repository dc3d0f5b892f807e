"""The application class: WebSocket connections go straight to their route.

The middleware around the app (security headers, the last-resort 500,
Starlette's exception handlers and error pages) shapes HTTP answers and lets a
socket pass through untouched — but each layer it passes through stays on the
socket's call stack, a coroutine and its closures kept alive for as long as the
socket is open, and walked by every full garbage collection. At tens of
thousands of viewers that is a few million objects and, for a crowd joining,
part of every handshake's cost. So :class:`App` routes ``websocket`` scopes
through a router holding only the app's own ``WebSocketRoute`` entries (the same
objects, from the same route list) and everything else through the full stack.
A socket's own code answers its errors with close codes (``studio.live``); an
exception none caught reaches uvicorn, which closes the socket with 1011 and
logs it, as it did behind the middleware.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.routing import Router, WebSocketRoute
from starlette.types import Receive, Scope, Send


class App(Starlette):
    """Starlette, with WebSocket scopes dispatched past the middleware (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sockets = Router(routes=[route for route in self.routes if isinstance(route, WebSocketRoute)])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope["app"] = self
            await self.sockets(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
