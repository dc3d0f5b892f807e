"""The local hub: one backend subscription per channel, fanned out to connections.

Slow-consumer policy: every connection has a bounded buffer of ``buffer_limit``
frames. Offering a frame never waits. A connection whose buffer is full is
dropped at once (``Subscription.dropped`` is set and its reader raises
:class:`SlowConsumer`); the connection closes with code 4000 and the client
resumes with ``?since=`` from the store. Nothing else waits on it.

A gap in a channel's ``seq`` (the backend lost a message) drops every local
subscriber of that channel the same way, so no viewer silently misses a change.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from broadcast.base import Backend, Message

log = logging.getLogger(__name__)

DEFAULT_BUFFER_LIMIT = 256


class SlowConsumer(Exception):
    """The subscription was dropped; ``reason`` says why (``slow``, ``gap``, ``backend``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Subscription:
    """A connection's bounded buffer of frames from one or more channels."""

    def __init__(self, limit: int) -> None:
        self._buffer: deque[Message] = deque()
        self._limit = limit
        self._wakeup = asyncio.Event()
        self.dropped: str | None = None
        self.on_drop: Callable[[str], None] | None = None

    def offer(self, message: Message) -> None:
        """Queue a frame without waiting; drop the subscription when the buffer is full."""
        if self.dropped is not None:
            return
        if len(self._buffer) >= self._limit:
            self.drop("slow")
            return
        self._buffer.append(message)
        self._wakeup.set()

    def drop(self, reason: str) -> None:
        if self.dropped is not None:
            return
        self.dropped = reason
        self._buffer.clear()
        self._wakeup.set()
        if self.on_drop is not None:
            self.on_drop(reason)

    async def get(self) -> Message:
        """The next frame; raises :class:`SlowConsumer` once dropped."""
        while True:
            if self.dropped is not None:
                raise SlowConsumer(self.dropped)
            if self._buffer:
                return self._buffer.popleft()
            self._wakeup.clear()
            await self._wakeup.wait()

    def pending(self) -> int:
        return len(self._buffer)


class _Channel:
    def __init__(self) -> None:
        self.subscriptions: set[Subscription] = set()
        self.ready = asyncio.Event()
        self.failed: BaseException | None = None
        self.last_seq: int | None = None
        self.task: asyncio.Task[None] | None = None


class Hub:
    """Fan-out of backend channels to local subscriptions, with bounded buffers."""

    def __init__(self, backend: Backend, buffer_limit: int = DEFAULT_BUFFER_LIMIT) -> None:
        self.backend = backend
        self.buffer_limit = buffer_limit
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

    def count(self, channel: str) -> int:
        """How many local subscriptions listen on ``channel``."""
        state = self._channels.get(channel)
        return len(state.subscriptions) if state else 0

    @asynccontextmanager
    async def subscribe(self, *channels: str) -> AsyncIterator[Subscription]:
        """Subscribe to ``channels``; once entered, every later publish is buffered."""
        subscription = Subscription(self.buffer_limit)
        joined: list[str] = []
        try:
            for name in channels:
                state = self._channels.get(name)
                if state is None:
                    state = self._channels[name] = _Channel()
                    state.task = asyncio.create_task(self._pump(name, state))
                state.subscriptions.add(subscription)
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
        state.subscriptions.discard(subscription)
        if not state.subscriptions:
            del self._channels[name]
            if state.task is not None:
                state.task.cancel()

    async def _pump(self, name: str, state: _Channel) -> None:
        try:
            async with self.backend.subscribe(name) as stream:
                state.ready.set()
                async for message in stream:
                    self._fan_out(state, message)
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

    def _fan_out(self, state: _Channel, message: Message) -> None:
        if message.seq is not None:
            last = state.last_seq
            if last is not None and message.seq <= last:
                return
            if last is not None and message.seq != last + 1:
                log.warning("seq gap on %s: %s after %s", message.channel, message.seq, last)
                for subscription in list(state.subscriptions):
                    subscription.drop("gap")
            state.last_seq = message.seq
        for subscription in list(state.subscriptions):
            subscription.offer(message)
