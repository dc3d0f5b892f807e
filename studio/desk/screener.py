"""Screening in the running studio: the store's lexicon, the event's questions, the asker's history.

:func:`moderation.screening.screen` is pure; this module feeds it:

- the lexicon: compiled once per process and rebuilt when ``meta.lexicon_version``
  moved (an admin edited the lexicon here or on another process);
- duplicates: one :class:`DuplicateIndex` per event, filled from the store on
  first use and topped up before each ask with the questions asked since (by
  id, so questions stored by other processes are included) while questions
  rejected or merged since leave it: suggestions only name questions that can
  still be merged into. The indexes of the ``EVENT_INDEXES`` events asked in
  most recently are kept; an older one (a closed event's) is let go and
  rebuilt from the store if that event is asked in again;
- ``recent``: the same client's latest texts in the event (the viewer id, or
  the address when there is none), for flood detection;
- board duplicates: one :class:`DuplicateIndex` of the board's cases for
  netizens' direct submissions, built in a thread in the background (a board
  of 100,000 cases takes seconds; submissions screened before it is ready get
  no duplicate flags) and topped up by case id before each submission.

Screening flags, suggests and ranks; it never rejects or publishes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from moderation.lexicon import Lexicon
from moderation.screening import Screening, screen
from moderation.similarity import DuplicateIndex
from studio.desk import wordlist
from studio.store import desk as desk_rows
from studio.store.cases import case_texts
from studio.store.database import Database, Queryable
from studio.store.events import event_row

RECENT_TEXTS = 5
EVENT_INDEXES = 8
"""How many events' duplicate indexes a process keeps (the most recently asked in)."""
"""How many of the client's previous questions flood detection compares with."""
MERGEABLE = ("pending", "approved", "on_air", "answered")


@dataclass
class _EventIndex:
    index: DuplicateIndex = field(default_factory=DuplicateIndex)
    last_id: int = 0
    last_handled: str = ""


class Screener:
    """Screens questions for one server process (shared by HTTP and WebSocket asks)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lexicon: Lexicon | None = None
        self._version: str | None = None
        self._events: OrderedDict[int, _EventIndex] = OrderedDict()
        self._lock = asyncio.Lock()
        self._board: _EventIndex | None = None
        self._board_task: asyncio.Task[None] | None = None

    def start_board_index(self) -> None:
        """Start building the board's duplicate index in the background (once)."""
        if self._board_task is None:
            self._board_task = asyncio.create_task(self._build_board_index())

    async def stop(self) -> None:
        if self._board_task is not None:
            self._board_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._board_task

    async def _build_board_index(self) -> None:
        async with self.db.read() as conn:
            rows = await case_texts(conn)
        entries = [(int(row["id"]), case_text(row["title"], row["text"])) for row in rows]

        def build() -> _EventIndex:
            board = _EventIndex()
            for case_id, text in entries:
                board.index.add(case_id, text)
            board.last_id = entries[-1][0] if entries else 0
            return board

        self._board = await asyncio.to_thread(build)

    async def board_duplicates(self) -> DuplicateIndex | None:
        """The board's cases as a duplicate index, topped up with new cases; ``None`` while building."""
        self.start_board_index()
        board = self._board
        if board is None:
            return None
        async with self.db.read() as conn:
            rows = await case_texts(conn, board.last_id)
        for row in rows:
            board.index.add(row["id"], case_text(row["title"], row["text"]))
            board.last_id = row["id"]
        return board.index

    async def lexicon(self) -> Lexicon:
        """The compiled lexicon of the store, rebuilt when its version moved."""
        async with self.db.read() as conn:
            current = await wordlist.version(conn)
        return await self._lexicon_at(current)

    async def _lexicon_at(self, current: str) -> Lexicon:
        if self._lexicon is not None and current == self._version:
            return self._lexicon
        async with self._lock:
            if self._lexicon is not None and current == self._version:
                return self._lexicon
            async with self.db.read() as conn:
                current = await wordlist.version(conn)
                terms = await wordlist.all_terms(conn)
            self._lexicon = await asyncio.to_thread(Lexicon.build, terms)
            self._version = current
            return self._lexicon

    async def screen_ask(self, slug: str, text: str, *, viewer: str, address: str) -> Screening | None:
        """Screen a question about to be asked in the event ``slug`` (``None``: no such event).

        One read gathers everything (lexicon version, new questions of the
        event, the client's recent texts); only a lexicon change costs another.
        """
        async with self.db.read() as conn:
            event = await event_row(conn, slug)
            if event is None:
                return None
            version = await wordlist.version(conn)
            duplicates = await self._duplicates(conn, event["id"])
            recent = await recent_texts(conn, event["id"], viewer=viewer, address=address)
        lexicon = await self._lexicon_at(version)
        return screen(text, lexicon=lexicon, duplicates=duplicates, recent=recent)

    async def screen_question(self, event_id: int, text: str, *, viewer: str, address: str) -> Screening:
        """Screen a question about to be asked in ``event_id`` by ``viewer`` (else ``address``)."""
        async with self.db.read() as conn:
            version = await wordlist.version(conn)
            duplicates = await self._duplicates(conn, event_id)
            recent = await recent_texts(conn, event_id, viewer=viewer, address=address)
        return screen(text, lexicon=await self._lexicon_at(version), duplicates=duplicates,
                      recent=recent)

    async def _duplicates(self, conn: Queryable, event_id: int) -> DuplicateIndex:
        """The event's index, topped up with new questions; rejected and merged ones leave it."""
        entry = self._events.get(event_id)
        if entry is None:
            entry = self._events[event_id] = _EventIndex()
            while len(self._events) > EVENT_INDEXES:
                self._events.popitem(last=False)
        else:
            self._events.move_to_end(event_id)
        for row in await desk_rows.questions_after(conn, event_id, entry.last_id):
            if row["status"] in MERGEABLE:
                entry.index.add(row["id"], row["original_text"])
            entry.last_id = max(entry.last_id, row["id"])
        for row in await desk_rows.removed_since(conn, event_id, entry.last_handled):
            entry.index.remove(row["id"])
            entry.last_handled = max(entry.last_handled, row["handled_at"] or "")
        return entry.index

    async def _duplicates_of(self, slug: str) -> DuplicateIndex:
        """The (topped-up) duplicate index of an event; for benchmarks and diagnostics."""
        async with self.db.read() as conn:
            event = await event_row(conn, slug)
            return await self._duplicates(conn, event["id"])

    async def screen_text(self, text: str, *, recent: Sequence[str] = (),
                          duplicates: DuplicateIndex | None = None) -> Screening:
        """Screen a text with the store's lexicon only (plus what the caller passes)."""
        return screen(text, lexicon=await self.lexicon(), duplicates=duplicates, recent=recent)


def case_text(title: str, text: str) -> str:
    """What a board case is compared on: its text, or its title when the text repeats it."""
    return text if text.startswith(title.rstrip("…")) else f"{title} {text}"


async def recent_texts(conn: Queryable, event_id: int, *, viewer: str, address: str) -> list[str]:
    """The client's latest texts in the event, oldest first (newest last)."""
    if viewer:
        column, key = "viewer_key", viewer
    elif address:
        column, key = "address", address
    else:
        return []
    return list(reversed(await desk_rows.client_texts(conn, event_id, column, key, RECENT_TEXTS)))


async def screen_board_submission(screener: Screener, text: str, *, recent: Sequence[str] = (),
                                  duplicates: DuplicateIndex | None = None) -> Screening:
    """Screen a netizen's board submission (outside any event) with the store's lexicon.

    For the board: pass the submitter's recent texts and, when the board keeps
    one, a :class:`DuplicateIndex` of its posts; store ``screening.flags_json()``
    with the submission. ``studio.screener`` on the running ``Studio`` is the
    process's screener.
    """
    return await screener.screen_text(text, recent=recent, duplicates=duplicates)
