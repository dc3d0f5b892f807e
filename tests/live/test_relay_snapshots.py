"""Owner processes sharing one Redis write each event's snapshot once per ``seq``: the first relay
to reach it builds and writes it, the others skip both, and none replaces a newer snapshot with an
older one (a real redis-server, two relays on one store)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from broadcast.redis import RedisBackend
from studio.events import manage
from studio.live.relay import WRITE_SNAPSHOT, Relay, snapshot_key, snapshot_seq_key
from studio.store.database import Queryable, encode
from support.redis_server import RedisServer, available

pytestmark = [pytest.mark.asyncio, pytest.mark.skipif(not available(), reason="redis-server is not installed")]


class CountingBuild:
    """A relay's snapshot build that counts its calls (the text: the event's id and ``seq``)."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, reader: Queryable, event: Any) -> tuple[int, str]:
        self.calls += 1
        return event["seq"], encode({"type": "snapshot", "seq": event["seq"], "event": event["id"]})


async def test_the_first_relay_writes_a_seq_and_the_others_neither_build_nor_write_it(
        seeded: Any, redis: RedisServer) -> None:
    """Relay A writes; relay B finds the seq in Redis and builds nothing; after a change the one
    that comes first writes it and the other skips it; keys lost, the next round writes again."""
    backends = [RedisBackend(redis.url), RedisBackend(redis.url)]
    builds = [CountingBuild(), CountingBuild()]
    relays = [Relay(backend, None, seeded.db, build, interval=60)  # type: ignore[arg-type]
              for backend, build in zip(backends, builds, strict=True)]
    for backend in backends:
        await backend.connect()
    try:
        first, second = relays
        await first.cache_snapshots()
        await second.cache_snapshots()
        assert [build.calls for build in builds] == [1, 0]
        client = backends[0].client
        seq = int(await client.get(snapshot_seq_key(seeded.event_id)))
        assert f'"seq":{seq},' in await client.get(snapshot_key(seeded.event_id))

        await manage.post_message(seeded.db, seeded.clock, seeded.staff["admin"], seeded.slug, {"text": "欢迎收看"})
        await second.cache_snapshots()
        await first.cache_snapshots()
        assert [build.calls for build in builds] == [1, 1]
        assert int(await client.get(snapshot_seq_key(seeded.event_id))) == seq + 1

        await client.flushdb()  # Redis restarted empty: the next round writes the snapshot again
        await first.cache_snapshots()
        assert [build.calls for build in builds] == [2, 1]
        assert f'"seq":{seq + 1},' in await client.get(snapshot_key(seeded.event_id))
    finally:
        for backend in backends:
            await backend.disconnect()


async def test_an_older_snapshot_never_replaces_a_newer_one(tmp_path: Path, redis: RedisServer) -> None:
    """The compare-and-set on a real Redis: a later seq replaces, the same or an earlier one does not."""
    backend = RedisBackend(redis.url)
    await backend.connect()
    try:
        client = backend.client
        keys = ("studio:snapshot:7", "studio:snapshot-seq:7")
        assert await client.eval(WRITE_SNAPSHOT, 2, *keys, "seq 5", 5, 60) == 1
        assert await client.eval(WRITE_SNAPSHOT, 2, *keys, "seq 4", 4, 60) == 0
        assert await client.eval(WRITE_SNAPSHOT, 2, *keys, "seq 5 again", 5, 60) == 0
        assert (await client.get(keys[0]), await client.get(keys[1])) == ("seq 5", "5")
        assert await client.eval(WRITE_SNAPSHOT, 2, *keys, "seq 6", 6, 60) == 1
        assert await client.get(keys[0]) == "seq 6" and 0 < await client.ttl(keys[0]) <= 60
    finally:
        await backend.disconnect()
