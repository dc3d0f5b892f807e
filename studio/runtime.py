"""The studio's long-lived resources, opened and closed in the app's lifespan.

The app starts the owner's relay for audience edges beside them (on a Redis
broadcast); nothing here talks to a socket or an edge (the registry of staff
sockets only tells them when to re-check their sessions).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import Signer

from broadcast import Hub, Message, backend_from_url
from studio import channels
from studio.accounts.privacy import DailyPurge
from studio.accounts.sessions import Sessions
from studio.board import records
from studio.board.life import Rules
from studio.board.suggest import Suggester
from studio.clock import Clock
from studio.desk import wordlist
from studio.desk.claims import ClaimSweeper
from studio.desk.screener import Screener
from studio.events.asking import AskService
from studio.events.stats import StatsFrames
from studio.events.votes import VoteBuffer
from studio.notify.deliver import Deliverer, deliverer_from_settings
from studio.notify.digest import DailyDigest
from studio.ratelimit import KeyedLimiter, Limits, SignIns
from studio.settings import Settings
from studio.store.changelog import StoreChangeLog
from studio.store.database import Database, encode
from studio.store.events import event_row, event_seq
from studio.store.media import Media
from studio.store.questions import question_counts
from studio.store.secret import keep_secret_key, kept_secret_key

EVENT_REFS = 1000
"""Slugs whose event id is kept (a bound against requests for made-up slugs)."""
JOINS_AT_ONCE = 32
"""WebSocket connections set up at once per process; the others wait their turn (docs/scaling.md)."""

log = logging.getLogger(__name__)


@dataclass
class Presence:
    username: str
    role: str


class StaffSockets:
    """Open staff sockets by staff id, so that a session that ends closes them at once, everywhere.

    Each staff socket registers a wake-up (:meth:`watch`). :meth:`ended` wakes this process's
    sockets of the account and publishes its id on ``channels.staff_sessions()``, on which every
    process sharing the broadcast (this one too) wakes its own. A woken socket re-checks its
    session and closes with 4003 if it ended: signing out in one browser leaves the account's
    other signed-in browsers connected; deactivation and a password reset end them all.
    """

    RETRY_SECONDS = 1.0

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._sockets: dict[int, set[asyncio.Event]] = {}
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def watch(self, staff_id: int) -> Iterator[asyncio.Event]:
        """A socket of ``staff_id`` while the block runs: the event is set when it should re-check."""
        wake = asyncio.Event()
        self._sockets.setdefault(staff_id, set()).add(wake)
        try:
            yield wake
        finally:
            found = self._sockets.get(staff_id)
            if found is not None:
                found.discard(wake)
                if not found:
                    del self._sockets[staff_id]

    def wake(self, staff_id: int) -> None:
        """Have this process's sockets of ``staff_id`` re-check their sessions now."""
        for wake in self._sockets.get(staff_id, ()):
            wake.set()

    async def ended(self, staff_id: int) -> None:
        """A session (or all) of ``staff_id`` ended: wake its sockets here and on every other process."""
        self.wake(staff_id)
        frame = {"type": "session.ended", "staff": staff_id}
        try:
            await self.hub.publish(Message(channels.staff_sessions(), encode(frame)))
        except Exception as exc:  # the other processes' sockets still re-check before each action
            log.warning("could not tell the other processes that staff %s signed out: %s", staff_id, exc)

    def start(self) -> None:
        self._task = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        while True:
            try:
                async with self.hub.subscribe(channels.staff_sessions()) as subscription:
                    while True:
                        message = await subscription.get()
                        staff_id = json.loads(message.text).get("staff")
                        if isinstance(staff_id, int):
                            self.wake(staff_id)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # dropped (a backend blip) or a stray message: listen again
                log.info("listening for ended staff sessions again (%s)", exc)
                await asyncio.sleep(self.RETRY_SECONDS)


@dataclass
class Studio:
    settings: Settings
    db: Database
    media: Media
    """The media folder: the kept photos on messages."""
    hub: Hub
    clock: Clock
    sessions: Sessions
    votes: VoteBuffer
    address_limiter: KeyedLimiter
    """Per-address attempts at sign-in and board submissions (keys ``kind:address``)."""
    sign_ins: SignIns
    """Sign-in attempts per address (``address_limiter``) and per username."""
    staff_sockets: StaffSockets
    viewer_signer: Signer
    limits: Limits
    claim_sweeper: ClaimSweeper
    screener: Screener
    asking: AskService
    """Every ask and +1 of the audience, local or forwarded by an edge."""
    audience: Counter[int] = field(default_factory=Counter)
    """Audience connections per event on this process."""
    connections: Counter[str] = field(default_factory=Counter)
    """Open WebSocket connections per client address."""
    joins: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(JOINS_AT_ONCE))
    """Connections being set up at once (``studio.live.connection.Host.joins``)."""
    presence: dict[int, dict[int, Presence]] = field(default_factory=dict)
    suggester: Suggester = field(default_factory=Suggester)
    """The routing suggestion model of this process (trained on demand)."""
    stats_frames: StatsFrames | None = None
    purge: DailyPurge | None = None
    """The daily purge of personal data past ``STUDIO_ADDRESS_RETENTION_DAYS``."""
    deliverer: Deliverer | None = None
    """Sends the notifications' outbox (``studio/notify/``)."""
    digest: DailyDigest | None = None
    """Queues the units' daily digest."""
    _viewers: dict[int, int] = field(default_factory=dict)
    _snapshots: dict[int, tuple[int, float, str]] = field(default_factory=dict)
    _event_refs: dict[str, tuple[tuple[int, str], float]] = field(default_factory=dict)
    _event_ref_reads: dict[str, asyncio.Future[tuple[int, str] | None]] = field(default_factory=dict)
    _snapshot_locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    async def publish_presence(self, event_id: int) -> None:
        people = self.presence.get(event_id, {})
        unique = {(p.username, p.role) for p in people.values()}
        frame = {
            "type": "presence",
            "presence": [{"username": name, "role": role} for name, role in sorted(unique)],
        }
        await self.hub.publish(Message(channels.moderators(event_id), encode(frame)))

    def presence_list(self, event_id: int) -> list[dict[str, str]]:
        unique = {(p.username, p.role) for p in self.presence.get(event_id, {}).values()}
        return [{"username": name, "role": role} for name, role in sorted(unique)]

    def snapshot_lock(self, event_id: int) -> asyncio.Lock:
        """Held while one connection builds the event's snapshot, so a crowd builds it once."""
        lock = self._snapshot_locks.get(event_id)
        if lock is None:
            lock = self._snapshot_locks[event_id] = asyncio.Lock()
        return lock

    def cached_snapshot(self, event_id: int, seq: int | None) -> tuple[int, str | None]:
        """The encoded snapshot at ``seq`` if one was built in the last ``stats_interval`` seconds.

        A crowd joining at once costs one snapshot query per change, not one per viewer;
        only its ``stats.viewers`` may be that old.
        """
        cached = self._snapshots.get(event_id)
        if seq is None:
            return 0, None
        if cached and cached[0] == seq and time.monotonic() - cached[1] < self.settings.stats_interval:
            return seq, cached[2]
        return seq, None

    def keep_snapshot(self, event_id: int, seq: int, text: str) -> None:
        self._snapshots[event_id] = (seq, time.monotonic(), text)

    async def event_ref(self, slug: str) -> tuple[int, str] | None:
        """The id and slug of the event at ``slug``, read from the store at most once per
        ``stats_interval`` per slug: a crowd joining at once costs one read, not one per viewer
        (those arriving while it is read wait for that read rather than queueing their own in
        front of everyone else's, a host's request included)."""
        now = time.monotonic()
        cached = self._event_refs.get(slug)
        if cached is not None and now - cached[1] < self.settings.stats_interval:
            return cached[0]
        pending = self._event_ref_reads.get(slug)
        if pending is not None:
            return await asyncio.shield(pending)
        read = self._event_ref_reads[slug] = asyncio.ensure_future(self._read_event_ref(slug, now))
        return await asyncio.shield(read)

    async def _read_event_ref(self, slug: str, now: float) -> tuple[int, str] | None:
        try:
            async with self.db.read() as reader:
                event = await event_row(reader, slug)
        finally:
            self._event_ref_reads.pop(slug, None)
        if event is None:
            self._event_refs.pop(slug, None)
            return None
        ref = (int(event["id"]), str(event["slug"]))
        if len(self._event_refs) > EVENT_REFS:
            self._event_refs.clear()
        self._event_refs[slug] = (ref, now)
        return ref

    def viewers(self, event_id: int) -> int:
        """Viewers of the event on every process (as last tallied), at least this process's own."""
        return max(self._viewers.get(event_id, 0), self.audience[event_id])

    async def figures(self, event_id: int) -> dict[str, Any] | None:
        """Viewers over every process, question counts from the store; catches up a lost publish."""
        async with self.db.read() as conn:
            counts = await question_counts(conn, event_id)
            seq = await event_seq(conn, event_id)
        if seq is not None:
            await self.hub.catch_up(channels.public(event_id), seq)
        viewers = await self.hub.backend.tally(f"viewers:{event_id}", self.audience[event_id])
        self._viewers[event_id] = viewers
        return {"viewers": viewers, **counts}

    def forget(self, event_id: int) -> None:
        """No viewers of the event here any more: its last tally no longer stands for this process,
        and its cached snapshot (all its published questions, encoded) is let go."""
        self._viewers.pop(event_id, None)
        self._snapshots.pop(event_id, None)

    async def close(self) -> None:
        await self.staff_sockets.stop()
        if self.stats_frames is not None:
            await self.stats_frames.stop()
        await self.claim_sweeper.stop()
        if self.purge is not None:
            await self.purge.stop()
        for background in (self.digest, self.deliverer):
            if background is not None:
                await background.stop()
        await self.screener.stop()
        await self.votes.stop()
        await self.hub.stop()
        await self.db.close()


async def secret_key(db: Database, configured: str | None) -> str:
    """The configured secret, else one generated once and kept in the store."""
    if configured:
        return configured
    async with db.write() as tx:
        kept = await kept_secret_key(tx)
        if kept is not None:
            return kept
        value = secrets.token_urlsafe(48)
        await keep_secret_key(tx, value)
        return value


async def open_studio(settings: Settings) -> Studio:
    clock = Clock(settings.timezone)
    hub = Hub(backend_from_url(settings.broadcast_url), buffer_limit=settings.send_buffer_frames)
    await hub.start()
    db = Database(settings.db_path, publish=hub.publish)
    await db.open()
    media = Media(settings.media_path())
    media.open()
    hub.changelog = StoreChangeLog(db)
    key = await secret_key(db, settings.secret_key)
    async with db.write() as tx:
        await records.store_rules(tx, Rules(settings.board_ordinary_days, settings.board_hard_days,
                                          settings.board_extension_days))
    votes = VoteBuffer(db, clock, settings.vote_flush_interval)
    screener = Screener(db)
    limits = limits_of(settings)
    address_limiter = KeyedLimiter(settings.ask_burst * 3, settings.ask_per_minute * 3 / 60)
    studio = Studio(
        settings=settings,
        db=db,
        media=media,
        hub=hub,
        clock=clock,
        sessions=Sessions(db, clock, key, settings.session_hours),
        votes=votes,
        address_limiter=address_limiter,
        sign_ins=SignIns(address_limiter, settings.login_user_burst, settings.login_user_per_minute / 60),
        staff_sockets=StaffSockets(hub),
        viewer_signer=Signer(key, salt="studio-viewer"),
        limits=limits,
        claim_sweeper=ClaimSweeper(db, settings.claim_seconds),
        screener=screener,
        asking=AskService(db, clock, votes, screener, max_chars=settings.max_question_chars,
                          limits=limits if settings.rate_limits else None),
    )
    await wordlist.seed_defaults(db, clock.stamp())
    studio.staff_sockets.start()
    studio.votes.start()
    studio.claim_sweeper.start()
    studio.screener.start_board_index()
    studio.stats_frames = StatsFrames(hub, studio.audience, studio, settings.stats_interval)
    studio.stats_frames.start()
    studio.purge = DailyPurge(db, clock, settings.address_retention_days, limits, address_limiter,
                              contact_days=settings.contact_retention_days, media=media)
    await studio.purge.tick()
    studio.purge.start()
    studio.deliverer = deliverer_from_settings(db, clock, settings)
    studio.deliverer.start()
    studio.digest = DailyDigest(db, clock)
    studio.digest.start()
    return studio


def limits_of(settings: Settings) -> Limits:
    return Limits(
        ask_burst=settings.ask_burst, ask_rate=settings.ask_per_minute / 60,
        ask_address_burst=settings.ask_address_burst,
        ask_address_rate=settings.ask_address_per_minute / 60,
        vote_burst=settings.vote_burst, vote_rate=settings.votes_per_minute / 60,
        vote_address_burst=settings.vote_address_burst,
        vote_address_rate=settings.vote_address_per_minute / 60,
    )


def studio_of(scope_app: Any) -> Studio:
    studio: Studio = scope_app.state.studio
    return studio
