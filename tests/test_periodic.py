"""The periodic task behind the claim sweep, stats frames and +1 flushes."""

from __future__ import annotations

import asyncio

import pytest

from studio.periodic import Periodic


class Counting(Periodic):
    def __init__(self, fail_first: int = 0) -> None:
        self.interval = 0.01
        self.ticks = 0
        self.fail_first = fail_first

    async def tick(self) -> None:
        self.ticks += 1
        if self.ticks <= self.fail_first:
            raise RuntimeError("a bad round")


@pytest.mark.asyncio
async def test_ticks_run_until_stopped() -> None:
    """Ticks come every interval and none after stop()."""
    work = Counting()
    work.start()
    for _ in range(200):
        if work.ticks >= 3:
            break
        await asyncio.sleep(0.01)
    await work.stop()
    stopped_at = work.ticks
    await asyncio.sleep(0.05)
    assert stopped_at >= 3
    assert work.ticks == stopped_at


@pytest.mark.asyncio
async def test_a_failing_tick_does_not_stop_the_rounds(caplog: pytest.LogCaptureFixture) -> None:
    """A tick that raises is logged and the next rounds still run."""
    work = Counting(fail_first=2)
    work.start()
    for _ in range(200):
        if work.ticks >= 4:
            break
        await asyncio.sleep(0.01)
    await work.stop()
    assert work.ticks >= 4
    assert sum("Counting failed" in record.getMessage() for record in caplog.records) == 2


@pytest.mark.asyncio
async def test_start_twice_keeps_one_task() -> None:
    """Starting a running task again does not start a second loop."""
    work = Counting()
    work.start()
    first = work._task
    work.start()
    assert work._task is first
    await work.stop()
    assert work._task is None


def test_a_periodic_task_must_say_what_it_does() -> None:
    """A subclass without its own tick cannot be made."""

    class Idle(Periodic):
        interval = 1.0

    with pytest.raises(TypeError, match="tick"):
        Idle()  # type: ignore[abstract]
