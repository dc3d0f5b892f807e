"""The audience's ``stats`` frames: viewers and question counts, sent when a figure changes.

One loop for every process that serves audiences (the owner, and an edge that
reads its figures from Redis): every ``interval`` seconds, for each event this
process has viewers of, the figures are computed (which also tallies this
process's viewers with the others and catches up a lost publish) and a
``stats`` frame goes to this process's viewers only, when a figure changed.
Each process computes the same totals, so every viewer sees the same figures.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Protocol

from broadcast import Hub, Message
from studio import channels
from studio.periodic import Periodic
from studio.store.database import encode

log = logging.getLogger(__name__)


class Figures(Protocol):
    """Where a process reads an event's public figures."""

    async def figures(self, event_id: int) -> dict[str, Any] | None:
        """The event's ``stats`` (viewers over every process, question counts); ``None`` when unknown yet."""
        ...

    def forget(self, event_id: int) -> None:
        """This process has no viewers of the event any more: drop what was kept for it."""
        ...


class StatsFrames(Periodic):
    """Sends ``stats`` frames to this process's viewers of each event."""

    def __init__(self, hub: Hub, audience: Counter[int], source: Figures, interval: float) -> None:
        self.hub = hub
        self.audience = audience
        """Audience connections per event on this process (the sockets keep it)."""
        self.source = source
        self.interval = interval
        self._last: dict[int, dict[str, Any]] = {}

    async def tick(self) -> None:
        """One round: figures for every event with local viewers; a frame where they changed.

        Figures are read even for an event whose last viewer just left, so the
        tally over processes learns that this one counts none.
        """
        for event_id in list(self.audience):
            try:
                stats = await self.source.figures(event_id)
            except Exception:
                log.exception("stats for event %s failed", event_id)
                continue
            if self.audience[event_id] <= 0:
                del self.audience[event_id]
                self._last.pop(event_id, None)
                self.source.forget(event_id)
                continue
            if stats is None or self._last.get(event_id) == stats:
                continue
            self._last[event_id] = stats
            frame = encode({"type": "stats", **stats})
            self.hub.deliver_local(Message(channels.public(event_id), frame))
