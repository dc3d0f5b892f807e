"""Arrivals paced per loop turn, and full garbage collections held back while a crowd arrives."""

from __future__ import annotations

import asyncio
import gc
import itertools

import pytest

from studio.live.arrivals import Arrivals
from studio.live.collector import CROWD, DEFERRED_THRESHOLD, Deferral


class Transport:
    """Just what the line touches: reading paused or not, closing or not."""

    def __init__(self) -> None:
        self.reading = True
        self.closing = False

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return self.closing


async def turn() -> None:
    """Let the loop finish its current turn (the line's next turn runs in between)."""
    await asyncio.sleep(0)
    await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_a_crowd_starts_reading_a_few_per_turn_in_arrival_order() -> None:
    """Twenty connections in one turn: four read at once, the rest resume four a turn, oldest first."""
    line = Arrivals(asyncio.get_running_loop(), per_turn=4)
    crowd = [Transport() for _ in range(20)]
    for transport in crowd:
        line.arrive(transport)
    assert [t.reading for t in crowd] == [True] * 4 + [False] * 16
    reading = [4]
    while any(not t.reading for t in crowd):
        await turn()
        reading.append(sum(t.reading for t in crowd))
        first_waiting = next((i for i, t in enumerate(crowd) if not t.reading), len(crowd))
        assert all(t.reading for t in crowd[:first_waiting])
    steps = [b - a for a, b in itertools.pairwise(reading)]
    assert max(steps) <= 8 and sum(steps) == 16  # at most one turn's share per step (two turns per step)
    line.collections.release()


@pytest.mark.asyncio
async def test_a_connection_closed_while_waiting_is_skipped() -> None:
    """A client that left while in line is not resumed and takes no one's turn."""
    line = Arrivals(asyncio.get_running_loop(), per_turn=1)
    first, gone, third = Transport(), Transport(), Transport()
    for transport in (first, gone, third):
        line.arrive(transport)
    gone.closing = True
    await asyncio.sleep(0)
    assert third.reading and not gone.reading
    line.collections.release()


@pytest.mark.asyncio
async def test_viewers_trickling_in_never_wait_or_defer_collections() -> None:
    """One connection a turn never waits in line; a few never defer collections."""
    usual = gc.get_threshold()
    line = Arrivals(asyncio.get_running_loop(), per_turn=4)
    for _ in range(10):
        transport = Transport()
        line.arrive(transport)
        assert transport.reading
        await turn()
    assert not line.collections.deferring and gc.get_threshold() == usual


@pytest.mark.asyncio
async def test_a_hundred_arrivals_within_a_second_are_a_crowd() -> None:
    """Arrivals below the crowd's rate defer nothing; the crowd's rate defers full collections."""
    deferral = Deferral(asyncio.get_running_loop())
    for _ in range(CROWD - 1):
        deferral.arrived()
    assert not deferral.deferring
    deferral.arrived()
    assert deferral.deferring and gc.get_threshold()[2] == DEFERRED_THRESHOLD
    deferral.release()


@pytest.mark.asyncio
async def test_full_collections_wait_while_a_crowd_arrives_and_come_back_when_quiet() -> None:
    """A crowd holds back full collections; a quiet spell restores the usual threshold."""
    usual = gc.get_threshold()
    deferral = Deferral(asyncio.get_running_loop(), quiet=0.05, longest=10)
    deferral.crowded()
    assert deferral.deferring and gc.get_threshold()[2] == DEFERRED_THRESHOLD
    for _ in range(3):  # still crowded: the deferral goes on past the first quiet period
        await asyncio.sleep(0.03)
        deferral.crowded()
    assert deferral.deferring
    await asyncio.sleep(0.2)
    assert not deferral.deferring and gc.get_threshold() == usual


@pytest.mark.asyncio
async def test_a_crowd_that_never_stops_defers_collections_only_so_long() -> None:
    """Arrivals that never pause still get a full collection after ``longest`` seconds."""
    usual = gc.get_threshold()
    deferral = Deferral(asyncio.get_running_loop(), quiet=0.05, longest=0.15)
    for _ in range(12):
        deferral.crowded()
        await asyncio.sleep(0.02)
    assert not deferral.deferring and gc.get_threshold() == usual  # until the owed collection runs
    gc.collect()
    deferral.crowded()
    assert deferral.deferring
    deferral.release()
