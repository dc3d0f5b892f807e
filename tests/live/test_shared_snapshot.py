"""Joining viewers and the owner's relay share one encoded snapshot per ``seq`` (no server)."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import pytest

from studio.events import manage
from studio.live.feed import StoreFeed, built_snapshot
from studio.live.relay import Relay, snapshot_key
from studio.runtime import open_studio
from studio.settings import Settings
from support.relay_redis import RelayBackend

pytestmark = pytest.mark.asyncio


async def test_the_relay_writes_the_snapshot_joiners_took_and_joiners_take_the_relays(
        seeded: Any, tmp_path: Path) -> None:
    """A viewer's snapshot is the very text the relay then writes to Redis; after a change the
    relay's build is the one the next viewer gets; each is built once."""
    studio = await open_studio(Settings(db_path=str(tmp_path / "studio.db"), stats_interval=60))
    backend = RelayBackend()
    relay = Relay(backend, studio.asking, studio.db, partial(built_snapshot, studio),  # type: ignore[arg-type]
                  interval=60)
    feed = StoreFeed(studio)
    try:
        seq, text = await feed.snapshot(seeded.event_id)
        await relay.cache_snapshots()
        assert backend.client.values[snapshot_key(seeded.event_id)] is text

        await manage.post_message(studio.db, studio.clock, seeded.staff["admin"], seeded.slug, {"text": "欢迎收看"})
        await relay.cache_snapshots()
        written = backend.client.values[snapshot_key(seeded.event_id)]
        assert written is not text and f'"seq":{seq + 1},' in written and "欢迎收看" in written
        assert await feed.snapshot(seeded.event_id) == (seq + 1, written)
        assert (await feed.snapshot(seeded.event_id))[1] is written
    finally:
        await studio.close()
