"""The server's daily round: personal data past the retention period, the limiters' addresses, and
photos uploaded but never sent with a message."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from studio.accounts.privacy import DailyPurge
from studio.events import questions
from studio.ratelimit import KeyedLimiter, Limits
from studio.store import message_photos
from studio.store.media import Media, new_token
from support.seed import Seeded


def limits() -> Limits:
    """Limits with room for a few takes."""
    return Limits(ask_burst=3, ask_rate=0.1, ask_address_burst=9, ask_address_rate=0.3, vote_burst=30,
                  vote_rate=1, vote_address_burst=300, vote_address_rate=10)


@pytest.mark.asyncio
async def test_round_keeps_recent_data_and_purges_it_once_the_period_is_over(seeded: Seeded) -> None:
    """With 30 days a fresh question keeps its address; with 0 it is blanked; every round forgets the
    limiters' keys (addresses held in memory)."""
    receipt = await questions.ask(seeded.db, seeded.clock, slug=seeded.slug, max_chars=2000,
                                  body={"text": "路灯什么时候修", "client_key": str(uuid.uuid4())},
                                  viewer="viewer-abc", address="198.51.100.9", screener=None)
    held, address_limiter = limits(), KeyedLimiter(9, 0.3)
    held.ask("viewer-abc", "198.51.100.9", 0.0)
    address_limiter.take("submit:198.51.100.9", 0.0)

    await DailyPurge(seeded.db, seeded.clock, 30, held, address_limiter).tick()
    async with seeded.db.read() as conn:
        row = await conn.fetchone("SELECT address, viewer_key FROM questions WHERE id = ?", (receipt.question_id,))
    assert (row["address"], row["viewer_key"]) == ("198.51.100.9", "viewer-abc")
    assert held.forget() == 0 and address_limiter.forget() == 0

    await DailyPurge(seeded.db, seeded.clock, 0, held, address_limiter).tick()
    async with seeded.db.read() as conn:
        row = await conn.fetchone("SELECT address, viewer_key FROM questions WHERE id = ?", (receipt.question_id,))
    assert (row["address"], row["viewer_key"]) == ("", "")


@pytest.mark.asyncio
async def test_round_deletes_uploads_no_message_carried_for_a_day(seeded: Seeded, tmp_path: Path) -> None:
    """The server's round deletes an upload older than 24 hours that no message carries, row and
    file, and leaves a newer one."""
    media = Media(tmp_path / "media")
    media.open()
    now = seeded.clock.now()
    ages = {new_token(): timedelta(hours=25), new_token(): timedelta(hours=23)}
    async with seeded.db.write() as tx:
        for token, age in ages.items():
            media.write(token, b"\xff\xd8kept\xff\xd9")
            await message_photos.insert_upload(tx, token=token, width=64, height=64, size=8,
                                               at=(now - age).isoformat())
    old, new = ages
    await DailyPurge(seeded.db, seeded.clock, 30, limits(), KeyedLimiter(9, 0.3), media=media).tick()
    async with seeded.db.read() as conn:
        rows = await conn.fetchall("SELECT token FROM message_photos")
    assert {row["token"] for row in rows} == {new}
    assert media.read(old) is None and media.read(new) is not None
