"""The local hub: one backend subscription per channel, fanned out to connections.

Slow-consumer policy: every connection has a bounded buffer of ``buffer_limit``
frames. Offering a frame never waits. A connection whose buffer is full is
dropped at once (``Subscription.dropped`` is set and its reader raises
:class:`SlowConsumer`); the connection closes with code 4000 and the client
resumes with ``?since=`` from the store. Nothing else waits on it.

Order and gaps: a channel whose frames carry ``seq`` is delivered in ``seq``
order with no gap and no duplicate. Frames at or below the last delivered
``seq`` are skipped (a late publish from another process); a frame past a gap
is preceded by the missing ones read once from the :class:`ChangeLog` (the
store, which committed them before anyone published). ``catch_up`` does the
same when the store is ahead and no frame came (a publish was lost). Without a
change log, or when it fails, the channel's subscribers are dropped instead, so
no viewer silently misses a change.

Fast path: a subscription with ``direct`` set (its connection has caught up)
gets each frame handed over synchronously instead of buffered, so one frame
reaches every viewer in one loop without waking a task per connection. One
with a :class:`Lane` as well gets the next frame in ``seq`` order written by
the hub's own loop straight to its transport — no call per viewer but the
transport's — whenever it is open and has no more than ``limit`` bytes
waiting; every other case (a gap, a duplicate, a full or closed transport, a
frame without ``seq``) takes the ``direct`` path, which applies the full policy.
A frame goes to a channel's subscribers in the order they subscribed, so a crowd
joining never puts itself in front of those already watching.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from broadcast.base import Backend, Message
from broadcast.wire import text_frame

log = logging.getLogger(__name__)

DEFAULT_BUFFER_LIMIT = 256
EMPTY: deque[Message] = deque(maxlen=0)
"""Every subscription's buffer while nothing waits in it (shared, never appended to)."""


@dataclass
class HubStats:
    """What the hub has done since it started: plain counters, read when metrics are scraped.

    ``frames`` counts frames handed to the local fan-out, ``deliveries`` the
    subscriptions each was offered to (one integer add per frame, not per
    viewer), ``dropped`` subscriptions dropped by reason (``slow``, ``stuck``,
    ``gap``, ``backend``, ``shutdown``).
    """

    frames: int = 0
    deliveries: int = 0
    dropped: Counter[str] = field(default_factory=Counter)


class SlowConsumer(Exception):
    """The subscription was dropped; ``reason`` says why (``slow``, ``gap``, ``backend``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChangeLog(Protocol):
    """Where a channel's committed ``seq`` frames can be read again (the store)."""

    async def head(self, channel: str) -> int | None:
        """The channel's latest committed ``seq``; ``None`` for channels without one."""
        ...

    async def changes(self, channel: str, after: int, upto: int | None) -> list[Message]:
        """The committed frames with ``after < seq <= upto`` (no upper bound for ``None``), in order."""
        ...


class Lane(Protocol):
    """A caught-up connection's transport, which the hub writes the next frames to itself."""

    transport: Any
    """Has ``get_write_buffer_size()`` and ``write(bytes)`` (an asyncio transport)."""
    open: bool
    """False once the connection closes or sent its close frame."""
    limit: int
    """Bytes that may wait in ``transport`` before the frame goes the ``direct`` way instead."""
    last_seq: int
    """The ``seq`` of the last frame the connection was sent."""
    written: int
    """Bytes written so far (the connection's send sweep reads it)."""
    watched: bool

    def watch(self) -> None:
        """Called after a write while ``watched`` is False."""


class Subscription:
    """A connection's bounded buffer of frames from one or more channels."""

    __slots__ = ("_buffer", "_limit", "_stats", "_waiter", "direct", "dropped", "lane", "on_drop")

    def __init__(self, limit: int, stats: HubStats | None = None) -> None:
        self._buffer: deque[Message] = EMPTY
        """Made only when a frame must wait (an empty deque costs ≈0.7 KiB per viewer)."""
        self._limit = limit
        self._stats = stats
        self._waiter: asyncio.Future[None] | None = None
        """The reader's wakeup while it waits, made only then."""
        self.dropped: str | None = None
        self.on_drop: Callable[[str], None] | None = None
        self.direct: Callable[[Message], bool] | None = None
        """Takes a frame at once (True), or refuses it (False): it is buffered and direct mode ends."""
        self.lane: Lane | None = None
        """Set with ``direct``: the hub writes the next frames to it itself (the module's fast path)."""

    def offer(self, message: Message) -> None:
        """Queue a frame without waiting; drop the subscription when the buffer is full."""
        if self.dropped is not None:
            return
        if self.direct is not None and not self._buffer:
            if self.direct(message):
                return
            self.direct = self.lane = None
        if len(self._buffer) >= self._limit:
            self.drop("slow")
            return
        if self._buffer is EMPTY:
            self._buffer = deque()
        self._buffer.append(message)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def drop(self, reason: str) -> None:
        if self.dropped is not None:
            return
        self.dropped = reason
        if self._stats is not None:
            self._stats.dropped[reason] += 1
        self.direct = self.lane = None
        self._buffer = EMPTY
        self._wake()
        if self.on_drop is not None:
            self.on_drop(reason)

    async def get(self) -> Message:
        """The next frame; raises :class:`SlowConsumer` once dropped."""
        while True:
            if self.dropped is not None:
                raise SlowConsumer(self.dropped)
            if self._buffer:
                message = self._buffer.popleft()
                if not self._buffer:
                    self._buffer = EMPTY
                return message
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def pending(self) -> int:
        return len(self._buffer)


class _Channel:
    def __init__(self) -> None:
        self.subscriptions: dict[Subscription, None] = {}
        """In the order they subscribed: each frame reaches those watching longest first."""
        self.ready = asyncio.Event()
        self.failed: BaseException | None = None
        self.last_seq: int | None = None
        self.task: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()


class Hub:
    """Fan-out of backend channels to local subscriptions, with bounded buffers."""

    def __init__(self, backend: Backend, buffer_limit: int = DEFAULT_BUFFER_LIMIT,
                 changelog: ChangeLog | None = None) -> None:
        self.backend = backend
        self.buffer_limit = buffer_limit
        self.changelog = changelog
        self.stats = HubStats()
        self._channels: dict[str, _Channel] = {}

    async def start(self) -> None:
        await self.backend.connect()

    async def stop(self) -> None:
        for channel in list(self._channels.values()):
            for subscription in list(channel.subscriptions):
                subscription.drop("shutdown")
            if channel.task is not None:
                channel.task.cancel()
        self._channels.clear()
        await self.backend.disconnect()

    async def publish(self, message: Message) -> None:
        await self.backend.publish(message)

    def deliver_local(self, message: Message) -> None:
        """Hand a frame without ``seq`` to this process's subscribers only (e.g. ``stats``)."""
        state = self._channels.get(message.channel)
        if state is not None and state.ready.is_set():
            self._offer(state, replace(message, wire=text_frame(message.text)))

    def last_seq(self, channel: str) -> int | None:
        state = self._channels.get(channel)
        return state.last_seq if state else None

    async def catch_up(self, channel: str, head: int) -> None:
        """The store is at ``head``: deliver what this process has not seen (a lost publish)."""
        state = self._channels.get(channel)
        if state is None or not state.ready.is_set() or state.last_seq is None:
            return
        if state.last_seq < head:
            async with state.lock:
                await self._fill(channel, state, head)

    def count(self, channel: str) -> int:
        """How many local subscriptions listen on ``channel``."""
        state = self._channels.get(channel)
        return len(state.subscriptions) if state else 0

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        """Subscribe to ``channels``; once entered, every later publish is buffered."""
        subscription = Subscription(self.buffer_limit, self.stats)
        joined: list[str] = []
        try:
            for name in channels:
                state = self._channels.get(name)
                if state is None:
                    state = self._channels[name] = _Channel()
                    state.task = asyncio.create_task(self._pump(name, state))
                state.subscriptions[subscription] = None
                joined.append(name)
                await state.ready.wait()
                if state.failed is not None:
                    raise ConnectionError(f"broadcast backend failed: {state.failed}")
            yield subscription
        finally:
            for name in joined:
                self._leave(name, subscription)

    def _leave(self, name: str, subscription: Subscription) -> None:
        state = self._channels.get(name)
        if state is None:
            return
        state.subscriptions.pop(subscription, None)
        if not state.subscriptions:
            del self._channels[name]
            if state.task is not None:
                state.task.cancel()

    async def _pump(self, name: str, state: _Channel) -> None:
        try:
            async with self.backend.subscribe(name) as stream:
                if self.changelog is not None:
                    state.last_seq = await self.changelog.head(name)
                state.ready.set()
                async for message in stream:
                    async with state.lock:
                        await self._deliver(name, state, message)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("broadcast channel %s failed", name)
            state.failed = exc
            state.ready.set()
            for subscription in list(state.subscriptions):
                subscription.drop("backend")
            if self._channels.get(name) is state:
                del self._channels[name]

    async def _deliver(self, name: str, state: _Channel, message: Message) -> None:
        if message.resync:
            if state.last_seq is not None and self.changelog is not None:
                await self._fill(name, state, None)
            else:
                self._drop_all(state, "backend")
            return
        if message.seq is not None:
            last = state.last_seq
            if last is not None and message.seq <= last:
                return
            if last is not None and message.seq != last + 1:
                await self._fill(name, state, message.seq - 1)
            state.last_seq = message.seq
        self._offer(state, replace(message, wire=text_frame(message.text)))

    async def _fill(self, name: str, state: _Channel, upto: int | None) -> bool:
        """Deliver the stored frames after the last one delivered; drop everyone if that fails.

        True when the caller may go on delivering the frame after ``upto``.
        """
        after = state.last_seq
        assert after is not None
        missing: list[Message] = []
        if self.changelog is not None:
            try:
                missing = await self.changelog.changes(name, after, upto)
            except Exception:
                log.exception("reading the change log of %s after seq %s failed", name, after)
                missing = []
        complete = [m.seq for m in missing] == list(range(after + 1, after + 1 + len(missing)))
        if not complete or (upto is not None and after + len(missing) < upto):
            log.warning("seq gap on %s after %s: its subscribers resume from the store", name, after)
            self._drop_all(state, "gap")
            if upto is not None:
                state.last_seq = upto
            return True
        for message in missing:
            state.last_seq = message.seq
            self._offer(state, replace(message, wire=text_frame(message.text)))
        return True

    def _drop_all(self, state: _Channel, reason: str) -> None:
        for subscription in list(state.subscriptions):
            subscription.drop(reason)

    def _offer(self, state: _Channel, message: Message) -> None:
        subscriptions = list(state.subscriptions)
        self.stats.frames += 1
        self.stats.deliveries += len(subscriptions)
        seq = message.seq
        if seq is None:
            for subscription in subscriptions:
                subscription.offer(message)
            return
        wire = message.wire
        size = len(wire)
        before = seq - 1
        for subscription in subscriptions:
            # the fast path inlined (see the module's docstring): this loop runs once per viewer
            lane = subscription.lane
            if lane is not None and lane.last_seq == before and lane.open:
                transport = lane.transport
                if transport.get_write_buffer_size() <= lane.limit:
                    transport.write(wire)
                    lane.last_seq = seq
                    lane.written += size
                    if not lane.watched:
                        lane.watch()
                    continue
            subscription.offer(message)
