"""The owner's side of audience edges: what it keeps in Redis for them, and their asks and votes.

Processes that hold the store ("owners") run this when the broadcast is Redis:

- every ``stats_interval`` seconds, for each live event whose ``seq`` moved, the
  audience snapshot (encoded once, with its ``seq``; the same one the process's
  joining viewers take, :func:`studio.live.feed.built_snapshot`), the event's id and status
  by slug, and the question counts are written to Redis, where edges read them. Every
  owner process runs a relay; the first to reach a ``seq`` writes it, the others see its
  ``seq`` in Redis and neither build nor write it, and a process behind the others never
  replaces a newer snapshot with an older one (:data:`WRITE_SNAPSHOT`);
- asks and votes that edges append to the ``studio:asks`` / ``studio:votes``
  streams are consumed through a consumer group (each entry handled by exactly
  one owner process, unacknowledged ones retried by the next owner that starts,
  handled ones deleted from the stream at once: they carry addresses and viewer keys)
  and go to the owner's :class:`~studio.events.asking.AudienceDesk` like local
  ones (screened the same way; the edge has applied the rate limits). The
  answer to an ask (``ask.ok`` once committed, or the ``error`` frame) is
  appended to the asking edge's reply stream.

The app starts it beside the studio's resources (:func:`start_relay`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError, ResponseError

from broadcast.redis import RedisBackend
from studio.errors import ApiError
from studio.events.asking import AudienceDesk, forwarded_asker
from studio.live.feed import built_snapshot
from studio.runtime import Studio
from studio.store.database import Database, Queryable, encode
from studio.store.events import live_events

log = logging.getLogger(__name__)

PREFIX = "studio:"
ASKS = PREFIX + "asks"
VOTES = PREFIX + "votes"
GROUP = "owners"
KEY_TTL = 24 * 3600
FORWARD_MAXLEN = 100_000
BLOCK_SECONDS = 1.0


def event_key(slug: str) -> str:
    return f"{PREFIX}event:{slug}"


def snapshot_key(event_id: int) -> str:
    return f"{PREFIX}snapshot:{event_id}"


def snapshot_seq_key(event_id: int) -> str:
    """The ``seq`` of the snapshot at :func:`snapshot_key`, for owners to compare without reading it."""
    return f"{PREFIX}snapshot-seq:{event_id}"


def replies_key(edge: str) -> str:
    return f"{PREFIX}replies:{edge}"


WRITE_SNAPSHOT = """
local stored = tonumber(redis.call('GET', KEYS[2]) or '-1')
if stored >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
"""
"""Set the snapshot (KEYS[1], ARGV[1]) and its seq (KEYS[2], ARGV[2]) with a TTL (ARGV[3]) unless
the stored seq is already as new: one atomic compare-and-set, so owners never go backwards."""


SnapshotBuild = Callable[[Queryable, Any], Awaitable[tuple[int, str]]]
"""Builds (or finds) an event's encoded snapshot at its ``seq``, in a reader's transaction."""


def start_relay(studio: Studio) -> Relay:
    """Start the relay of an owner process whose broadcast is Redis."""
    backend = studio.hub.backend
    assert isinstance(backend, RedisBackend)
    relay = Relay(backend, studio.asking, studio.db, partial(built_snapshot, studio), studio.settings.stats_interval)
    relay.start()
    return relay


class Relay:
    """Runs in every owner process on a Redis broadcast."""

    def __init__(self, backend: RedisBackend, desk: AudienceDesk, db: Database,
                 build: SnapshotBuild, interval: float) -> None:
        self.backend = backend
        self.desk = desk
        """Where forwarded asks and +1s go: the owner's ask service."""
        self.db = db
        self.build = build
        """The encoded snapshot of an event at its ``seq``: the studio's own, shared with its
        joining viewers (:func:`studio.live.feed.built_snapshot`)."""
        self.interval = interval
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._snapshots()), asyncio.create_task(self._consume())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _snapshots(self) -> None:
        while True:
            try:
                await self.cache_snapshots()
            except (RedisError, OSError) as exc:
                log.warning("caching snapshots in Redis failed: %s", exc)
            except Exception:
                log.exception("caching snapshots failed")
            await asyncio.sleep(self.interval)

    async def cache_snapshots(self) -> None:
        """Write the snapshot of every live event unless Redis already holds one at its ``seq``
        or later (written here earlier, or by another owner process): then it is neither built
        nor written. Asking Redis each round, not remembering what was written, means a Redis
        that lost its keys (restarted empty) has them again within one round."""
        client = self.backend.client
        async with self.db.read() as reader:
            live = await live_events(reader)
            if not live:
                return
            stored = await client.mget([snapshot_seq_key(event["id"]) for event in live])
            frames = []
            for event, there in zip(live, stored, strict=True):
                if there is None or int(there) < event["seq"]:
                    frames.append((event, (await self.build(reader, event))[1]))
        for event, text in frames:
            async with client.pipeline(transaction=False) as pipe:
                pipe.eval(WRITE_SNAPSHOT, 2, snapshot_key(event["id"]), snapshot_seq_key(event["id"]),
                          text, event["seq"], KEY_TTL)
                pipe.set(event_key(event["slug"]),
                         json.dumps({"id": event["id"], "status": event["status"]}), ex=KEY_TTL)
                await pipe.execute()

    async def _ensure_groups(self, client: aioredis.Redis) -> None:
        for stream in (ASKS, VOTES):
            try:
                await client.xgroup_create(stream, GROUP, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def _consume(self) -> None:
        # Its own client: a blocking read must not time out like an ordinary command.
        client = aioredis.Redis.from_url(self.backend.url, decode_responses=True,
                                         socket_timeout=BLOCK_SECONDS + 10,
                                         socket_connect_timeout=2)
        try:
            await self._consume_with(client)
        finally:
            await client.aclose()

    async def _consume_with(self, client: aioredis.Redis) -> None:
        consumer = self.backend.process
        ready = False
        backlog = True
        failing = False
        while True:
            try:
                if not ready:
                    await self._ensure_groups(client)
                    ready = True
                # First our own unacknowledged entries (a crash mid-handling), then new ones.
                start = "0" if backlog else ">"
                result: Any = await client.xreadgroup(GROUP, consumer, {ASKS: start, VOTES: start},
                                                      count=200,
                                                      block=None if backlog else int(BLOCK_SECONDS * 1000))
                backlog = False
                failing = False
                for stream, entries in result or []:
                    for entry_id, fields in entries:
                        if fields:
                            if stream == ASKS:
                                await self._ask(fields)
                            else:
                                await self._vote(fields)
                        await self._done(client, stream, entry_id)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                if not failing:
                    log.warning("reading forwarded asks and votes failed (%s); retrying", exc)
                failing = True
                ready = False
                backlog = True
                await asyncio.sleep(1)
            except Exception:
                log.exception("handling a forwarded ask or vote failed")
                await asyncio.sleep(1)

    async def _done(self, client: aioredis.Redis, stream: str, entry_id: str) -> None:
        """Acknowledge a handled entry and delete it: it carries the asker's address and viewer
        key (and an ask's text), which are kept only in the store, under its retention."""
        async with client.pipeline(transaction=False) as pipe:
            pipe.xack(stream, GROUP, entry_id)
            pipe.xdel(stream, entry_id)
            await pipe.execute()

    async def _ask(self, fields: dict[str, str]) -> None:
        body = json.loads(fields["body"])
        asker = forwarded_asker(fields.get("viewer", ""), fields.get("address", ""))
        reply: dict[str, Any]
        try:
            receipt = await self.desk.ask(fields["slug"], body, asker)
            reply = receipt.frame(body.get("client_key"))
        except ApiError as exc:
            reply = {"type": "error", "code": exc.code, "message": exc.message, **exc.extra}
            if "client_key" in body:
                reply["client_key"] = body["client_key"]
        key = replies_key(fields["edge"])
        async with self.backend.client.pipeline(transaction=False) as pipe:
            pipe.xadd(key, {"ref": fields["ref"], "frame": encode(reply)}, maxlen=10_000, approximate=True)
            pipe.expire(key, 3600)
            await pipe.execute()

    async def _vote(self, fields: dict[str, str]) -> None:
        """A forwarded +1; one on a question that is not public is dropped (the edge said ``vote.ok``)."""
        asker = forwarded_asker(fields["viewer"], "")
        with contextlib.suppress(ApiError):
            await self.desk.vote(int(fields["event"]), int(fields["question"]), asker)
