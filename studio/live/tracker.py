"""The asker's tracker socket ``/ws/track/{code}``: a fresh ``track`` frame on every change."""

from __future__ import annotations

from starlette.websockets import WebSocket

from broadcast import Subscription
from studio import channels
from studio.events.feed import tracking
from studio.live.connection import (
    CLOSE_NOT_FOUND,
    Connection,
    admit,
    on_ping,
    refuse,
    run_connection,
    serving,
)
from studio.runtime import Studio, studio_of


async def track_socket(websocket: WebSocket) -> None:
    studio = studio_of(websocket.app)
    async with admit(websocket, studio) as admitted:
        if admitted:
            await _track(websocket, studio)


async def _track(websocket: WebSocket, studio: Studio) -> None:
    code = websocket.path_params["code"]
    async with studio.db.read() as reader:
        view = await tracking(reader, code)
    if view is None:
        await refuse(websocket, CLOSE_NOT_FOUND, "no such tracking code")
        return
    conn = Connection(websocket, studio)

    async with serving(conn), studio.hub.subscribe(channels.question(view["question_id"])) as subscription:
        await send_tracking(conn, studio, code)
        pump = track_pump(conn, studio, subscription, code)
        await run_connection(conn, subscription, pump, {"ping": on_ping})


async def send_tracking(conn: Connection, studio: Studio, code: str) -> None:
    async with studio.db.read() as reader:
        view = await tracking(reader, code)
    if view is not None:
        await conn.send_frame({"type": "track", **view})


async def track_pump(conn: Connection, studio: Studio, subscription: Subscription, code: str) -> None:
    """Each nudge on the question's channel becomes a fresh ``track`` frame."""
    while True:
        await subscription.get()
        await send_tracking(conn, studio, code)
