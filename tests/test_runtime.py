"""The long-lived resources of a process: what they let go once an event has no viewers here."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.runtime import open_studio
from studio.settings import Settings


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
