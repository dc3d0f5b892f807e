"""The audience's way in: asking a question and +1ing one, whatever carried it.

HTTP (``POST /api/events/{slug}/questions``), the audience WebSocket and the
asks and votes an edge forwards to the owner all go through :class:`AskService`:
the rate limits per client and per address (``too_fast`` with ``retry_after``),
the asker's identity, screening, the idempotent write and the receipt. An edge
has no store: it applies the same limits itself and forwards to the owner,
whose relay hands the forwarded ask to the service with the limits marked as
applied. Both sides speak :class:`AudienceDesk`, so a socket does not care
which one it talks to.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

from studio.clock import Clock
from studio.desk.screener import Screener
from studio.errors import ApiError
from studio.events import questions
from studio.events.questions import Receipt
from studio.events.votes import VoteBuffer
from studio.ratelimit import Limits
from studio.store.database import Database


@dataclass(frozen=True, slots=True)
class Asker:
    """Who asks or +1s.

    ``viewer`` is kept with the question and counts each +1 once (the signed
    viewer cookie, a connection's own id, or empty over HTTP without a cookie);
    ``address`` is the client's IP; ``limited`` is false once an edge has
    already applied the rate limits.
    """

    viewer: str
    address: str
    limited: bool = True

    @property
    def client(self) -> str:
        """The key the per-client limits count by: the viewer, else the address."""
        return self.viewer or f"address:{self.address}"


def http_asker(viewer: str | None, address: str) -> Asker:
    """An asker over HTTP: without a viewer cookie, the address is the client."""
    return Asker(viewer or "", address)


def socket_asker(viewer: str | None, address: str) -> Asker:
    """An asker on a WebSocket: without a viewer cookie, the connection is the client."""
    return Asker(viewer or f"conn:{secrets.token_urlsafe(12)}", address)


def forwarded_asker(viewer: str, address: str) -> Asker:
    """An asker whose ask or +1 an edge forwarded: the edge has applied the rate limits."""
    return Asker(viewer, address, limited=False)


def check_ask_rate(limits: Limits | None, asker: Asker) -> None:
    """429 ``too_fast`` with ``retry_after`` when the asker asks too often (``limits`` None: off)."""
    if limits is None or not asker.limited:
        return
    wait = limits.ask(asker.client, asker.address, time.monotonic())
    if wait:
        raise ApiError("too_fast", "提问太频繁，请稍后再试", retry_after=round(wait, 1))


def check_vote_rate(limits: Limits | None, asker: Asker) -> None:
    """429 ``too_fast`` with ``retry_after`` when the asker +1s too often (``limits`` None: off)."""
    if limits is None or not asker.limited:
        return
    wait = limits.vote(asker.client, asker.address, time.monotonic())
    if wait:
        raise ApiError("too_fast", "操作太频繁，请稍后再试", retry_after=round(wait, 1))


class AudienceDesk(Protocol):
    """Where an audience's asks and +1s go: the owner's :class:`AskService`, or an edge forwarding to it."""

    async def ask(self, slug: str, body: dict[str, Any], asker: Asker) -> Receipt:
        """Store the question (or find the one sent with the same ``client_key``); raises ``ApiError``."""
        ...

    async def vote(self, event_id: int, question_id: int, asker: Asker) -> None:
        """Count the asker's +1 on a public question of the event; raises ``ApiError``."""
        ...


class AskService:
    """The owner's :class:`AudienceDesk`: one process's limits, its screener, the store."""

    def __init__(self, db: Database, clock: Clock, votes: VoteBuffer, screener: Screener | None, *,
                 max_chars: int, limits: Limits | None) -> None:
        self.db = db
        self.clock = clock
        self.votes = votes
        self.screener = screener
        self.max_chars = max_chars
        self.limits = limits
        """None when rate limits are off (``STUDIO_RATE_LIMITS=false``)."""
        self.outcomes: Counter[tuple[str, str]] = Counter()
        """Asks and +1s by outcome: ``("ask", "ok")``, ``("vote", "too_fast")``… (the error code)."""

    async def ask(self, slug: str, body: dict[str, Any], asker: Asker) -> Receipt:
        """Limit, screen and store a netizen's question; a repeated ``client_key`` gets the first receipt.

        Screening flags are stored with the question whoever carried it (an edge's forwarded ask too).
        """
        try:
            check_ask_rate(self.limits, asker)
            receipt = await questions.ask(
                self.db, self.clock, slug=slug, body=body, max_chars=self.max_chars,
                viewer=asker.viewer, address=asker.address, screener=self.screener,
            )
        except ApiError as error:
            self.outcomes["ask", error.code] += 1
            raise
        self.outcomes["ask", "ok"] += 1
        return receipt

    async def vote(self, event_id: int, question_id: int, asker: Asker) -> None:
        """Limit and accept a +1 (written within the vote flush interval); 404 unless the question is public."""
        try:
            check_vote_rate(self.limits, asker)
            if not await self.votes.vote(event_id, question_id, asker.viewer):
                raise ApiError("not_found", "没有这个已公开的提问")
        except ApiError as error:
            self.outcomes["vote", error.code] += 1
            raise
        self.outcomes["vote", "ok"] += 1
