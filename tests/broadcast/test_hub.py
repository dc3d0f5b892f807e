"""The broadcast hub over the in-memory backend: fan-out, ordering, slow consumers, seq gaps."""

from __future__ import annotations

import asyncio

import pytest

from broadcast import Hub, Message, SlowConsumer, Subscription, backend_from_url
from broadcast.hub import DEFAULT_BUFFER_LIMIT
from broadcast.memory import MemoryBackend

TIMEOUT = 2.0


async def settle() -> None:
    """Let the hub's pump tasks run until they are idle."""
    for _ in range(20):
        await asyncio.sleep(0)


async def receive(subscription: Subscription) -> Message:
    return await asyncio.wait_for(subscription.get(), TIMEOUT)


async def receive_n(subscription: Subscription, n: int) -> list[Message]:
    return [await receive(subscription) for _ in range(n)]


async def started_hub(buffer_limit: int = DEFAULT_BUFFER_LIMIT) -> Hub:
    hub = Hub(MemoryBackend(), buffer_limit=buffer_limit)
    await hub.start()
    return hub


@pytest.mark.asyncio
async def test_fan_out_to_all_subscribers_in_order() -> None:
    """Every subscriber of a channel gets every published message, in publish order."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as one, hub.subscribe("ev:1") as two:
        sent = [Message("ev:1", f"frame {i}", seq=i) for i in range(1, 21)]
        for message in sent:
            await hub.publish(message)
        assert await receive_n(one, 20) == sent
        assert await receive_n(two, 20) == sent
    await hub.stop()


@pytest.mark.asyncio
async def test_messages_without_seq_are_delivered() -> None:
    """Messages without seq (e.g. stats) are delivered and do not disturb seq tracking."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as sub:
        sent = [
            Message("ev:1", "a", seq=1),
            Message("ev:1", "stats"),
            Message("ev:1", "stats again"),
            Message("ev:1", "b", seq=2),
        ]
        for message in sent:
            await hub.publish(message)
        assert await receive_n(sub, 4) == sent
        assert sub.dropped is None
    await hub.stop()


@pytest.mark.asyncio
async def test_other_channels_do_not_receive() -> None:
    """A message published to one channel does not reach subscribers of another."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as one, hub.subscribe("ev:2") as two:
        await hub.publish(Message("ev:1", "for one", seq=1))
        await hub.publish(Message("ev:2", "for two", seq=1))
        assert await receive(one) == Message("ev:1", "for one", seq=1)
        assert await receive(two) == Message("ev:2", "for two", seq=1)
        await settle()
        assert one.pending() == 0
        assert two.pending() == 0
    await hub.stop()


@pytest.mark.asyncio
async def test_subscription_to_several_channels() -> None:
    """One subscription over two channels receives the messages of both."""
    hub = await started_hub()
    async with hub.subscribe("ev:1", "ev:1:staff") as sub:
        assert hub.count("ev:1") == 1
        assert hub.count("ev:1:staff") == 1
        await hub.publish(Message("ev:1", "public", seq=1))
        assert (await receive(sub)).text == "public"
        await hub.publish(Message("ev:1:staff", "staff", seq=1))
        assert (await receive(sub)).text == "staff"
    assert hub.count("ev:1") == 0
    assert hub.count("ev:1:staff") == 0
    await hub.stop()


@pytest.mark.asyncio
async def test_count_follows_subscriptions() -> None:
    """hub.count(channel) counts local subscriptions as they join and leave."""
    hub = await started_hub()
    assert hub.count("ev:1") == 0
    async with hub.subscribe("ev:1"):
        assert hub.count("ev:1") == 1
        async with hub.subscribe("ev:1"):
            assert hub.count("ev:1") == 2
            assert hub.count("ev:2") == 0
        assert hub.count("ev:1") == 1
    assert hub.count("ev:1") == 0
    await hub.stop()


@pytest.mark.asyncio
async def test_slow_consumer_dropped_others_unaffected() -> None:
    """A subscriber whose buffer overflows is dropped ("slow"); a reading one gets everything."""
    hub = await started_hub(buffer_limit=3)
    drops: list[str] = []
    async with hub.subscribe("ev:1") as slow, hub.subscribe("ev:1") as fast:
        slow.on_drop = drops.append
        sent = [Message("ev:1", f"frame {i}", seq=i) for i in range(1, 11)]
        received = []
        for message in sent:
            await hub.publish(message)
            received.append(await receive(fast))
        assert received == sent
        assert drops == ["slow"]
        assert slow.dropped == "slow"
        assert fast.dropped is None
        assert slow.pending() == 0
        with pytest.raises(SlowConsumer) as info:
            await receive(slow)
        assert info.value.reason == "slow"
    await hub.stop()


@pytest.mark.asyncio
async def test_buffer_holds_exactly_buffer_limit() -> None:
    """A subscriber may fall behind by buffer_limit frames; one more drops it."""
    hub = await started_hub(buffer_limit=3)
    async with hub.subscribe("ev:1") as sub:
        for seq in (1, 2, 3):
            await hub.publish(Message("ev:1", str(seq), seq=seq))
        await settle()
        assert sub.pending() == 3
        assert sub.dropped is None
        await hub.publish(Message("ev:1", "4", seq=4))
        await settle()
        assert sub.dropped == "slow"
    await hub.stop()


@pytest.mark.asyncio
async def test_dropped_subscription_raises_even_when_waiting() -> None:
    """A reader blocked in get() is woken with SlowConsumer when its subscription is dropped."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as sub:
        reader = asyncio.create_task(sub.get())
        await settle()
        assert not reader.done()
        sub.drop("slow")
        with pytest.raises(SlowConsumer):
            await asyncio.wait_for(reader, TIMEOUT)
    await hub.stop()


@pytest.mark.asyncio
async def test_on_drop_fires_once() -> None:
    """on_drop fires once with the first reason; later drops change nothing."""
    sub = Subscription(limit=1)
    reasons: list[str] = []
    sub.on_drop = reasons.append
    sub.drop("gap")
    sub.drop("slow")
    sub.offer(Message("c", "ignored", seq=1))
    assert reasons == ["gap"]
    assert sub.dropped == "gap"
    assert sub.pending() == 0


@pytest.mark.asyncio
async def test_seq_gap_drops_all_subscribers() -> None:
    """A gap in seq (1, 2, 4) drops every subscriber of the channel with reason "gap"."""
    hub = await started_hub()
    drops: list[str] = []
    async with hub.subscribe("ev:1") as one, hub.subscribe("ev:1") as two:
        one.on_drop = drops.append
        two.on_drop = drops.append
        first = [Message("ev:1", "1", seq=1), Message("ev:1", "2", seq=2)]
        for message in first:
            await hub.publish(message)
        assert await receive_n(one, 2) == first
        assert await receive_n(two, 2) == first
        await hub.publish(Message("ev:1", "4", seq=4))
        for sub in (one, two):
            with pytest.raises(SlowConsumer) as info:
                await receive(sub)
            assert info.value.reason == "gap"
        assert drops == ["gap", "gap"]
    await hub.stop()


@pytest.mark.asyncio
async def test_gap_on_one_channel_spares_other_channels() -> None:
    """A seq gap on one channel does not drop subscribers of another channel."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as one, hub.subscribe("ev:2") as two:
        await hub.publish(Message("ev:1", "1", seq=1))
        await hub.publish(Message("ev:1", "3", seq=3))
        await hub.publish(Message("ev:2", "1", seq=1))
        assert await receive(two) == Message("ev:2", "1", seq=1)
        await settle()
        assert one.dropped == "gap"
        assert two.dropped is None
    await hub.stop()


@pytest.mark.asyncio
async def test_subscriber_joining_after_gap_continues() -> None:
    """After a gap the channel resumes from the new seq: a new subscriber gets the next one."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as old:
        for seq in (1, 2, 4):
            await hub.publish(Message("ev:1", str(seq), seq=seq))
        await settle()
        assert old.dropped == "gap"
        async with hub.subscribe("ev:1") as new:
            await hub.publish(Message("ev:1", "5", seq=5))
            assert await receive(new) == Message("ev:1", "5", seq=5)
            assert new.dropped is None
    await hub.stop()


@pytest.mark.asyncio
async def test_duplicate_and_older_seq_skipped() -> None:
    """A repeated or older seq is skipped silently, without dropping anyone."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as sub:
        for seq in (1, 2, 2, 1, 3):
            await hub.publish(Message("ev:1", f"m{seq}", seq=seq))
        received = await receive_n(sub, 3)
        assert [m.seq for m in received] == [1, 2, 3]
        await settle()
        assert sub.pending() == 0
        assert sub.dropped is None
    await hub.stop()


@pytest.mark.asyncio
async def test_first_seq_may_be_any_number() -> None:
    """The first seq seen on a channel is accepted whatever it is (a late joiner's channel)."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as sub:
        await hub.publish(Message("ev:1", "41", seq=41))
        await hub.publish(Message("ev:1", "42", seq=42))
        assert [m.seq for m in await receive_n(sub, 2)] == [41, 42]
        assert sub.dropped is None
    await hub.stop()


@pytest.mark.asyncio
async def test_leaving_last_subscription_cancels_pump() -> None:
    """When the last subscription leaves, the channel is removed and its pump cancelled."""
    backend = MemoryBackend()
    hub = Hub(backend)
    await hub.start()
    async with hub.subscribe("ev:1"):
        async with hub.subscribe("ev:1"):
            pass
        assert "ev:1" in hub._channels  # one subscriber left: still pumping
        task = hub._channels["ev:1"].task
        assert task is not None
        assert not task.done()
        assert "ev:1" in backend._subscribers
    assert hub.count("ev:1") == 0
    assert "ev:1" not in hub._channels
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, TIMEOUT)
    assert task.cancelled()
    assert "ev:1" not in backend._subscribers  # the backend subscription was closed too
    await hub.stop()


@pytest.mark.asyncio
async def test_resubscribe_after_leaving_gets_new_messages() -> None:
    """After a channel is torn down, subscribing again starts a fresh pump that delivers."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as sub:
        await hub.publish(Message("ev:1", "1", seq=1))
        await receive(sub)
    await settle()
    async with hub.subscribe("ev:1") as sub:
        await hub.publish(Message("ev:1", "7", seq=7))
        assert await receive(sub) == Message("ev:1", "7", seq=7)
        assert sub.dropped is None
    await hub.stop()


@pytest.mark.asyncio
async def test_publish_before_subscribe_is_not_delivered() -> None:
    """Only messages published after subscribing are delivered (no replay in the hub)."""
    hub = await started_hub()
    await hub.publish(Message("ev:1", "early", seq=1))
    async with hub.subscribe("ev:1") as sub:
        await hub.publish(Message("ev:1", "late", seq=2))
        assert await receive(sub) == Message("ev:1", "late", seq=2)
        await settle()
        assert sub.pending() == 0
    await hub.stop()


@pytest.mark.asyncio
async def test_stop_drops_subscribers_with_shutdown() -> None:
    """Stopping the hub drops every subscription with reason "shutdown"."""
    hub = await started_hub()
    async with hub.subscribe("ev:1") as sub:
        await hub.stop()
        with pytest.raises(SlowConsumer) as info:
            await receive(sub)
        assert info.value.reason == "shutdown"
    assert hub.count("ev:1") == 0


@pytest.mark.asyncio
async def test_backend_failure_drops_subscribers() -> None:
    """If the backend stream fails, subscribers are dropped with reason "backend"."""

    class FailingBackend(MemoryBackend):
        def __init__(self) -> None:
            super().__init__()
            self.fail = asyncio.Event()

        def subscribe(self, channel: str):  # type: ignore[no-untyped-def]
            outer = super().subscribe(channel)
            fail = self.fail

            class Wrapped:
                async def __aenter__(self):  # type: ignore[no-untyped-def]
                    await outer.__aenter__()

                    async def stream():  # type: ignore[no-untyped-def]
                        await fail.wait()
                        raise RuntimeError("connection lost")
                        yield  # pragma: no cover

                    return stream()

                async def __aexit__(self, *exc):  # type: ignore[no-untyped-def]
                    return await outer.__aexit__(*exc)

            return Wrapped()

    backend = FailingBackend()
    hub = Hub(backend)
    await hub.start()
    async with hub.subscribe("ev:1") as sub:
        backend.fail.set()
        with pytest.raises(SlowConsumer) as info:
            await receive(sub)
        assert info.value.reason == "backend"
        assert "ev:1" not in hub._channels
    await hub.stop()


def test_backend_from_url_memory() -> None:
    """backend_from_url("memory://") builds a MemoryBackend."""
    assert isinstance(backend_from_url("memory://"), MemoryBackend)


@pytest.mark.parametrize("url", ["bogus://x", "kafka://localhost:9092", "", "localhost:6379"])
def test_backend_from_url_unknown_scheme(url: str) -> None:
    """An unknown or missing scheme raises ValueError."""
    with pytest.raises(ValueError):
        backend_from_url(url)


def test_hub_from_url_delivers() -> None:
    """A hub over a backend made by URL delivers a message end to end (plain asyncio.run)."""

    async def scenario() -> Message:
        hub = Hub(backend_from_url("memory://"))
        await hub.start()
        try:
            async with hub.subscribe("ev:9") as sub:
                await hub.publish(Message("ev:9", "hello", seq=1))
                return await receive(sub)
        finally:
            await hub.stop()

    assert asyncio.run(scenario()) == Message("ev:9", "hello", seq=1)


@pytest.mark.asyncio
async def test_memory_backend_publish_without_subscribers() -> None:
    """Publishing to a channel nobody listens to is no error, and the message is not kept for later."""
    backend = MemoryBackend()
    await backend.connect()
    await backend.publish(Message("nobody", "unheard", seq=1))
    async with backend.subscribe("nobody") as messages:
        await backend.publish(Message("nobody", "heard", seq=2))
        first = await asyncio.wait_for(messages.__anext__(), 1)
    await backend.disconnect()
    assert (first.text, first.seq) == ("heard", 2)


@pytest.mark.asyncio
async def test_memory_backend_direct_subscribe() -> None:
    """MemoryBackend delivers to each of its subscribers and cleans up on exit."""
    backend = MemoryBackend()
    async with backend.subscribe("c") as first, backend.subscribe("c") as second:
        await backend.publish(Message("c", "x", seq=1))
        assert await asyncio.wait_for(anext(first), TIMEOUT) == Message("c", "x", seq=1)
        assert await asyncio.wait_for(anext(second), TIMEOUT) == Message("c", "x", seq=1)
    assert "c" not in backend._subscribers
