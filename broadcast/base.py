"""The backend interface: publish a message to a channel, subscribe to a channel.

A backend only moves messages between processes. Ordering within a channel is
the publisher's: publishers publish in ``seq`` order. Delivery to local
connections, buffering and the slow-consumer policy live in :mod:`broadcast.hub`.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Message:
    """One encoded frame on a channel. ``seq`` is set on replayable state changes.

    A backend yields a message with ``resync`` set (and no text) when it may have
    missed messages on the channel (it lost its connection, or the shared stream
    was lost): the hub then refills from the store or sends its connections away.
    ``wire`` is the frame encoded once for every WebSocket (set by the hub).
    """

    channel: str
    text: str
    seq: int | None = None
    resync: bool = False
    wire: bytes = field(default=b"", compare=False, repr=False)


class Backend(Protocol):
    async def connect(self) -> None: ...

    async def disconnect(self) -> None: ...

    async def publish(self, message: Message) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[Message]]:
        """Subscribe to ``channel``; the subscription is live when the context is entered."""
        ...

    async def tally(self, key: str, local: int) -> int:
        """Record this process's figure for ``key`` (e.g. viewers); the sum over live processes."""
        ...


BACKENDS = {
    "memory": "broadcast.memory:MemoryBackend",
    "redis": "broadcast.redis:RedisBackend",
    "rediss": "broadcast.redis:RedisBackend",
    "unix": "broadcast.redis:RedisBackend",
}


def backend_from_url(url: str) -> Backend:
    """Build the backend named by the URL's scheme, importing it only when used."""
    scheme = urlsplit(url).scheme
    try:
        target = BACKENDS[scheme]
    except KeyError:
        raise ValueError(f"unknown broadcast backend {url!r}; known: {sorted(BACKENDS)}") from None
    module_name, class_name = target.split(":")
    backend_class = getattr(importlib.import_module(module_name), class_name)
    backend: Backend = backend_class(url)
    return backend
