"""One live WebSocket connection: admission, the feed pump, client frames, and how it closes.

Each connection subscribes first, then sends its snapshot (or the replay after
``since``), then forwards the live frames it has not already sent, filling any
``seq`` gap from its :class:`Feed` (the store on the owner, the Redis stream on
an edge). Sends go through the hub's bounded buffer: a connection that falls
behind is closed with 4000 and resumes with ``since``. Bad frames get an
``error`` frame; too many close 1008. The sockets themselves are in
:mod:`studio.live.audience`, :mod:`studio.live.staff` and :mod:`studio.live.tracker`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any, Protocol
from urllib.parse import parse_qsl

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from broadcast import Message, SlowConsumer, Subscription
from broadcast.wire import shared_text_frame, text_frame
from studio.accounts.sessions import origin_allowed, own_origin
from studio.errors import ApiError, number_text
from studio.inputs import load_json
from studio.live.protocol import FastSend, fast_send
from studio.ratelimit import TokenBucket
from studio.settings import Settings
from studio.store.database import encode

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


class Host(Protocol):
    """What a connection needs from the process serving it: the owner's ``Studio``, or an edge."""

    settings: Settings
    connections: Counter[str]
    """Open WebSocket connections per client address."""
    joins: asyncio.Semaphore
    """Bounds the connections being set up at once (the handshake's answer, the snapshot or
    replay): a crowd arriving is served a few at a time, so frames to those already watching
    wait for a few joins, not for all of them."""


class Feed(Protocol):
    """Where an event's public frames are read again: the store on the owner, the Redis stream on an edge."""

    async def resume(self, event_id: int, since: int) -> list[Message] | None:
        """Every frame after ``since`` up to the latest, in order; ``None`` when the feed cannot
        resume from there (it no longer holds them all, or ``since`` is not this event's)."""
        ...

    async def changes(self, event_id: int, after: int, upto: int | None) -> list[Message] | None:
        """The frames with ``after < seq <= upto`` (no bound for ``None``) in order; ``None`` when
        the feed no longer holds all of them."""
        ...

    async def snapshot(self, event_id: int) -> tuple[int, str]:
        """The encoded audience snapshot and the ``seq`` it stands at."""
        ...


class Connection:
    """One accepted socket: serialised sends, frame limits, and the feed pump."""

    def __init__(self, websocket: WebSocket, host: Host, feed: Feed | None = None) -> None:
        self.websocket = websocket
        self.host = host
        self.feed = feed
        self.address = client_address(websocket)
        self._send_lock = asyncio.Lock()
        settings = host.settings
        self.frames = TokenBucket(settings.frame_burst, settings.frames_per_second)
        self.bad_frames = TokenBucket(BAD_FRAME_BURST, BAD_FRAMES_PER_SECOND)
        self.fast = fast_send(websocket.scope)
        self._position: FastSend | Position = self.fast if self.fast is not None else Position()
        self._subscription: Subscription | None = None

    @property
    def last_seq(self) -> int:
        """The ``seq`` of the last frame sent (kept by the fast path, which the hub advances itself)."""
        return self._position.last_seq

    @last_seq.setter
    def last_seq(self, value: int) -> None:
        self._position.last_seq = value

    async def send(self, text: str, *, shared: bool = False) -> None:
        """Write the frame at once when little is waiting for the client, else wait for it to drain.
        ``shared``: many connections send this very text (a snapshot), framed once for all."""
        fast = self.fast
        if fast is not None and not fast.protocol.close_sent and fast.write(
                shared_text_frame(text) if shared else text_frame(text)):
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
        """Send the feed's frames after ``after`` (up to ``upto``), in order; a gap the feed can no
        longer fill ends the connection (the client resumes)."""
        assert self.feed is not None
        frames = await self.feed.changes(event_id, after, upto)
        if frames is None:
            raise ConnectionError("the feed no longer holds every frame after this point")
        for message in frames:
            await self.send(message.text)
            self.last_seq = message.seq or self.last_seq

    async def start(self, event_id: int, since: int | None) -> None:
        """Replay after ``since`` when the feed can resume from there, else send a fresh snapshot."""
        assert self.feed is not None
        if since is not None and since >= 0:
            frames = await self.feed.resume(event_id, since)
            if frames is not None:
                self.last_seq = since
                for message in frames:
                    await self.send(message.text)
                    self.last_seq = message.seq or self.last_seq
                return
        seq, text = await self.feed.snapshot(event_id)
        self.last_seq = seq
        await self.send(text, shared=True)

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
                subscription.lane = self.fast
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
        settings = self.host.settings
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
                frame = load_json(text)
            except ApiError as exc:
                await self.error(exc.code, exc.message)
                continue
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


class Position:
    """Where a connection without the fast send path stands in the feed."""

    __slots__ = ("last_seq",)

    def __init__(self) -> None:
        self.last_seq = 0


class PolicyViolation(Exception):
    """The client sent too many bad frames in a burst: the connection closes with 1008."""


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


async def refuse(websocket: WebSocket, code: int, reason: str, *, accept: bool = False) -> None:
    """Close a socket the server will not serve (after accepting it, so the client sees the code);
    a client already gone is not an error."""
    with contextlib.suppress(WebSocketDisconnect):
        if accept:
            await websocket.accept()
        await websocket.close(code, reason)


@contextlib.asynccontextmanager
async def admit(websocket: WebSocket, host: Host) -> AsyncIterator[bool]:
    """Origin allow-list and per-address connection limit, checked before accepting; yields
    whether the socket was accepted (else it is closed: 4003 foreign origin, 1008 too many).

    The address's slot is taken before the first ``await`` and held until the block ends, so
    sockets opened all at once cannot all pass the check before any of them is counted.
    """
    settings = host.settings
    address = client_address(websocket)
    connections = host.connections
    origin = websocket.headers.get("origin")
    if not origin_allowed(origin, own_origin(websocket.url.scheme, websocket.headers),
                          settings.allowed_origins):
        await refuse(websocket, CLOSE_FORBIDDEN, "origin not allowed", accept=True)
        yield False
        return
    limit = settings.max_connections_per_address
    if limit and connections[address] >= limit:
        await refuse(websocket, CLOSE_POLICY, "too many connections from this address", accept=True)
        yield False
        return
    connections[address] += 1
    try:
        try:
            async with host.joins:
                await websocket.accept()
        except WebSocketDisconnect:
            yield False  # the client left during its handshake
        else:
            yield True
    finally:
        connections[address] -= 1
        if connections[address] <= 0:
            del connections[address]


@contextlib.asynccontextmanager
async def serving(conn: Connection) -> AsyncIterator[None]:
    """Serve an admitted socket: a client that left is let go, a broken feed resumes."""
    try:
        yield
    except WebSocketDisconnect:
        pass
    except ConnectionError:
        await conn.close(CLOSE_RESUME, "resume")


async def on_ping(conn: Connection, frame: dict[str, Any]) -> None:
    await conn.send_frame({"type": "pong"})


def parse_since(websocket: WebSocket) -> int | None:
    """``?since=N``: the last ``seq`` the client saw (0 or more); ``None`` when absent or not such a number."""
    query = websocket.scope.get("query_string", b"").decode("latin-1")
    found = [value for key, value in parse_qsl(query, keep_blank_values=True) if key == "since"]
    # the last one counts, as in Starlette's query_params (not used: it stays on the socket)
    return number_text(found[-1] if found else None, 0)
