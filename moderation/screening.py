"""Screening: the one entry point that flags, suggests and ranks a question.

:func:`screen` runs every detector over one text and returns a
:class:`Screening`. It never decides: the moderator does. Its policy:

- the text is normalised once (:mod:`moderation.normalize`); every flag's
  offsets refer to the original text;
- personal data (:mod:`moderation.pii`), sensitive words (the given
  :class:`~moderation.lexicon.Lexicon`), spam (:mod:`moderation.spam`; flooding
  against ``recent``, the same client's earlier texts) and, when an index is
  given, near-duplicates (:class:`~moderation.similarity.DuplicateIndex`) are
  all reported, sorted by start offset;
- ``redacted`` is the original text with every personal-data suggestion
  applied (overlapping ones: the earlier, then longer, wins);
- ``priority`` ranks the queue (see :func:`priority`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from moderation import pii, spam
from moderation.flags import Flag
from moderation.lexicon import Lexicon
from moderation.normalize import normalise
from moderation.similarity import (
    DEFAULT_THRESHOLD,
    DuplicateIndex,
)

WEIGHTS: dict[str, int] = {
    "word.block": 90,
    "pii.id_number": 80,
    "pii.bank_card": 80,
    "pii": 70,
    "word.review": 50,
    "spam.contact": 40,
    "spam.link": 40,
    "spam.flood": 30,
    "duplicate": 20,
    "spam.repeat": 10,
    "spam.empty": 10,
}
"""Severity of each kind of flag (``pii`` stands for every other ``pii.*``)."""


@dataclass(frozen=True, slots=True)
class Screening:
    """The result of screening one text."""

    flags: tuple[Flag, ...]
    redacted: str
    priority: int

    def flags_json(self) -> list[dict[str, object]]:
        """The flags in the DESIGN.md §4 form, in order."""
        return [flag.as_dict() for flag in self.flags]


def weight(flag: Flag) -> int:
    """The severity of one flag (:data:`WEIGHTS`)."""
    if flag.kind.startswith("word."):
        return WEIGHTS["word.block"] if flag.level == "block" else WEIGHTS["word.review"]
    if flag.kind in WEIGHTS:
        return WEIGHTS[flag.kind]
    if flag.kind.startswith("pii."):
        return WEIGHTS["pii"]
    return 0


def priority(flags: Iterable[Flag]) -> int:
    """How soon and how carefully a moderator should look: the weight of the
    most severe flag plus the number of flags (at most 9), so a block word
    (90+) comes before an ID number (80+), any personal data (70+) before a
    review word (50+), before links and contacts (40+), flooding (30+),
    duplicates (20+) and repetition or empty text (10+); among equals, more
    flags first. No flags: 0."""
    flags = list(flags)
    if not flags:
        return 0
    return max(weight(f) for f in flags) + min(len(flags), 9)


def redact(text: str, flags: Iterable[Flag]) -> str:
    """``text`` with every flag that carries a ``suggestion`` replaced by it,
    non-overlapping, earliest (then longest) first."""
    pieces: list[str] = []
    at = 0
    for flag in sorted((f for f in flags if f.suggestion is not None), key=lambda f: (f.start, -f.end)):
        if flag.start < at:
            continue
        pieces.append(text[at : flag.start])
        pieces.append(flag.suggestion or "")
        at = flag.end
    pieces.append(text[at:])
    return "".join(pieces)


def screen(
    text: str,
    *,
    lexicon: Lexicon,
    duplicates: DuplicateIndex | None = None,
    recent: Sequence[str] = (),
    duplicate_threshold: float = DEFAULT_THRESHOLD,
    exclude_id: int | None = None,
) -> Screening:
    """Screen one question (module docstring). ``recent``: the same client's
    earlier texts, newest last, for flood detection. ``duplicates``: the index
    of the event's questions (or board posts) to search for near-duplicates;
    the caller adds the question to it after storing it. ``exclude_id``: an
    id never to suggest (the question itself, when re-screening an indexed
    question after an edit)."""
    norm = normalise(text)
    flags: list[Flag] = pii.find_pii(norm)
    flags += lexicon.find_normalised(norm)
    flags += spam.find_links(norm)
    flags += spam.find_contacts(norm)
    flags += spam.find_repeats(norm)
    flags += spam.find_empty(norm)
    flags += spam.find_flood(norm, recent)
    if duplicates is not None and len(duplicates):
        sig = duplicates.signature_of_compact(norm.compact)
        if sig is not None:
            hits = duplicates.query_signature(sig, threshold=duplicate_threshold, limit=4)
            hits = [hit for hit in hits if hit[0] != exclude_id][:3]
            for item_id, score in hits:
                flags.append(Flag("duplicate", 0, len(text), text, question_id=item_id, score=score))
    flags.sort(key=lambda f: (f.start, -f.end, f.kind))
    pii_flags = [f for f in flags if f.kind.startswith("pii.")]
    return Screening(tuple(flags), redact(text, pii_flags), priority(flags))
