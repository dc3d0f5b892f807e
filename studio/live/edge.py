"""Audience-only edge: the live feed on a host that shares only Redis with the store's owner.

``studio edge --broadcast redis://…`` serves ``/ws/events/{slug}`` (and
``/healthz``) without a store:

- the snapshot is the one the owner caches in Redis (:mod:`studio.relay`),
  followed by the stream's frames after its ``seq``; ``?since=`` replays from
  the stream when it still holds every frame after ``since``, else a fresh
  snapshot; a gap the stream cannot fill sends the viewer away to resume (4000);
- ``ask`` is appended to ``studio:asks``; the owner stores it and replies on
  this edge's reply stream; ``ask.ok`` is sent only then, so only after the
  commit. No reply within ``ASK_TIMEOUT`` gives an ``unavailable`` error: the
  page sends the same ``client_key`` again, which never stores twice;
- ``vote`` is appended to ``studio:votes`` and answered ``vote.ok`` at once
  (the owner checks it, one per viewer and question, like a local one);
- viewers are tallied with every other process, so ``stats`` counts everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import redis.asyncio as aioredis
from itsdangerous import Signer
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from broadcast import Hub, Message
from broadcast.redis import RedisBackend
from studio import channels
from studio.accounts.viewer import VIEWER_COOKIE
from studio.errors import ApiError, whole_number
from studio.live import endpoints
from studio.live.protocol import lifespan_state
from studio.live.relay import ASKS, FORWARD_MAXLEN, VOTES, event_key, replies_key, snapshot_key
from studio.ratelimit import Limits
from studio.runtime import Studio, limits_of
from studio.settings import Settings, load_settings
from studio.store.database import encode

log = logging.getLogger(__name__)

ASK_TIMEOUT = 10.0


class StreamChangeLog:
    """The Redis stream as the hub's change log on an edge (it has no store)."""

    def __init__(self, backend: RedisBackend) -> None:
        self.backend = backend

    async def head(self, channel: str) -> int | None:
        return None

    async def changes(self, channel: str, after: int, upto: int | None) -> list[Message]:
        found = await self.backend.replay(channel, after)
        return [m for m in found or [] if upto is None or (m.seq or 0) <= upto]


@dataclass
class Edge:
    settings: Settings
    hub: Hub
    backend: RedisBackend
    edge_id: str = field(default_factory=lambda: secrets.token_hex(6))
    audience: Counter[int] = field(default_factory=Counter)
    connections: Counter[str] = field(default_factory=Counter)
    pending: dict[str, asyncio.Future[str]] = field(default_factory=dict)
    signer: Signer | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    limits: Limits | None = None
    """Asks and +1s per client and per address, as on the owner (None: limits off)."""

    async def event(self, slug: str) -> dict[str, Any] | None:
        raw = await self.backend.client.get(event_key(slug))
        return json.loads(raw) if raw else None

    async def snapshot(self, event_id: int) -> str | None:
        raw = await self.backend.client.get(snapshot_key(event_id))
        return str(raw) if raw else None

    async def replies(self) -> None:
        """Hand the owner's answers to the asks waiting on this edge."""
        key = replies_key(self.edge_id)
        position = "0-0"
        client = aioredis.Redis.from_url(self.backend.url, decode_responses=True, socket_timeout=11,
                                         socket_connect_timeout=2)
        failing = False
        while True:
            try:
                result: Any = await client.xread({key: position}, count=100, block=1000)
                failing = False
                for _, entries in result or []:
                    for entry_id, fields in entries:
                        position = entry_id
                        waiting = self.pending.get(fields.get("ref", ""))
                        if waiting is not None and not waiting.done():
                            waiting.set_result(fields["frame"])
            except asyncio.CancelledError:
                await client.aclose()
                raise
            except (RedisError, OSError) as exc:
                if not failing:
                    log.warning("reading replies failed (%s); retrying", exc)
                failing = True
                await asyncio.sleep(1)

    async def stats_loop(self) -> None:
        """Viewers tallied with every process, counts from the owner's snapshot; catch up lost frames."""
        last: dict[int, dict[str, int]] = {}
        while True:
            await asyncio.sleep(self.settings.stats_interval)
            for event_id in list(self.audience):
                try:
                    viewers = await self.backend.tally(f"viewers:{event_id}", self.audience[event_id])
                    raw = await self.snapshot(event_id)
                    if self.audience[event_id] <= 0:
                        del self.audience[event_id]
                        continue
                    if raw is None:
                        continue
                    cached = json.loads(raw)
                    await self.hub.catch_up(channels.public(event_id), int(cached["seq"]))
                    stats = {**cached["stats"], "viewers": viewers}
                    if last.get(event_id) != stats:
                        last[event_id] = stats
                        self.hub.deliver_local(Message(channels.public(event_id),
                                                       encode({"type": "stats", **stats})))
                except Exception:
                    log.exception("edge stats for event %s failed", event_id)


class EdgeConnection(endpoints.Connection):
    """A live connection whose replay comes from the Redis stream."""

    edge: Edge

    async def replay(self, event_id: int, after: int, upto: int | None = None) -> None:
        found = await self.edge.backend.replay(channels.public(event_id), after)
        if found is None:
            raise ConnectionError("the stream no longer holds every frame after this point")
        for message in found:
            if upto is not None and message.seq is not None and message.seq > upto:
                break
            await self.send(message.text)
            self.last_seq = message.seq or self.last_seq


def edge_of(app: Any) -> Edge:
    edge: Edge = app.state.edge
    return edge


async def edge_socket(websocket: WebSocket) -> None:
    edge = edge_of(websocket.app)
    studio = cast(Studio, edge)  # the connection helpers use only settings and connections
    if not await endpoints.admit(websocket, studio):
        return
    slug = websocket.path_params["slug"]
    try:
        event = await edge.event(slug)
    except RedisError:
        await websocket.close(endpoints.CLOSE_RESUME, "resume")
        return
    if event is None:
        await websocket.close(endpoints.CLOSE_NOT_FOUND, "no such event")
        return
    event_id = int(event["id"])
    conn = EdgeConnection(websocket, studio)
    conn.edge = edge
    voter = f"conn:{secrets.token_urlsafe(12)}"
    if edge.signer is not None and websocket.cookies.get(VIEWER_COOKIE):
        with contextlib.suppress(Exception):
            voter = "v:" + edge.signer.unsign(websocket.cookies[VIEWER_COOKIE]).decode()

    async def on_ask(c: endpoints.Connection, frame: dict[str, Any]) -> None:
        if edge.limits is not None:
            wait = edge.limits.ask(voter, c.address, time.monotonic())
            if wait:
                raise ApiError("too_fast", "提问太频繁，请稍后再试", retry_after=round(wait, 1))
        ref = secrets.token_hex(8)
        waiting: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        edge.pending[ref] = waiting
        try:
            await edge.backend.client.xadd(ASKS, {
                "edge": edge.edge_id, "ref": ref, "slug": slug, "body": json.dumps(frame),
                "viewer": voter, "address": c.address}, maxlen=FORWARD_MAXLEN, approximate=True)
            reply = await asyncio.wait_for(waiting, ASK_TIMEOUT)
        except (RedisError, OSError, TimeoutError):
            raise ApiError("unavailable", "提问暂未确认，请稍后重发（同一提问不会重复保存）") from None
        finally:
            edge.pending.pop(ref, None)
        await c.send(reply)

    async def on_vote(c: endpoints.Connection, frame: dict[str, Any]) -> None:
        question_id = whole_number(frame.get("question"), "question", "question 须为提问编号")
        if edge.limits is not None:
            wait = edge.limits.vote(voter, c.address, time.monotonic())
            if wait:
                raise ApiError("too_fast", "操作太频繁，请稍后再试", retry_after=round(wait, 1))
        try:
            await edge.backend.client.xadd(VOTES, {"event": event_id, "question": question_id,
                                                   "viewer": voter}, maxlen=FORWARD_MAXLEN,
                                           approximate=True)
        except (RedisError, OSError):
            raise ApiError("unavailable", "暂时无法同问，请稍后再试") from None
        await c.send_frame({"type": "vote.ok", "question": question_id})

    handlers: dict[str, endpoints.Handler] = {"ask": on_ask, "vote": on_vote, "ping": endpoints.on_ping}
    edge.audience[event_id] += 1
    try:
        async with endpoints.serving(conn), edge.hub.subscribe(channels.public(event_id)) as subscription:
            await edge_start(conn, edge, event_id, endpoints.parse_since(websocket))
            await endpoints.run_connection(conn, subscription, conn.pump(subscription, event_id), handlers)
    finally:
        edge.audience[event_id] -= 1


async def edge_start(conn: EdgeConnection, edge: Edge, event_id: int, since: int | None) -> None:
    """Replay after ``since`` from the stream when it holds all of it, else the cached snapshot."""
    raw = await edge.snapshot(event_id)
    if raw is None:
        raise ConnectionError("the owner has not cached this event's snapshot yet")
    head = int(json.loads(raw)["seq"])
    if since is not None and 0 <= since:
        found = await edge.backend.replay(channels.public(event_id), since)
        reached = (found[-1].seq or since) if found else since
        if found is not None and reached >= head:
            conn.last_seq = since
            for message in found:
                await conn.send(message.text)
                conn.last_seq = message.seq or conn.last_seq
            return
    conn.last_seq = head
    await conn.send(raw)


async def health(request: Request) -> JSONResponse:
    edge = edge_of(request.app)
    try:
        await edge.backend.client.ping()
    except RedisError:
        return JSONResponse({"status": "redis unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "role": "edge"})


def create_edge_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        backend = RedisBackend(settings.broadcast_url)
        hub = Hub(backend, buffer_limit=settings.send_buffer_frames, changelog=StreamChangeLog(backend))
        await hub.start()
        signer = Signer(settings.secret_key, salt="studio-viewer") if settings.secret_key else None
        edge = Edge(settings=settings, hub=hub, backend=backend, signer=signer,
                    limits=limits_of(settings) if settings.rate_limits else None)
        edge.tasks = [asyncio.create_task(edge.replies()), asyncio.create_task(edge.stats_loop())]
        app.state.edge = edge
        try:
            yield lifespan_state(settings)
        finally:
            for task in edge.tasks:
                task.cancel()
            await hub.stop()

    return Starlette(
        routes=[
            Route("/healthz", health),
            WebSocketRoute("/ws/events/{slug}", edge_socket),
        ],
        lifespan=lifespan,
    )
