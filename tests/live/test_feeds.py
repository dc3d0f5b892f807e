"""Where a live connection starts and fills gaps: the owner's store feed and the edge's stream feed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from broadcast import Message
from studio import channels
from studio.live.edge import StreamFeed
from studio.live.feed import StoreFeed
from studio.store.database import Database

pytestmark = pytest.mark.asyncio


class SnapshotCache:
    """The part of ``Studio`` a store feed uses: the store, the snapshot cache, the viewer count."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.kept: dict[int, tuple[int, str]] = {}
        self.built = 0
        self.delivered: int | None = None
        """The last seq the hub delivered (``hub.last_seq``)."""
        self.hub = self
        self._lock = asyncio.Lock()

    def last_seq(self, channel: str) -> int | None:
        return self.delivered

    def snapshot_lock(self, event_id: int) -> asyncio.Lock:
        return self._lock

    def cached_snapshot(self, event_id: int, seq: int | None) -> tuple[int, str | None]:
        kept = self.kept.get(event_id)
        if seq is None:
            return 0, None
        return (seq, kept[1]) if kept and kept[0] == seq else (seq, None)

    def keep_snapshot(self, event_id: int, seq: int, text: str) -> None:
        self.built += 1
        self.kept[event_id] = (seq, text)

    def viewers(self, event_id: int) -> int:
        return 5


@asynccontextmanager
async def event_with_frames(tmp_path: Path, count: int) -> AsyncIterator[tuple[Database, int]]:
    """A store with one live event and ``count`` host-message frames (seq 1..count)."""
    db = Database(str(tmp_path / "feed.db"))
    await db.open()
    try:
        async with db.write() as tx:
            event_id = await tx.insert(
                """INSERT INTO events (slug, title, description, status, starts_at, ends_at, created_at)
                   VALUES ('feed', '访谈', '', 'live', 'a', 'b', 'c')""")
            for n in range(count):
                await tx.emit(event_id, channels.public(event_id), {"type": "host.message", "n": n}, "now")
        yield db, event_id
    finally:
        await db.close()


async def test_the_store_resumes_from_any_seq_up_to_its_head(tmp_path: Path) -> None:
    """since=2 of 4 gives seq 3 and 4; since=head gives nothing to send; since beyond the head is refused."""
    async with event_with_frames(tmp_path, 4) as (db, event_id):
        feed = StoreFeed(SnapshotCache(db))
        assert [m.seq for m in await feed.resume(event_id, 2) or []] == [3, 4]
        assert await feed.resume(event_id, 4) == []
        assert await feed.resume(event_id, 5) is None
        assert [m.seq for m in await feed.changes(event_id, 1, 3) or []] == [2, 3]


async def test_the_store_snapshot_is_built_once_per_seq(tmp_path: Path) -> None:
    """The snapshot stands at the event's seq, carries the viewer count, and is reused while seq holds."""
    async with event_with_frames(tmp_path, 2) as (db, event_id):
        cache = SnapshotCache(db)
        feed = StoreFeed(cache)
        seq, text = await feed.snapshot(event_id)
        frame = json.loads(text)
        assert (seq, frame["type"], frame["seq"], frame["stats"]["viewers"]) == (2, "snapshot", 2, 5)
        cache.kept[event_id] = (2, "cached")
        assert await feed.snapshot(event_id) == (2, "cached")


class NoStore:
    """A store that must not be read."""

    def read(self) -> None:
        raise AssertionError("the store was read")


async def test_a_joining_viewer_takes_the_cached_snapshot_without_a_store_read(tmp_path: Path) -> None:
    """While the cached snapshot stands at the seq the hub last delivered, joining reads nothing."""
    async with event_with_frames(tmp_path, 2) as (db, event_id):
        cache = SnapshotCache(db)
        feed = StoreFeed(cache)
        cache.kept[event_id], cache.delivered = (2, "cached"), 2
        cache.db = NoStore()  # type: ignore[assignment]
        assert await feed.snapshot(event_id) == (2, "cached")


async def test_a_snapshot_behind_the_hub_is_built_again_from_the_store(tmp_path: Path) -> None:
    """A cached snapshot older than what the hub delivered is not served: the store's is."""
    async with event_with_frames(tmp_path, 2) as (db, event_id):
        cache = SnapshotCache(db)
        cache.kept[event_id], cache.delivered = (1, "old"), 2
        seq, text = await StoreFeed(cache).snapshot(event_id)
        assert (seq, json.loads(text)["seq"]) == (2, 2)


async def test_a_crowd_joining_at_once_builds_the_snapshot_once(tmp_path: Path) -> None:
    """Fifty viewers asking for the snapshot at the same moment: one build, all the same frame."""
    async with event_with_frames(tmp_path, 3) as (db, event_id):
        cache = SnapshotCache(db)
        cache.delivered = 3
        feed = StoreFeed(cache)
        answers = await asyncio.gather(*(feed.snapshot(event_id) for _ in range(50)))
        assert cache.built == 1
        assert {seq for seq, _ in answers} == {3} and len({text for _, text in answers}) == 1


class Stream:
    """The part of an edge a stream feed uses: the cached snapshot and the stream's replay."""

    def __init__(self, cached_seq: int | None, stream: list[int] | None) -> None:
        self.cached_seq = cached_seq
        self.stream = stream
        self.backend = self

    async def snapshot(self, event_id: int) -> str | None:
        if self.cached_seq is None:
            return None
        return json.dumps({"type": "snapshot", "seq": self.cached_seq, "stats": {}})

    async def replay(self, channel: str, after: int) -> list[Message] | None:
        if self.stream is None:
            return None
        return [Message(channel, json.dumps({"seq": s}), s) for s in self.stream if s > after]


def stream_feed(cached_seq: int | None, stream: list[int] | None) -> StreamFeed:
    return StreamFeed(Stream(cached_seq, stream))


async def test_an_edge_resumes_past_its_cached_snapshot() -> None:
    """The owner caches the snapshot now and then: a since beyond it still replays from the stream."""
    feed = stream_feed(cached_seq=10, stream=list(range(1, 16)))
    assert [m.seq for m in await feed.resume(1, 12) or []] == [13, 14, 15]
    assert [m.seq for m in await feed.resume(1, 3) or []] == list(range(4, 16))


async def test_an_edge_cannot_resume_what_the_stream_no_longer_holds() -> None:
    """A stream that lost frames, or ends before the cached snapshot, means a fresh snapshot instead."""
    assert await stream_feed(cached_seq=10, stream=None).resume(1, 3) is None
    assert await stream_feed(cached_seq=10, stream=[4, 5, 6]).resume(1, 3) is None
    assert await stream_feed(cached_seq=10, stream=None).changes(1, 3, 5) is None
    assert [m.seq for m in await stream_feed(10, list(range(1, 12))).changes(1, 3, 5) or []] == [4, 5]


async def test_an_edge_without_the_owners_snapshot_sends_the_viewer_away() -> None:
    """Before the owner has cached the event, starting a connection fails so the viewer resumes later."""
    with pytest.raises(ConnectionError):
        await stream_feed(cached_seq=None, stream=[1]).snapshot(1)
    with pytest.raises(ConnectionError):
        await stream_feed(cached_seq=None, stream=[1]).resume(1, 0)
