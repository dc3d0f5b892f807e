"""Arrivals paced per turn of the event loop, so a crowd connecting cannot starve those watching.

The kernel hands the server every connection waiting in its listen queue at
once, and each one's handshake (HTTP parse, upgrade, the app's admission, the
snapshot) then runs in the loop's turns as its steps come due. A thousand
viewers arriving together would put a thousand handshakes' work into the same
few turns, and a host message published meanwhile waits behind all of them.

The policy: at most :data:`PER_TURN` new connections start reading per turn of
the loop; the others are paused as they are accepted and resumed, oldest
first, at the same rate in the turns that follow. A turn then carries at most
``PER_TURN`` joins' work at each step of the handshake, so a frame to viewers
already watching waits for a few milliseconds of joins, never for the crowd,
while the crowd is still served as fast as the core allows (a turn with
nothing else to do starts the next one at once). A paused connection holds no
slot that others wait for and costs nothing but its place in line, so
clients that connect and send nothing cannot keep anyone out; nothing here
refuses a connection (the listen backlog and the per-address limits do that).
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from studio.live.collector import Deferral

PER_TURN = 8
"""Connections that start reading per turn of the loop: a join costs about a millisecond of
CPU over its steps, so a turn carries at most ten or so milliseconds of joins."""


class Arrivals:
    """The line of accepted connections waiting to start reading (one per event loop)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, per_turn: int = PER_TURN) -> None:
        self.loop = loop
        self.per_turn = per_turn
        self.started = 0
        """Connections started in the current turn."""
        self.waiting: deque[asyncio.BaseTransport] = deque()
        self.collections = Deferral(loop)
        """Full garbage collections wait while connections arrive (:mod:`studio.live.collector`)."""
        self._turn_scheduled = False

    def arrive(self, transport: Any) -> None:
        """A connection was accepted: let it read now if this turn has room, else pause it in line."""
        self.collections.arrived()
        if self.started < self.per_turn and not self.waiting:
            self.started += 1
        else:
            transport.pause_reading()
            self.waiting.append(transport)
        self._schedule()

    def _schedule(self) -> None:
        if not self._turn_scheduled:
            self._turn_scheduled = True
            self.loop.call_soon(self._next_turn)

    def _next_turn(self) -> None:
        """A new turn: resume the next connections in line (those closed meanwhile are skipped)."""
        self._turn_scheduled = False
        self.started = 0
        waiting = self.waiting
        while waiting and self.started < self.per_turn:
            transport = waiting.popleft()
            if not transport.is_closing():
                transport.resume_reading()  # type: ignore[attr-defined]
                self.started += 1
        if waiting or self.started:
            self._schedule()


_lines: dict[asyncio.AbstractEventLoop, Arrivals] = {}


def arrivals(loop: asyncio.AbstractEventLoop) -> Arrivals:
    """The loop's line (made on first use; a process runs one loop)."""
    found = _lines.get(loop)
    if found is None:
        _lines.clear()  # a loop that is gone (tests start several) holds no live connections
        found = _lines[loop] = Arrivals(loop)
    return found


class PacedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools HTTP protocol, its connections admitted through :class:`Arrivals`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        arrivals(self.loop).arrive(transport)
