"""The long-lived resources of a process: what they let go when an event has no viewers here, and what a crowd shares."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from studio import runtime
from studio.runtime import open_studio
from studio.settings import Settings
from studio.store.events import event_row


@pytest.mark.asyncio
async def test_an_event_without_viewers_here_lets_its_snapshot_go(tmp_path: Path) -> None:
    """The cached snapshot (every published question of the event, encoded) lives while the event
    has viewers on this process; ``forget`` drops it with the event's last tally."""
    studio = await open_studio(Settings(db_path=str(tmp_path / "studio.db")))
    try:
        studio.keep_snapshot(7, 12, '{"type":"snapshot","seq":12}')
        assert studio.cached_snapshot(7, 12) == (12, '{"type":"snapshot","seq":12}')
        studio.forget(7)
        assert studio.cached_snapshot(7, 12) == (12, None)
    finally:
        await studio.close()


@pytest.mark.asyncio
async def test_a_crowd_looking_up_an_event_reads_the_store_once(
        seeded: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fifty viewers joining at once wait for one read of the event by slug; the answer then serves
    for a stats interval; a slug that names no event is not kept, and a failed read is retried."""
    reads: list[str] = []

    async def slow_event_row(conn: Any, slug: str) -> Any:
        reads.append(slug)
        await asyncio.sleep(0.05)
        if slug == "broken":
            raise OSError("disk gone")
        return await event_row(conn, slug)

    monkeypatch.setattr(runtime, "event_row", slow_event_row)
    studio = await open_studio(Settings(db_path=str(tmp_path / "studio.db"), stats_interval=0.3))
    try:
        found = await asyncio.gather(*(studio.event_ref(seeded.slug) for _ in range(50)))
        assert found == [(seeded.event_id, seeded.slug)] * 50 and reads == [seeded.slug]
        assert await studio.event_ref(seeded.slug) == (seeded.event_id, seeded.slug) and len(reads) == 1
        await asyncio.sleep(0.35)
        assert await studio.event_ref(seeded.slug) == (seeded.event_id, seeded.slug) and len(reads) == 2

        assert await asyncio.gather(*(studio.event_ref("nowhere") for _ in range(10))) == [None] * 10
        assert await studio.event_ref("nowhere") is None and reads.count("nowhere") == 2

        failed = await asyncio.gather(*(studio.event_ref("broken") for _ in range(10)), return_exceptions=True)
        assert all(isinstance(error, OSError) for error in failed) and reads.count("broken") == 1
        with pytest.raises(OSError):
            await studio.event_ref("broken")
        assert reads.count("broken") == 2
    finally:
        await studio.close()
