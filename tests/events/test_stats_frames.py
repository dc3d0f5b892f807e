"""The one stats loop of owners and edges: a ``stats`` frame to local viewers only when a figure changes."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import pytest

from broadcast import Hub, backend_from_url
from studio import channels
from studio.events.stats import StatsFrames

pytestmark = pytest.mark.asyncio


class Figures:
    """A figure source whose answers the test sets; remembers which events it was told to forget."""

    def __init__(self) -> None:
        self.current: dict[int, dict[str, Any] | None] = {}
        self.forgotten: list[int] = []

    async def figures(self, event_id: int) -> dict[str, Any] | None:
        return self.current.get(event_id)

    def forget(self, event_id: int) -> None:
        self.forgotten.append(event_id)


async def frames_waiting(subscription: Any) -> list[dict[str, Any]]:
    found = []
    while subscription.pending():
        found.append(json.loads((await asyncio.wait_for(subscription.get(), 1)).text))
    return found


async def test_stats_go_out_when_a_figure_changes_and_stop_when_viewers_leave() -> None:
    """Same figures twice send one frame; new ones send another; a left event is forgotten, not sent."""
    hub = Hub(backend_from_url("memory://"))
    await hub.start()
    audience: Counter[int] = Counter({7: 1})
    source = Figures()
    loop = StatsFrames(hub, audience, source, interval=60)
    try:
        async with hub.subscribe(channels.public(7)) as subscription:
            source.current[7] = {"viewers": 3, "received": 1}
            await loop.tick()
            await loop.tick()
            assert await frames_waiting(subscription) == [{"type": "stats", "viewers": 3, "received": 1}]
            source.current[7] = {"viewers": 4, "received": 1}
            await loop.tick()
            assert await frames_waiting(subscription) == [{"type": "stats", "viewers": 4, "received": 1}]
            source.current[7] = None
            await loop.tick()
            assert await frames_waiting(subscription) == []
            audience[7] -= 1
            source.current[7] = {"viewers": 0, "received": 1}
            await loop.tick()
            assert await frames_waiting(subscription) == []
            assert 7 not in audience and source.forgotten == [7]
    finally:
        await hub.stop()
