"""Redis Streams backend: every process and host shares one ordered feed per channel.

Each channel is a stream ``studio:s:{channel}`` (``XADD … MAXLEN ~``), each
entry holding the encoded frame (``t``) and, for public changes, its ``seq``
(``s``). One reader task per process tails every stream the process has
subscribers for (``XREAD BLOCK``) and hands entries to the hub, which restores
``seq`` order and fills gaps from the store (publishes from several processes
may reach Redis out of ``seq`` order: they happen after each one's COMMIT).

Loss is never silent. The reader reconnects by itself (backoff up to two
seconds); after any interruption it sends every channel a ``resync`` message,
because frames published while it was away may be missing (a publish that
failed, or a Redis restarted without persistence). A random epoch kept in
``studio:epoch`` tells a restarted, emptied Redis from a persistent one: on a
new epoch the stream positions start over from the beginning.

``tally`` keeps per-process figures (viewers) in a hash with a timestamp per
process; entries older than ``TALLY_STALE`` seconds (a dead process) are
ignored and removed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from broadcast.base import Message

log = logging.getLogger(__name__)

PREFIX = "studio:"
EPOCH_KEY = PREFIX + "epoch"
STREAM_MAXLEN = 10_000
"""Entries kept per stream (approximately). Older ones are replayed from the store."""
STREAM_TTL = 2 * 24 * 3600
"""A stream nobody writes to for two days expires (tracker and staff channels come and go)."""
BLOCK_MS = 250
READ_COUNT = 500
QUEUE_LIMIT = 10_000
TALLY_STALE = 10.0
EPOCH_CHECK_SECONDS = 5.0
COMMAND_TIMEOUT = 2.0
POOL_SIZE = 100
"""Connections for commands (besides the reader's); more commands at once wait for one."""
READ_TIMEOUT = 10.0
"""How long the reader waits past its block time before it calls Redis unreachable (a busy Redis is slow,
and each reconnect makes every channel resynchronise)."""
MAX_BACKOFF = 2.0
PUBLISH_PAUSE = 1.0
"""After a failed publish, later ones fail at once for this long: writes never wait on a dead Redis
(what they miss is filled from the store by every process's catch-up)."""


def stream_key(channel: str) -> str:
    return f"{PREFIX}s:{channel}"


class RedisBackend:
    """``redis://host:port/db`` (or ``rediss://``, ``unix://``)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.process = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.epoch: str | None = None
        self._client: aioredis.Redis | None = None
        self._reader: aioredis.Redis | None = None
        self._queues: dict[str, set[asyncio.Queue[Message]]] = {}
        self._positions: dict[str, str] = {}
        self._unresolved: set[str] = set()
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.reconnects = 0
        self.reader_lag: float | None = None
        """Seconds between the last stream entry read and when Redis added it (its id's time;
        comparable only when this host's clock and Redis's agree); 0 after a read that found nothing
        waiting, None before the first read."""
        self._publish_paused_until = 0.0

    @property
    def client(self) -> aioredis.Redis:
        assert self._client is not None, "backend is not connected"
        return self._client

    async def connect(self) -> None:
        """Open the clients and start tailing; an unreachable Redis is retried in the background."""
        # A crowd joining an edge asks for the event and its snapshot all at once: past
        # POOL_SIZE commands in flight, a command waits for a free connection (up to
        # COMMAND_TIMEOUT) instead of failing with "Too many connections".
        pool = aioredis.BlockingConnectionPool.from_url(
            self.url, decode_responses=True, socket_timeout=COMMAND_TIMEOUT,
            socket_connect_timeout=COMMAND_TIMEOUT, retry=Retry(NoBackoff(), 0),
            max_connections=POOL_SIZE, timeout=COMMAND_TIMEOUT)
        self._client = aioredis.Redis.from_pool(pool)  # closing the client closes the pool
        self._reader = aioredis.Redis.from_url(
            self.url, decode_responses=True, socket_timeout=BLOCK_MS / 1000 + READ_TIMEOUT,
            socket_connect_timeout=COMMAND_TIMEOUT)
        try:
            self.epoch = await self._current_epoch()
        except RedisError as exc:
            log.warning("Redis at %s is not reachable yet (%s); retrying", self.url, exc)
        self._task = asyncio.create_task(self._read_loop())

    async def disconnect(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for client in (self._client, self._reader):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()
        self._queues.clear()
        self._positions.clear()

    async def publish(self, message: Message) -> None:
        """Append to the channel's stream; raises when Redis is unreachable (the caller logs it)."""
        if time.monotonic() < self._publish_paused_until:
            raise RedisConnectionError("Redis was unreachable moments ago; not waiting for it")
        fields: dict[Any, Any] = {"t": message.text}
        if message.seq is not None:
            fields["s"] = message.seq
        key = stream_key(message.channel)
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.xadd(key, fields, maxlen=STREAM_MAXLEN, approximate=True)
                pipe.expire(key, STREAM_TTL)
                await pipe.execute()
        except (RedisError, OSError):
            self._publish_paused_until = time.monotonic() + PUBLISH_PAUSE
            raise

    async def tally(self, key: str, local: int) -> int:
        """Record this process's figure; the sum over processes heard from in ``TALLY_STALE`` s."""
        name = f"{PREFIX}tally:{key}"
        now = time.time()
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                pipe.hset(name, self.process, f"{local}:{now:.3f}")
                pipe.expire(name, int(TALLY_STALE * 6))
                pipe.hgetall(name)
                *_, entries = await pipe.execute()
        except RedisError:
            return local
        total, stale = 0, []
        for process, value in entries.items():
            count, _, stamp = str(value).partition(":")
            if now - float(stamp or 0) > TALLY_STALE:
                stale.append(process)
            else:
                total += int(count)
        if stale:
            with contextlib.suppress(RedisError):
                await self.client.hdel(name, *stale)
        return total

    async def replay(self, channel: str, after: int) -> list[Message] | None:
        """The stream's frames with ``seq`` above ``after`` in ``seq`` order, or ``None`` if it lacks some."""
        entries: Any = await self.client.xrange(stream_key(channel), count=STREAM_MAXLEN * 2)
        frames = {int(f["s"]): f["t"] for _, f in entries if "s" in f and int(f["s"]) > after}
        wanted = range(after + 1, after + 1 + len(frames))
        if list(wanted) != sorted(frames):
            return None
        return [Message(channel, str(frames[seq]), seq) for seq in wanted]

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Message]]:
        queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_LIMIT)
        first = channel not in self._queues
        self._queues.setdefault(channel, set()).add(queue)
        try:
            if first:
                try:
                    self._positions[channel] = await self._last_id(channel)
                except RedisError:
                    self._unresolved.add(channel)
                self._changed.set()
            yield _drain(queue)
        finally:
            queues = self._queues.get(channel)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._queues[channel]
                    self._positions.pop(channel, None)
                    self._unresolved.discard(channel)

    async def _current_epoch(self) -> str:
        """The Redis data set's epoch, created when missing (a new or emptied Redis)."""
        await self.client.set(EPOCH_KEY, secrets.token_hex(8), nx=True)
        epoch = await self.client.get(EPOCH_KEY)
        return str(epoch)

    async def _last_id(self, channel: str) -> str:
        entries = await self.client.xrevrange(stream_key(channel), count=1)
        return str(entries[0][0]) if entries else "0-0"

    def _dispatch(self, channel: str, message: Message) -> None:
        for queue in self._queues.get(channel, ()):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(message)

    def _resync(self, channels: list[str]) -> None:
        for channel in channels:
            self._dispatch(channel, Message(channel, "", resync=True))

    async def _read_loop(self) -> None:
        assert self._reader is not None
        interrupted = False
        delay = 0.1
        checked = time.monotonic()
        while True:
            try:
                if interrupted or time.monotonic() - checked > EPOCH_CHECK_SECONDS:
                    epoch = await self._current_epoch()
                    checked = time.monotonic()
                    if self.epoch is not None and epoch != self.epoch:
                        log.warning("Redis lost its streams (new epoch); refilling from the store")
                        interrupted = True
                        for channel in self._positions:
                            self._positions[channel] = "0-0"
                    self.epoch = epoch
                for channel in list(self._unresolved):
                    self._positions[channel] = await self._last_id(channel)
                    self._unresolved.discard(channel)
                    self._resync([channel])
                if interrupted:
                    log.warning("Redis reachable again; resynchronising %d channels", len(self._queues))
                    self._resync(list(self._queues))
                    interrupted = False
                    self.reconnects += 1
                if not self._positions:
                    self._changed.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), EPOCH_CHECK_SECONDS)
                    continue
                streams: Any = {stream_key(ch): pos for ch, pos in self._positions.items()}
                result: Any = await self._reader.xread(streams, count=READ_COUNT, block=BLOCK_MS)
                delay = 0.1
                if not result:
                    self.reader_lag = 0.0  # caught up: nothing waited
                for key, entries in result or []:
                    channel = str(key)[len(stream_key("")):]
                    if channel not in self._positions:
                        continue
                    for entry_id, fields in entries:
                        self._positions[channel] = str(entry_id)
                        self.reader_lag = max(0.0, time.time() - int(str(entry_id).split("-")[0]) / 1000)
                        seq = int(fields["s"]) if "s" in fields else None
                        self._dispatch(channel, Message(channel, str(fields.get("t", "")), seq))
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                if not interrupted:
                    log.warning("Redis connection lost (%s); reconnecting", exc)
                interrupted = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF)
            except Exception:
                log.exception("Redis reader failed; restarting it")
                interrupted = True
                await asyncio.sleep(delay)


async def _drain(queue: asyncio.Queue[Message]) -> AsyncIterator[Message]:
    while True:
        yield await queue.get()
