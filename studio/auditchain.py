"""The audit log as a hash chain: the canonical encoding of an entry, its digest, verification.

Every audit entry carries ``prev_hash`` (the previous entry's ``hash``; the
first entry's is :data:`GENESIS`) and ``hash``, the SHA-256 of the canonical
encoding of its number, ``prev_hash`` and every stored field
(:data:`FIELDS`). Entries are numbered 1, 2, 3 … with no gap. So a changed
field breaks that entry's hash ("content"), a deleted, inserted or moved row
breaks the numbering ("order"), and a re-hashed entry breaks the next one's
link ("link"); an attacker who re-hashes everything after a change is caught
by a head saved earlier (:func:`check_head` on the database, :func:`compare_saved`
against the links the server publishes). Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry, and the head hash of an empty log."""

FIELDS = ("event_id", "question_id", "case_id", "actor", "role", "action", "from_status",
          "to_status", "before_text", "after_text", "detail", "at")
"""The stored fields an entry's hash covers, in this order, after its number and ``prev_hash``."""

HASH_TEXT = re.compile(r"[0-9a-f]{64}")


def digest(number: int, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The entry's hash: SHA-256 (hex) of the compact UTF-8 JSON array
    ``[number, prev_hash, *fields in FIELDS order]`` (``null`` for a missing value)."""
    values = [number, prev_hash, *(fields.get(name) for name in FIELDS)]
    text = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The last entry of the chain: its number (0 for an empty log) and hash."""

    entry: int
    hash: str

    def public(self) -> dict[str, Any]:
        """The head as the API and the pages publish it."""
        return {"entry": self.entry, "hash": self.hash, "algorithm": "sha256"}


@dataclass(frozen=True)
class Link:
    """One entry without its content: its number, the previous entry's hash and its own. The
    server publishes these (never an entry's fields, which name staff and hold unpublished text)."""

    entry: int
    prev_hash: str
    hash: str

    def public(self) -> dict[str, Any]:
        """The link as the API publishes it."""
        return {"entry": self.entry, "prev_hash": self.prev_hash, "hash": self.hash, "algorithm": "sha256"}


@dataclass(frozen=True)
class Break:
    """The first entry that does not match: its number, what is wrong and how."""

    entry: int
    kind: str  # "content", "order" or "link"
    message: str


@dataclass(frozen=True)
class Verdict:
    """A walk over the chain: the head reached, how many entries, the first break if any."""

    head: Head
    entries: int
    broken: Break | None
    hashes: frozenset[str]

    @property
    def intact(self) -> bool:
        """True when every entry matched its content, number and link."""
        return self.broken is None


def walk(rows: Iterable[Mapping[str, Any]]) -> Verdict:
    """Check every entry in stored order (``id`` ascending) and name the first that does not match.

    Order: an entry's number must be the previous one's plus 1 (a deleted or
    inserted row, or one moved); link: its ``prev_hash`` must be the previous
    entry's ``hash``; content: its ``hash`` must be the digest of what it
    stores. The walk stops at the first break.
    """
    previous = Head(0, GENESIS)
    count = 0
    seen: set[str] = set()
    for row in rows:
        number = int(row["id"])
        stored = row["hash"] or ""
        if number != previous.entry + 1:
            what = (f"entry {number} follows entry {previous.entry}: "
                    + (f"entries {previous.entry + 1}–{number - 1} are missing"
                       if number > previous.entry + 1 else "it is out of order"))
            return Verdict(previous, count, Break(number, "order", what), frozenset(seen))
        if row["prev_hash"] != previous.hash:
            return Verdict(previous, count, Break(
                number, "link", f"entry {number} does not link to entry {previous.entry}"), frozenset(seen))
        if digest(number, row["prev_hash"], {name: row[name] for name in FIELDS}) != stored:
            return Verdict(previous, count, Break(
                number, "content", f"entry {number}'s content does not match its hash"), frozenset(seen))
        previous = Head(number, stored)
        seen.add(stored)
        count += 1
    return Verdict(previous, count, None, frozenset(seen))


def check_head(verdict: Verdict, saved_hash: str) -> str | None:
    """None when a head saved earlier (its hash) is still in an intact chain, else why not."""
    wanted = saved_hash.strip().lower()
    if wanted == GENESIS:
        return None
    if wanted not in verdict.hashes:
        return f"the saved head {wanted} is not in the chain: the record was rewritten or is another log"
    return None


def check_path(head: Mapping[str, Any]) -> str:
    """The public page that checks a saved head (``{entry, hash}``) against the chain."""
    return f"/audit?entry={int(head['entry'])}&hash={head['hash']}"


def saved_head(entry: str | int, hash_text: str) -> Head | None:
    """A head someone saved, as they typed or pasted it: the entry number (ASCII digits, 0 or
    more) and the hash (64 hex digits, any case, spaces around ignored); None when either is not."""
    text = str(entry).strip()
    value = hash_text.strip().lower()
    if not text.isascii() or not text.isdigit() or len(text) > 18 or not HASH_TEXT.fullmatch(value):
        return None
    return Head(int(text), value)


def compare_saved(saved: Head, stored: Link | None, head: Head) -> str:
    """How a saved head stands against the chain the server keeps now, given the stored link at
    the saved entry's number (None when there is none) and the current head:

    ``"kept"``: the entry still has the saved hash, so entries 1 to that number are as they were
    when it was saved (each hash covers the one before it); ``"rewritten"``: the entry is there
    with another hash, so something up to it was changed and re-hashed; ``"missing"``: the chain
    is now shorter than the saved entry, so entries were removed (or the head is of another log).
    Entry 0 is the empty log's head: kept when its hash is :data:`GENESIS`.
    """
    if saved.entry == 0:
        return "kept" if saved.hash == GENESIS else "rewritten"
    if stored is None or saved.entry > head.entry:
        return "missing"
    return "kept" if stored.hash == saved.hash else "rewritten"
