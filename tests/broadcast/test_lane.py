"""The hub's inline fast path: caught-up lanes written in the hub's loop, everything else the full way."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from broadcast import Hub, Message, Subscription
from broadcast.memory import MemoryBackend


async def settle() -> None:
    """Let the hub's pump task run until it is idle."""
    for _ in range(20):
        await asyncio.sleep(0)


class Transport:
    """Records what the hub wrote; ``waiting`` is what it reports as buffered."""

    def __init__(self, log: list[tuple[str, bytes]], name: str) -> None:
        self.log = log
        self.name = name
        self.waiting = 0

    def get_write_buffer_size(self) -> int:
        return self.waiting

    def write(self, data: bytes) -> None:
        self.log.append((self.name, data))


class FakeLane:
    """A caught-up connection's lane (``broadcast.hub.Lane``)."""

    def __init__(self, transport: Transport, last_seq: int, limit: int = 1000) -> None:
        self.transport = transport
        self.open = True
        self.limit = limit
        self.last_seq = last_seq
        self.written = 0
        self.watched = False
        self.watches = 0

    def watch(self) -> None:
        self.watched = True
        self.watches += 1


def direct_into(log: list[tuple[str, bytes]], name: str) -> object:
    """A ``direct`` callable noting the frames that took the full path."""

    def direct(message: Message) -> bool:
        log.append((name, b"direct:" + message.text.encode()))
        return True

    return direct


@pytest.mark.asyncio
async def test_caught_up_lanes_are_written_in_subscription_order() -> None:
    """The next frame in seq order goes straight to each lane's transport, oldest subscriber first."""
    hub = Hub(MemoryBackend())
    await hub.start()
    log: list[tuple[str, bytes]] = []
    lanes = []
    async with AsyncExitStack() as stack:
        for name in ("first", "second", "third"):
            subscription: Subscription = await stack.enter_async_context(hub.subscribe("ev:1"))
            lane = FakeLane(Transport(log, name), last_seq=0)
            subscription.direct = direct_into(log, name)  # type: ignore[assignment]
            subscription.lane = lane
            lanes.append(lane)
        await hub.publish(Message("ev:1", "one", seq=1))
        await settle()
        assert [name for name, _ in log] == ["first", "second", "third"]
        assert all(data.endswith(b"one") and not data.startswith(b"direct:") for _, data in log)
        assert [lane.last_seq for lane in lanes] == [1, 1, 1]
        assert all(lane.written == len(log[0][1]) and lane.watches == 1 for lane in lanes)
    await hub.stop()


@pytest.mark.asyncio
async def test_a_lane_behind_closed_or_full_takes_the_full_path() -> None:
    """A lane not at the frame's seq, a closed one and one past its byte limit get the frame through
    ``direct``, which applies the whole policy; the frame without seq too."""
    hub = Hub(MemoryBackend())
    await hub.start()
    log: list[tuple[str, bytes]] = []
    async with AsyncExitStack() as stack:
        cases = {"behind": FakeLane(Transport(log, "behind"), last_seq=-5),
                 "closed": FakeLane(Transport(log, "closed"), last_seq=0),
                 "full": FakeLane(Transport(log, "full"), last_seq=0, limit=10)}
        cases["closed"].open = False
        cases["full"].transport.waiting = 11
        for name, lane in cases.items():
            subscription: Subscription = await stack.enter_async_context(hub.subscribe("ev:2"))
            subscription.direct = direct_into(log, name)  # type: ignore[assignment]
            subscription.lane = lane
        await hub.publish(Message("ev:2", "one", seq=1))
        await settle()
        assert log == [("behind", b"direct:one"), ("closed", b"direct:one"), ("full", b"direct:one")]
        hub.deliver_local(Message("ev:2", "stats"))
        assert [data for _, data in log[3:]] == [b"direct:stats"] * 3
    await hub.stop()
