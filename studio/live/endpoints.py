"""Live WebSocket endpoints: the audience feed, the staff console feed, an asker's tracker.

Each connection subscribes first, then sends its snapshot (or the replay after
``since``) read from the store, then forwards the live frames it has not
already sent, filling any ``seq`` gap from the store. Sends go through the
hub's bounded buffer: a connection that falls behind is closed with 4000 and
resumes with ``since``. Bad frames get an ``error`` frame; too many close 1008.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from broadcast import Message, SlowConsumer, Subscription
from broadcast.wire import text_frame
from moderation.lifecycle import Action, Actor, Role, Status, may_see
from studio import channels
from studio.accounts.access import event_actor, works_on
from studio.accounts.directory import Staff
from studio.accounts.sessions import COOKIE_NAME, origin_allowed, own_origin
from studio.accounts.viewer import viewer_of
from studio.desk import claims
from studio.errors import ApiError, whole_number
from studio.events import questions
from studio.events.feed import snapshot, tracking
from studio.live.protocol import fast_send
from studio.ratelimit import TokenBucket
from studio.runtime import Presence, Studio, studio_of
from studio.shapes import staff_question
from studio.store.database import encode
from studio.store.events import event_row
from studio.store.questions import QUESTION_SELECT

log = logging.getLogger(__name__)

CLOSE_RESUME = 4000
CLOSE_FORBIDDEN = 4003
CLOSE_NOT_FOUND = 4004
CLOSE_POLICY = 1008
BAD_FRAME_BURST = 20
BAD_FRAMES_PER_SECOND = 0.1
"""Twenty bad frames in a row close the connection; the budget refills one every ten seconds,
so an honest client's occasional error over a two-hour event never adds up to a close."""
CLOSE_TIMEOUT = 2.0

Handler = Callable[["Connection", dict[str, Any]], Awaitable[None]]


def client_address(websocket: WebSocket) -> str:
    return websocket.client.host if websocket.client else "unknown"


class Connection:
    """One accepted socket: serialised sends, frame limits, and the feed pump."""

    def __init__(self, websocket: WebSocket, studio: Studio) -> None:
        self.websocket = websocket
        self.studio = studio
        self.address = client_address(websocket)
        self._send_lock = asyncio.Lock()
        settings = studio.settings
        self.frames = TokenBucket(settings.frame_burst, settings.frames_per_second)
        self.bad_frames = TokenBucket(BAD_FRAME_BURST, BAD_FRAMES_PER_SECOND)
        self.last_seq = 0
        self.fast = fast_send(websocket.scope)
        self._subscription: Subscription | None = None

    async def send(self, text: str) -> None:
        """Write the frame at once when little is waiting for the client, else wait for it to drain."""
        fast = self.fast
        if fast is not None and not fast.protocol.close_sent and fast.write(text_frame(text)):
            return
        async with self._send_lock:
            await self.websocket.send_text(text)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(encode(frame))

    async def error(self, code: str, message: str, **extra: Any) -> None:
        """Answer a bad frame; past the bad-frame budget the connection is closed with 1008."""
        await self.send_frame({"type": "error", "code": code, "message": message, **extra})
        if self.bad_frames.take(time.monotonic()):
            raise PolicyViolation("too many bad frames")

    async def close(self, code: int, reason: str = "") -> None:
        if self.websocket.application_state == WebSocketState.DISCONNECTED:
            return
        if self.fast is not None:
            self.fast.close(code, reason)
            return
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.websocket.close(code, reason), CLOSE_TIMEOUT)

    async def replay(self, event_id: int, after: int, upto: int | None = None) -> None:
        """Send the stored changes after ``after`` (up to ``upto``), in order."""
        sql = "SELECT seq, frame FROM changes WHERE event_id = ? AND seq > ?"
        params: list[Any] = [event_id, after]
        if upto is not None:
            sql += " AND seq <= ?"
            params.append(upto)
        async with self.studio.db.read() as conn:
            rows = await conn.fetchall(sql + " ORDER BY seq", params)
        for row in rows:
            await self.send(row["frame"])
            self.last_seq = row["seq"]

    def _direct(self, message: Message) -> bool:
        """Fast path: write a frame now if it is the next one; refuse a gap (the pump fills it)."""
        if message.seq is not None:
            if message.seq <= self.last_seq:
                return True
            if message.seq != self.last_seq + 1:
                return False
        assert self.fast is not None and self._subscription is not None
        if not self.fast.write(message.wire):
            self._subscription.drop("slow")
            return True
        if message.seq is not None:
            self.last_seq = message.seq
        return True

    async def pump(self, subscription: Subscription, event_id: int | None) -> None:
        """Forward live frames: skip what was already sent, fill ``seq`` gaps from the store.

        Once caught up (nothing buffered), frames are written directly as the hub
        fans them out; a gap or a full buffer falls back to this loop.
        """
        self._subscription = subscription
        if self.fast is not None:
            self.fast.on_stuck = lambda: subscription.drop("stuck")
        while True:
            if self.fast is not None and event_id is not None and subscription.pending() == 0:
                subscription.direct = self._direct
            message = await subscription.get()
            if message.seq is not None and event_id is not None:
                if message.seq <= self.last_seq:
                    continue
                if message.seq > self.last_seq + 1:
                    await self.replay(event_id, self.last_seq, message.seq - 1)
                self.last_seq = message.seq
            await self.send(message.text)

    async def receive_frames(self, handlers: dict[str, Handler]) -> None:
        """Read client frames until the client leaves; answer each bad one with an error."""
        settings = self.studio.settings
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text = message.get("text")
            if text is None:
                await self.error("bad_json", "只接受 JSON 文本帧")
                continue
            if len(text.encode()) > settings.max_frame_bytes:
                await self.error("too_large", f"消息不能超过 {settings.max_frame_bytes} 字节")
                continue
            if settings.rate_limits:
                wait = self.frames.take(time.monotonic())
                if wait:
                    await self.error("too_fast", "发送太快，请稍后再试", retry_after=round(wait, 1))
                    continue
            try:
                frame = json.loads(text)
            except ValueError:
                frame = None
            if not isinstance(frame, dict):
                await self.error("bad_json", "消息须为 JSON 对象")
                continue
            kind = frame.get("type")
            handler = handlers.get(kind) if isinstance(kind, str) else None
            if handler is None:
                await self.error("unknown_type", f"未知的消息类型：{frame.get('type')!r}")
                continue
            try:
                await handler(self, frame)
            except ApiError as exc:
                extra = {"client_key": frame["client_key"]} if "client_key" in frame else {}
                if "ref" in frame:
                    extra["ref"] = frame["ref"]
                await self.error(exc.code, exc.message, **extra, **exc.extra)


class PolicyViolation(Exception):
    pass


class SessionEnded(Exception):
    """The staff member signed out, or their account was deactivated or its password reset."""


async def run_connection(
    conn: Connection,
    subscription: Subscription,
    feed: Coroutine[Any, Any, None],
    handlers: dict[str, Handler],
) -> None:
    """Run the feed and the receiver until either ends; close with a code telling the client what to do."""
    pump = asyncio.create_task(feed)
    receive = asyncio.create_task(conn.receive_frames(handlers))
    def stop_pump(reason: str) -> None:
        pump.cancel()

    subscription.on_drop = stop_pump
    try:
        done, _ = await asyncio.wait({pump, receive}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pump, receive):
            task.cancel()
        for task in (pump, receive):
            with contextlib.suppress(BaseException):
                await task
    code, reason = 1000, ""
    for task in done:
        exc = task.exception() if not task.cancelled() else None
        if isinstance(exc, BaseExceptionGroup):
            exc = exc.exceptions[0]
        if isinstance(exc, SessionEnded):
            code, reason = CLOSE_FORBIDDEN, "session ended"
        elif isinstance(exc, PolicyViolation):
            code, reason = CLOSE_POLICY, str(exc)
        elif isinstance(exc, SlowConsumer) or (task is pump and task.cancelled()):
            code, reason = CLOSE_RESUME, "resume"
        elif exc is not None and not isinstance(exc, WebSocketDisconnect):
            log.error("connection failed", exc_info=exc)
            code, reason = CLOSE_RESUME, "resume"
    if subscription.dropped is not None:
        code, reason = CLOSE_RESUME, f"resume ({subscription.dropped})"
    await conn.close(code, reason)


async def admit(websocket: WebSocket, studio: Studio) -> bool:
    """Origin allow-list and per-address connection limit, checked before accepting."""
    settings = studio.settings
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, own_origin(websocket.url.scheme, websocket.headers),
                          settings.allowed_origins):
        await websocket.accept()
        await websocket.close(CLOSE_FORBIDDEN, "origin not allowed")
        return False
    limit = settings.max_connections_per_address
    if limit and studio.connections[client_address(websocket)] >= limit:
        await websocket.accept()
        await websocket.close(CLOSE_POLICY, "too many connections from this address")
        return False
    await websocket.accept()
    return True


@contextlib.asynccontextmanager
async def serving(conn: Connection) -> AsyncIterator[None]:
    """Count the socket against its address; a client that left is let go, a broken feed resumes."""
    connections = conn.studio.connections
    connections[conn.address] += 1
    try:
        yield
    except WebSocketDisconnect:
        pass
    except ConnectionError:
        await conn.close(CLOSE_RESUME, "resume")
    finally:
        connections[conn.address] -= 1
        if connections[conn.address] <= 0:
            del connections[conn.address]


async def on_ping(conn: Connection, frame: dict[str, Any]) -> None:
    await conn.send_frame({"type": "pong"})


async def send_start(conn: Connection, event: Any, since: int | None) -> None:
    """Replay after ``since`` when the store holds it, else a fresh snapshot."""
    studio = conn.studio
    if since is not None and 0 <= since <= event["seq"]:
        conn.last_seq = since
        await conn.replay(event["id"], since)
        return
    async with studio.db.read() as reader:
        fresh = await reader.fetchone("SELECT * FROM events WHERE id = ?", (event["id"],))
        seq, text = studio.cached_snapshot(fresh["id"], fresh["seq"])
        if text is None:
            frame = await snapshot(reader, fresh, studio.viewers(event["id"]))
            seq, text = frame["seq"], encode(frame)
            studio.keep_snapshot(fresh["id"], seq, text)
    conn.last_seq = seq
    await conn.send(text)


def parse_since(websocket: WebSocket) -> int | None:
    value = websocket.query_params.get("since")
    if value is None or not value.lstrip("-").isdigit():
        return None
    return int(value)


async def audience_socket(websocket: WebSocket) -> None:
    studio = studio_of(websocket.app)
    if not await admit(websocket, studio):
        return
    async with studio.db.read() as reader:
        event = await event_row(reader, websocket.path_params["slug"])
    if event is None:
        await websocket.close(CLOSE_NOT_FOUND, "no such event")
        return
    conn = Connection(websocket, studio)
    voter = viewer_of(websocket.cookies, studio) or f"conn:{secrets.token_urlsafe(12)}"
    event_id = event["id"]
    slug = event["slug"]

    async def on_ask(c: Connection, frame: dict[str, Any]) -> None:
        if studio.settings.rate_limits:
            now = time.monotonic()
            wait = studio.limits.ask(voter, c.address, now)
            if wait:
                raise ApiError("too_fast", "提问太频繁，请稍后再试", retry_after=round(wait, 1))
        try:
            receipt = await questions.ask(
                studio.db, studio.clock, slug=slug, body=frame,
                max_chars=studio.settings.max_question_chars, viewer=voter, address=c.address,
                screener=studio.screener,
            )
        except ApiError:
            raise
        except Exception:
            log.exception("storing a question failed")
            raise ApiError("internal", "提问未能保存，请重新发送") from None
        await c.send_frame({"type": "ask.ok", "client_key": frame["client_key"], **receipt.body()})

    async def on_vote(c: Connection, frame: dict[str, Any]) -> None:
        question_id = whole_number(frame.get("question"), "question", "question 须为提问编号")
        if studio.settings.rate_limits:
            wait = studio.limits.vote(voter, c.address, time.monotonic())
            if wait:
                raise ApiError("too_fast", "操作太频繁，请稍后再试", retry_after=round(wait, 1))
        if not await studio.votes.vote(event_id, question_id, voter):
            raise ApiError("not_found", "没有这个已公开的提问")
        await c.send_frame({"type": "vote.ok", "question": question_id})

    handlers: dict[str, Handler] = {"ask": on_ask, "vote": on_vote, "ping": on_ping}
    studio.audience[event_id] += 1
    try:
        async with serving(conn), studio.hub.subscribe(channels.public(event_id)) as subscription:
            await send_start(conn, event, parse_since(websocket))
            await run_connection(conn, subscription, conn.pump(subscription, event_id), handlers)
    finally:
        studio.audience[event_id] -= 1


async def staff_socket(websocket: WebSocket) -> None:
    studio = studio_of(websocket.app)
    if not await admit(websocket, studio):
        return
    session = await studio.sessions.session(websocket.cookies.get(COOKIE_NAME))
    if session is None:
        await websocket.close(CLOSE_FORBIDDEN, "sign in first")
        return
    staff = session.staff
    async with studio.db.read() as tx:
        event = await event_row(tx, websocket.path_params["slug"])
        actor = await event_actor(tx, event["id"], staff) if event is not None else None
    if event is None or actor is None:
        await websocket.close(CLOSE_NOT_FOUND, "no such event")
        return
    if not works_on(actor):
        await websocket.close(CLOSE_FORBIDDEN, "not staff of this event")
        return
    event_id = event["id"]
    if staff.role is Role.OFFICIAL:
        feeds = [channels.officials(event_id, staff.unit_id), channels.officials(event_id, None)]
    else:
        feeds = [channels.moderators(event_id)]
    conn = Connection(websocket, studio)

    async def on_action(c: Connection, frame: dict[str, Any]) -> None:
        name = str(frame.get("action", "")).replace("-", "_")
        try:
            action = Action(name)
        except ValueError:
            raise ApiError("invalid", f"未知操作：{name}", field="action") from None
        question_id = whole_number(frame.get("question"), "question", "question 须为提问编号")
        result = await questions.act(studio.db, studio.clock, staff, question_id, action, frame,
                                     max_chars=studio.settings.max_question_chars)
        await c.send_frame({"type": "action.ok", "ref": frame.get("ref"), "question": result})

    key = id(conn)
    try:
        async with serving(conn), studio.hub.subscribe(channels.public(event_id), *feeds) as subscription:
            studio.presence.setdefault(event_id, {})[key] = Presence(staff.username, staff.role.value)
            await studio.publish_presence(event_id)
            await send_start(conn, event, parse_since(websocket))
            await conn.send_frame(await staff_snapshot(studio, event_id, actor, staff))
            feed = staff_feed(conn, subscription, event_id, websocket.cookies.get(COOKIE_NAME))
            await run_connection(conn, subscription, feed, {"action": on_action, "ping": on_ping})
    finally:
        studio.presence.get(event_id, {}).pop(key, None)
        with contextlib.suppress(Exception):
            await studio.publish_presence(event_id)
        if staff.role is not Role.OFFICIAL:
            with contextlib.suppress(Exception):
                await claims.release_all(studio.db, event_id, staff.username)


async def staff_feed(
    conn: Connection, subscription: Subscription, event_id: int, cookie: str | None
) -> None:
    """The event's frames, for as long as the staff session stays valid."""

    async def watch_session() -> None:
        while True:
            await asyncio.sleep(conn.studio.settings.staff_session_check)
            if await conn.studio.sessions.session(cookie) is None:
                raise SessionEnded

    async with asyncio.TaskGroup() as group:
        group.create_task(conn.pump(subscription, event_id))
        group.create_task(watch_session())


async def staff_queue(studio: Studio, event_id: int, actor: Actor) -> list[dict[str, Any]]:
    async with studio.db.read() as reader:
        rows = await reader.fetchall(
            QUESTION_SELECT + " WHERE q.event_id = ? ORDER BY q.id", (event_id,)
        )
    return [
        staff_question(row, moderation=actor.role is not Role.OFFICIAL)
        for row in rows
        if may_see(actor, Status(row["status"]), row["unit_id"])
    ]


async def staff_snapshot(studio: Studio, event_id: int, actor: Actor, staff: Staff) -> dict[str, Any]:
    return {
        "type": "staff.snapshot",
        "me": {"username": staff.username, "role": staff.role.value,
               "unit": {"id": staff.unit_id, "name": staff.unit_name} if staff.unit_id else None},
        "queue": await staff_queue(studio, event_id, actor),
        "presence": studio.presence_list(event_id),
        "claims": await active_claims(studio, event_id) if actor.role is not Role.OFFICIAL else [],
    }


async def active_claims(studio: Studio, event_id: int) -> list[dict[str, Any]]:
    async with studio.db.read() as reader:
        return await claims.active_claims(reader, event_id)


async def track_socket(websocket: WebSocket) -> None:
    studio = studio_of(websocket.app)
    if not await admit(websocket, studio):
        return
    code = websocket.path_params["code"]
    async with studio.db.read() as reader:
        view = await tracking(reader, code)
    if view is None:
        await websocket.close(CLOSE_NOT_FOUND, "no such tracking code")
        return
    conn = Connection(websocket, studio)

    async with serving(conn), studio.hub.subscribe(channels.question(view["question_id"])) as subscription:
        await send_tracking(conn, code)
        await run_connection(conn, subscription, track_pump(conn, subscription, code), {"ping": on_ping})


async def send_tracking(conn: Connection, code: str) -> None:
    async with conn.studio.db.read() as reader:
        view = await tracking(reader, code)
    if view is not None:
        await conn.send_frame({"type": "track", **view})


async def track_pump(conn: Connection, subscription: Subscription, code: str) -> None:
    """Each nudge on the question's channel becomes a fresh ``track`` frame."""
    while True:
        await subscription.get()
        await send_tracking(conn, code)
