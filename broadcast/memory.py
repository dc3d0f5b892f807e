"""In-process backend: one process, no other server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from broadcast.base import Message

QUEUE_LIMIT = 10_000
"""Messages buffered per subscription between publisher and the hub's pump.

The pump only copies into per-connection buffers, so this never fills in
practice; if it does, newer messages are dropped and the hub, seeing the
``seq`` gap, sends its connections away to resume from the store.
"""


class MemoryBackend:
    def __init__(self, url: str = "memory://") -> None:
        self._subscribers: dict[str, set[asyncio.Queue[Message]]] = {}

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._subscribers.clear()

    async def publish(self, message: Message) -> None:
        for queue in self._subscribers.get(message.channel, ()):
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                continue

    async def tally(self, key: str, local: int) -> int:
        return local

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Message]]:
        queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_LIMIT)
        self._subscribers.setdefault(channel, set()).add(queue)
        try:
            yield _drain(queue)
        finally:
            queues = self._subscribers.get(channel)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._subscribers[channel]


async def _drain(queue: asyncio.Queue[Message]) -> AsyncIterator[Message]:
    while True:
        yield await queue.get()
