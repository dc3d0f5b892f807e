"""Audience-only edge: the live feed on a host that shares only Redis with the store's owner.

``studio edge --broadcast redis://…`` serves ``/ws/events/{slug}`` (and
``/healthz``) without a store, with the owner's audience socket
(:func:`~studio.live.audience.serve_audience`) over a Redis feed and desk:

- the snapshot is the one the owner caches in Redis (:mod:`studio.live.relay`),
  followed by the stream's frames after its ``seq``; ``?since=`` replays from
  the stream when it still holds every frame after ``since``, else a fresh
  snapshot; a gap the stream cannot fill sends the viewer away to resume (4000);
- ``ask`` is rate-limited here, then appended to ``studio:asks``; the owner
  stores it (screened, like a local one) and replies on this edge's reply
  stream; ``ask.ok`` is sent only then, so only after the commit. No reply
  within ``ASK_TIMEOUT`` gives an ``unavailable`` error: the page sends the
  same ``client_key`` again, which never stores twice;
- ``vote`` is rate-limited here, appended to ``studio:votes`` and answered
  ``vote.ok`` at once (the owner checks it, one per viewer and question, like
  a local one);
- viewers are tallied with every other process, so ``stats`` counts everyone
  (the owner's stats loop, :class:`~studio.events.stats.StatsFrames`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import redis.asyncio as aioredis
from itsdangerous import Signer
from prometheus_client import CONTENT_TYPE_LATEST
from redis.exceptions import RedisError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from broadcast import Hub, Message
from broadcast.redis import RedisBackend
from studio import channels
from studio.accounts.viewer import viewer_of
from studio.errors import ApiError
from studio.events.asking import Asker, check_ask_rate, check_vote_rate
from studio.events.changes import without_withdrawn
from studio.events.questions import Receipt
from studio.events.stats import StatsFrames
from studio.live.audience import serve_audience
from studio.live.collector import freeze_startup
from studio.live.connection import CLOSE_NOT_FOUND, CLOSE_RESUME, admit, refuse
from studio.live.dispatch import App
from studio.live.protocol import lifespan_state, waiting_bytes
from studio.live.relay import ASKS, FORWARD_MAXLEN, VOTES, event_key, replies_key, snapshot_key
from studio.metrics import REFUSED, Figures, allowed, render
from studio.ratelimit import Limits
from studio.runtime import JOINS_AT_ONCE, limits_of
from studio.settings import Settings, load_settings

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
        return without_withdrawn([m for m in found or [] if upto is None or (m.seq or 0) <= upto])


@dataclass
class Edge:
    settings: Settings
    hub: Hub
    backend: RedisBackend
    edge_id: str = field(default_factory=lambda: secrets.token_hex(6))
    audience: Counter[int] = field(default_factory=Counter)
    connections: Counter[str] = field(default_factory=Counter)
    joins: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(JOINS_AT_ONCE))
    pending: dict[str, asyncio.Future[str]] = field(default_factory=dict)
    signer: Signer | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    limits: Limits | None = None
    """Asks and +1s per client and per address, as on the owner (None: limits off)."""
    slugs: dict[int, str] = field(default_factory=dict)
    """The slug of every event this edge has served (the metrics name events by slug)."""

    async def event(self, slug: str) -> dict[str, Any] | None:
        raw = await self.backend.client.get(event_key(slug))
        return json.loads(raw) if raw else None

    async def snapshot(self, event_id: int) -> str | None:
        raw = await self.backend.client.get(snapshot_key(event_id))
        return str(raw) if raw else None

    async def replies(self) -> None:
        """Hand the owner's answers to the asks waiting on this edge, deleting each once read (an
        ``ask.ok`` carries the asker's tracking and rating codes; this edge is its only reader)."""
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
                    await client.xdel(key, *(entry_id for entry_id, _ in entries))
            except asyncio.CancelledError:
                await client.aclose()
                raise
            except (RedisError, OSError) as exc:
                if not failing:
                    log.warning("reading replies failed (%s); retrying", exc)
                failing = True
                await asyncio.sleep(1)

    async def figures(self, event_id: int) -> dict[str, Any] | None:
        """Viewers tallied with every process, counts from the owner's snapshot; catches up lost frames."""
        viewers = await self.backend.tally(f"viewers:{event_id}", self.audience[event_id])
        raw = await self.snapshot(event_id)
        if raw is None:
            return None
        cached = json.loads(raw)
        await self.hub.catch_up(channels.public(event_id), int(cached["seq"]))
        return {**cached["stats"], "viewers": viewers}

    def forget(self, event_id: int) -> None:
        """Nothing is kept per event on an edge."""


@contextmanager
def redis_down_resumes() -> Iterator[None]:
    """A Redis error in the feed becomes :class:`ConnectionError`: the viewer is told to resume."""
    try:
        yield
    except RedisError as exc:
        raise ConnectionError(f"Redis failed under the feed: {exc}") from exc


class StreamFeed:
    """The edge's :class:`~studio.live.connection.Feed`: the owner's cached snapshot and the Redis stream.

    The stream holds the latest frames only: a ``since`` or a gap older than it
    cannot be replayed (a fresh snapshot, or the viewer resumes). Redis failing
    under it raises :class:`ConnectionError`, which closes the socket with 4000
    (the viewer resumes) instead of breaking the connection's task.
    """

    def __init__(self, edge: Edge) -> None:
        self.edge = edge

    async def resume(self, event_id: int, since: int) -> list[Message] | None:
        """The stream's frames after ``since`` if they reach the owner's cached snapshot (which
        may lag behind the stream, so ``since`` may be beyond it)."""
        head, _ = await self.snapshot(event_id)
        with redis_down_resumes():
            found = await self.edge.backend.replay(channels.public(event_id), since)
        reached = (found[-1].seq or since) if found else since
        if found is None or reached < head:
            return None
        return without_withdrawn(found)

    async def changes(self, event_id: int, after: int, upto: int | None) -> list[Message] | None:
        with redis_down_resumes():
            found = await self.edge.backend.replay(channels.public(event_id), after)
        if found is None:
            return None
        return without_withdrawn([m for m in found if upto is None or m.seq is None or m.seq <= upto])

    async def snapshot(self, event_id: int) -> tuple[int, str]:
        raw = await self.snapshot_text(event_id)
        return snapshot_seq(raw), raw

    async def snapshot_text(self, event_id: int) -> str:
        with redis_down_resumes():
            raw = await self.edge.snapshot(event_id)
        if raw is None:
            raise ConnectionError("the owner has not cached this event's snapshot yet")
        return raw


@lru_cache(maxsize=1)
def snapshot_seq(raw: str) -> int:
    """The ``seq`` of a cached snapshot, parsed once per snapshot, not once per joining viewer
    (only the last one is kept, as :func:`broadcast.wire.shared_text_frame` keeps its frame)."""
    return int(json.loads(raw)["seq"])


class Forwarder:
    """The edge's :class:`~studio.events.asking.AudienceDesk`: rate limits here, the store on the owner."""

    def __init__(self, edge: Edge) -> None:
        self.edge = edge

    async def ask(self, slug: str, body: dict[str, Any], asker: Asker) -> Receipt:
        """Forward the ask and wait for the owner's answer; 503-like ``unavailable`` without one."""
        edge = self.edge
        check_ask_rate(edge.limits, asker)
        ref = secrets.token_hex(8)
        waiting: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        edge.pending[ref] = waiting
        try:
            await edge.backend.client.xadd(ASKS, {
                "edge": edge.edge_id, "ref": ref, "slug": slug, "body": json.dumps(body),
                "viewer": asker.viewer, "address": asker.address}, maxlen=FORWARD_MAXLEN,
                approximate=True)
            reply = json.loads(await asyncio.wait_for(waiting, ASK_TIMEOUT))
        except (RedisError, OSError, TimeoutError):
            raise ApiError("unavailable", "提问暂未确认，请稍后重发（同一提问不会重复保存）") from None
        finally:
            edge.pending.pop(ref, None)
        if reply.get("type") == "error":
            extra = {k: v for k, v in reply.items() if k not in ("type", "code", "message", "client_key")}
            raise ApiError(reply["code"], reply["message"], **extra)
        return Receipt.from_frame(reply)

    async def vote(self, event_id: int, question_id: int, asker: Asker) -> None:
        """Forward the +1; the owner checks it (so it is accepted here as soon as Redis has it)."""
        edge = self.edge
        check_vote_rate(edge.limits, asker)
        try:
            await edge.backend.client.xadd(VOTES, {"event": event_id, "question": question_id,
                                                   "viewer": asker.viewer}, maxlen=FORWARD_MAXLEN,
                                           approximate=True)
        except (RedisError, OSError):
            raise ApiError("unavailable", "暂时无法同问，请稍后再试") from None


def edge_of(app: Any) -> Edge:
    edge: Edge = app.state.edge
    return edge


async def edge_socket(websocket: WebSocket) -> None:
    edge = edge_of(websocket.app)
    async with admit(websocket, edge) as admitted:
        if admitted:
            await _edge_audience(websocket, edge)


async def _edge_audience(websocket: WebSocket, edge: Edge) -> None:
    slug = websocket.path_params["slug"]
    try:
        event = await edge.event(slug)
    except RedisError:
        await refuse(websocket, CLOSE_RESUME, "resume")
        return
    if event is None:
        await refuse(websocket, CLOSE_NOT_FOUND, "no such event")
        return
    edge.slugs[int(event["id"])] = slug
    await serve_audience(websocket, edge, StreamFeed(edge), Forwarder(edge), event_id=int(event["id"]),
                         slug=slug, viewer=viewer_of(websocket.cookies, edge.signer))


async def metrics(request: Request) -> Response:
    """``/metrics`` of an edge: its viewers, fan-out, slow clients and Redis lag (the store's
    figures are the owner's); the same access rule as the owner's page."""
    edge = edge_of(request.app)
    client = request.client.host if request.client else None
    if not allowed(client, request.headers.get("authorization"), edge.settings.metrics_token):
        return JSONResponse({"error": {"code": "forbidden", "message": REFUSED}}, status_code=403)
    stats = edge.hub.stats
    figures = Figures(
        viewers={edge.slugs[event]: n for event, n in edge.audience.items() if event in edge.slugs},
        connections=sum(edge.connections.values()), waiting_bytes=waiting_bytes(),
        frames=stats.frames, deliveries=stats.deliveries, dropped=dict(stats.dropped),
        reader_lag=edge.backend.reader_lag,
    )
    return Response(render(figures), media_type=CONTENT_TYPE_LATEST)


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
        stats = StatsFrames(hub, edge.audience, edge, settings.stats_interval)
        edge.tasks = [asyncio.create_task(edge.replies())]
        stats.start()
        app.state.edge = edge
        freeze_startup()
        try:
            yield lifespan_state(settings)
        finally:
            for task in edge.tasks:
                task.cancel()
            await stats.stop()
            await hub.stop()

    return App(
        routes=[
            Route("/healthz", health),
            Route("/metrics", metrics),
            WebSocketRoute("/ws/events/{slug}", edge_socket),
        ],
        lifespan=lifespan,
    )
