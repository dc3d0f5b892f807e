"""When Python's cyclic garbage collector may pause the server: not while a crowd arrives.

Every viewer holds some eighty objects the collector tracks (its protocol,
tasks, coroutine frames, subscription…), so a full collection walks about
half a million of them at 5,000 viewers and stops the event loop for a few
hundred milliseconds. CPython starts one whenever the long-lived objects have
grown by a quarter since the last; a crowd of thousands joining makes them
grow by far more than that, so without a policy the loop stops several times
during exactly the seconds when frames to those already watching must not wait.

The policy:

- what the server loaded before serving (modules, the app, templates,
  settings) is moved out of the collector's sight once started
  (:func:`freeze_startup`): it lives as long as the process and is never
  walked again;
- while a crowd arrives — ``CROWD`` or more new connections within a second
  (:mod:`studio.live.arrivals` tells) — full collections wait
  (:class:`Deferral`); ``QUIET`` seconds after arrivals fell below that
  rate, or ``LONGEST`` seconds after the crowd began, whichever comes
  first, the usual thresholds come back and the collection that was due runs
  at the next young collection, once, before any crowd may defer another.
  Viewers trickling in one by one never defer anything. Young collections (generations 0 and 1, a few
  milliseconds) run as usual throughout, so short-lived cycles are freed as
  before and nothing is kept longer than ``LONGEST`` seconds.
"""

from __future__ import annotations

import asyncio
import gc
import time

CROWD = 100
"""New connections within one second that make a crowd (50,000 viewers joining evenly over two hours
are seven a second)."""
QUIET = 5.0
"""Seconds without a crowd after which full collections may run."""
LONGEST = 60.0
"""Seconds a crowd may hold back full collections at most."""
DEFERRED_THRESHOLD = 1_000_000
"""Young collections before a full one while deferred: in effect never."""


def freeze_startup() -> None:
    """Collect once, then keep everything alive now out of every later collection."""
    gc.collect()
    gc.freeze()


class Deferral:
    """Holds back full collections while a crowd arrives (see the module's policy).

    Costs one timer per crowd, none per connection; nothing runs while no crowd arrives.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, quiet: float = QUIET, longest: float = LONGEST) -> None:
        self.loop = loop
        self.quiet = quiet
        self.longest = longest
        self.began = 0.0
        self.last_crowded = 0.0
        self._second = 0.0
        self._arrivals = 0
        self._timer: asyncio.TimerHandle | None = None
        self._usual: int | None = None
        self._owed_after: int | None = None
        """Full collections done when a deferral ended: no new deferral until one more has run
        (or ``longest`` seconds passed: CPython found none due)."""
        self.released = 0.0

    @property
    def deferring(self) -> bool:
        return self._usual is not None

    def arrived(self) -> None:
        """A connection arrived: the ``CROWD``-th one within a second and those after it are a crowd."""
        now = time.monotonic()
        if now - self._second >= 1.0:
            self._second, self._arrivals = now, 0
        self._arrivals += 1
        if self._arrivals >= CROWD:
            self.crowded()

    def crowded(self) -> None:
        """A crowd is arriving: hold back full collections (if not already)."""
        now = self.last_crowded = time.monotonic()
        if self._owed_after is not None:
            if _full_collections() == self._owed_after and now - self.released < self.longest:
                return  # the collection held back last time has not run yet: let it
            self._owed_after = None
        if self._usual is None:
            self.began = now
            young, middle, full = gc.get_threshold()
            self._usual = full
            gc.set_threshold(young, middle, DEFERRED_THRESHOLD)
            self._timer = self.loop.call_later(self.quiet, self._check)

    def _check(self) -> None:
        now = time.monotonic()
        wait = min(self.last_crowded + self.quiet, self.began + self.longest) - now
        if wait > 0:
            self._timer = self.loop.call_later(wait, self._check)
            return
        self.release()

    def release(self) -> None:
        """The usual thresholds again."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._usual is not None:
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, self._usual)
            self._usual = None
            self._owed_after = _full_collections()
            self.released = time.monotonic()


def _full_collections() -> int:
    return int(gc.get_stats()[2]["collections"])
