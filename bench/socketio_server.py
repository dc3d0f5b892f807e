"""The comparison server for bench/fanout.py: python-socketio (ASGI) on uvicorn, one room.

Every client joins the room ``bench`` on connect; ``POST /emit`` with a JSON
body emits it as event ``msg`` to the room (what a python-socketio live feed
would do for each change).

    python bench/socketio_server.py PORT
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import socketio
import uvicorn

background: set[asyncio.Task[None]] = set()
sio = socketio.AsyncServer(async_mode="asgi", cors_allowed_origins="*", transports=["websocket"])


@sio.event
async def connect(sid: str, environ: dict[str, Any]) -> None:
    await sio.enter_room(sid, "bench")


async def emit_endpoint(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    # Answer at once, as the studio's API does: the fan-out runs in the background.
    task = asyncio.create_task(sio.emit("msg", json.loads(body), room="bench"))
    background.add(task)
    task.add_done_callback(background.discard)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


sio_app = socketio.ASGIApp(sio)


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == "/emit":
        await emit_endpoint(scope, receive, send)
    elif scope["type"] == "http" and scope["path"] == "/healthz":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
    else:
        await sio_app(scope, receive, send)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), ws="websockets-sansio",
                ws_per_message_deflate=False, log_level="warning", backlog=4096)
