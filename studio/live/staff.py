"""The staff console socket ``/ws/events/{slug}/staff``: the public feed, the console's own
channels, presence, and question actions (``action``).

Moderators and admins follow the moderators' channel (every question, with the
original text and flags); officials follow their unit's channel and the one
for questions to no unit. The socket closes 4003 once the staff session ends:
every action re-checks the session first (answering ``forbidden``), and a
sign-out, deactivation or password reset wakes the account's sockets at once
(:class:`~studio.runtime.StaffSockets`).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.websockets import WebSocket

from broadcast import Subscription
from moderation.lifecycle import Action, Role
from studio import channels
from studio.accounts.access import event_actor, works_on
from studio.accounts.sessions import COOKIE_NAME
from studio.desk import claims
from studio.errors import ApiError, whole_number
from studio.events import questions
from studio.events.console import staff_snapshot
from studio.live.connection import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    Connection,
    SessionEnded,
    admit,
    on_ping,
    parse_since,
    refuse,
    run_connection,
    serving,
)
from studio.live.feed import StoreFeed
from studio.runtime import Presence, Studio, studio_of
from studio.store.events import event_row


async def staff_socket(websocket: WebSocket) -> None:
    studio = studio_of(websocket.app)
    async with admit(websocket, studio) as admitted:
        if admitted:
            await _staff(websocket, studio)


async def _staff(websocket: WebSocket, studio: Studio) -> None:
    cookie = websocket.cookies.get(COOKIE_NAME)
    session = await studio.sessions.session(cookie)
    if session is None:
        await refuse(websocket, CLOSE_FORBIDDEN, "sign in first")
        return
    staff = session.staff
    async with studio.db.read() as tx:
        event = await event_row(tx, websocket.path_params["slug"])
        actor = await event_actor(tx, event["id"], staff) if event is not None else None
    if event is None or actor is None:
        await refuse(websocket, CLOSE_NOT_FOUND, "no such event")
        return
    if not works_on(actor):
        await refuse(websocket, CLOSE_FORBIDDEN, "not staff of this event")
        return
    event_id = event["id"]
    if staff.role is Role.OFFICIAL:
        feeds = [channels.officials(event_id, staff.unit_id), channels.officials(event_id, None)]
    else:
        feeds = [channels.moderators(event_id)]
    conn = Connection(websocket, studio, StoreFeed(studio))

    async def on_action(c: Connection, frame: dict[str, Any]) -> None:
        current = await studio.sessions.session(cookie)
        if current is None:
            await c.send_frame({"type": "error", "code": "forbidden", "message": "登录已失效，请重新登录",
                                "ref": frame.get("ref")})
            raise SessionEnded
        name = str(frame.get("action", "")).replace("-", "_")
        try:
            action = Action(name)
        except ValueError:
            raise ApiError("invalid", f"未知操作：{name}", field="action") from None
        question_id = whole_number(frame.get("question"), "question", "question 须为提问编号")
        result = await questions.act(studio.db, studio.clock, current.staff, question_id, action, frame,
                                     max_chars=studio.settings.max_question_chars)
        await c.send_frame({"type": "action.ok", "ref": frame.get("ref"), "question": result})

    key = id(conn)
    try:
        with studio.staff_sockets.watch(staff.id) as wake:
            async with serving(conn), studio.hub.subscribe(channels.public(event_id), *feeds) as subscription:
                studio.presence.setdefault(event_id, {})[key] = Presence(staff.username, staff.role.value)
                await studio.publish_presence(event_id)
                await conn.start(event_id, parse_since(websocket))
                async with studio.db.read() as reader:
                    opening = await staff_snapshot(reader, event_id, actor, staff,
                                                   studio.presence_list(event_id))
                await conn.send_frame(opening)
                feed = staff_feed(conn, studio, subscription, event_id, cookie, wake)
                await run_connection(conn, subscription, feed, {"action": on_action, "ping": on_ping})
    finally:
        studio.presence.get(event_id, {}).pop(key, None)
        with contextlib.suppress(Exception):
            await studio.publish_presence(event_id)
        if staff.role is not Role.OFFICIAL:
            with contextlib.suppress(Exception):
                await claims.release_all(studio.db, event_id, staff.username)


async def staff_feed(conn: Connection, studio: Studio, subscription: Subscription, event_id: int,
                     cookie: str | None, wake: asyncio.Event) -> None:
    """The event's frames, for as long as the staff session stays valid: re-checked every
    ``staff_session_check`` seconds, and at once when ``wake`` is set (a session of the account
    ended, :class:`~studio.runtime.StaffSockets`)."""

    async def watch_session() -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), studio.settings.staff_session_check)
            wake.clear()
            if await studio.sessions.session(cookie) is None:
                raise SessionEnded

    async with asyncio.TaskGroup() as group:
        group.create_task(conn.pump(subscription, event_id))
        group.create_task(watch_session())
