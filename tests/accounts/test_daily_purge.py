"""The server's daily round: personal data past the retention period, and the limiters' addresses."""

from __future__ import annotations

import uuid

import pytest

from studio.accounts.privacy import DailyPurge
from studio.events import questions
from studio.ratelimit import KeyedLimiter, Limits
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
