"""Work repeated on an interval in one background task: the claim sweep, stats frames, +1 flushes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

log = logging.getLogger(__name__)


class Periodic(ABC):
    """Calls :meth:`tick` every ``interval`` seconds from :meth:`start` until :meth:`stop`.

    Policy: one task; a tick that raises is logged and the next one still runs
    on time, so one bad round never stops the work for the rest of the event.
    Ticks never overlap (the next interval starts when a tick ends).
    """

    interval: float
    _task: asyncio.Task[None] | None = None

    @abstractmethod
    async def tick(self) -> None:
        """One round of the work; each subclass says what it does."""

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=type(self).__name__)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.tick()
            except Exception:
                log.exception("%s failed; the next round runs as planned", type(self).__name__)
