"""Sensitive-word lexicons and their Aho–Corasick matcher.

A lexicon is a list of :class:`Term` (text, category, level). :meth:`Lexicon.build`
compiles every term's compact key (see :mod:`moderation.normalize`) into one
``pyahocorasick`` automaton, so one pass over a question's compact text finds
every term, whatever spaces, punctuation, widths or traditional characters
were typed in between or instead.

The automaton runs over the UTF-8 bytes of the text (as a Latin-1 string):
pyahocorasick searches a node's children one by one, and with Chinese terms
the root has thousands of children; over bytes no node has more than 256, which
makes a 10,000-term search about ten times faster. UTF-8 is self-synchronising,
so a term's bytes only ever match at a character boundary.

Lexicon file format (what :func:`parse_lexicon` reads and admins edit)::

    # comment lines start with #; blank lines are ignored
    term<TAB>category<TAB>level
    加微信	ads	review
    傻逼	abuse	block

``category`` is a lower-case word (``abuse``, ``ads``, ``illegal``, ``rumour``,
…; it becomes the flag kind ``word.<category>``); ``level`` is ``block``
(suggest rejecting) or ``review`` (look closer), default ``review``. Fields
may also be separated by runs of spaces. A term whose compact form is empty
(only spaces or punctuation) is an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ahocorasick

from moderation.flags import Flag
from moderation.normalize import Normalised, compact_key, normalise

LEVELS = ("block", "review")
"""Term levels, most severe first."""

_CATEGORY = re.compile(r"[a-z][a-z0-9_-]{0,31}\Z")
_ASCII_LETTER = re.compile(r"[a-z]")
_SENTENCE_BREAKS = frozenset("。！？；\n\r!?;")
MAX_GAP = 3
"""At most this many dropped characters may stand between two characters of a match."""


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon entry."""

    text: str
    category: str
    level: str


def parse_lexicon(text: str) -> list[Term]:
    """Parse the lexicon file format (module docstring). Raises ``ValueError``
    naming the 1-based line number of the first bad line."""
    terms: list[Term] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        fields = [f.strip() for f in fields if f.strip()]
        if len(fields) not in (2, 3):
            raise ValueError(f"line {number}: expected term, category and level, got {raw!r}")
        term, category = fields[0], fields[1]
        level = fields[2] if len(fields) == 3 else "review"
        if not _CATEGORY.match(category):
            raise ValueError(f"line {number}: bad category {category!r} (lower-case word)")
        if level not in LEVELS:
            raise ValueError(f"line {number}: bad level {level!r} (block or review)")
        if not compact_key(term):
            raise ValueError(f"line {number}: term {term!r} has no letters or digits")
        terms.append(Term(term, category, level))
    return terms


def format_lexicon(terms: Iterable[Term]) -> str:
    """The file form of ``terms`` (one ``term<TAB>category<TAB>level`` line each)."""
    return "".join(f"{t.text}\t{t.category}\t{t.level}\n" for t in terms)


def default_terms() -> list[Term]:
    """The small lexicon shipped with the studio (``moderation/default_lexicon.py``)."""
    from moderation.default_lexicon import DEFAULT_LEXICON

    return parse_lexicon(DEFAULT_LEXICON)


class Lexicon:
    """A compiled set of terms; build once, share between questions (read-only)."""

    __slots__ = ("_automaton", "terms")

    def __init__(self, terms: tuple[Term, ...], automaton: Any) -> None:
        self.terms = terms
        self._automaton = automaton

    @classmethod
    def build(cls, terms: Iterable[Term]) -> Lexicon:
        """Compile ``terms``. Terms with the same compact key merge: the most
        severe level wins, and each distinct category is reported."""
        by_key: dict[str, dict[str, Term]] = {}
        kept: list[Term] = []
        for term in terms:
            if term.level not in LEVELS:
                raise ValueError(f"bad level {term.level!r} for term {term.text!r}")
            key = compact_key(term.text)
            if not key:
                raise ValueError(f"term {term.text!r} has no letters or digits")
            kept.append(term)
            cats = by_key.setdefault(key, {})
            old = cats.get(term.category)
            if old is None or LEVELS.index(term.level) < LEVELS.index(old.level):
                cats[term.category] = term
        automaton = ahocorasick.Automaton()
        for key, cats in by_key.items():
            encoded = key.encode("utf-8")
            automaton.add_word(
                encoded.decode("latin-1"), (len(encoded), key.isascii(), tuple(cats.values()))
            )
        if by_key:
            automaton.make_automaton()
        return cls(tuple(kept), automaton if by_key else None)

    def __len__(self) -> int:
        return len(self.terms)

    def find(self, text: str) -> list[Flag]:
        """Every term occurrence in ``text`` as a ``word.<category>`` flag with
        its ``level``; see :meth:`find_normalised`."""
        return self.find_normalised(normalise(text))

    def find_normalised(self, norm: Normalised) -> list[Flag]:
        """Matches of the compiled terms in ``norm.compact``, mapped back to the
        original. A match is dropped when the characters it skipped over
        contain a sentence break (。！？；or a line break) or a gap longer than
        :data:`MAX_GAP` — the term then spans two sentences, not one word
        written apart. A term of only ASCII letters/digits must not touch
        other ASCII letters (``vx`` is not found in ``nvxx``, but is in ``vx123``).
        Overlapping matches are reduced to the longest one per category."""
        if self._automaton is None or not norm.compact:
            return []
        encoded = norm.compact.encode("utf-8")
        found: list[tuple[int, int, Term]] = []
        for end_byte, (length, ascii_only, terms) in self._automaton.iter(encoded.decode("latin-1")):
            cstart = len(encoded[: end_byte + 1 - length].decode("utf-8"))
            cend = cstart + len(encoded[end_byte + 1 - length : end_byte + 1].decode("utf-8"))
            span = self._span(norm, cstart, cend, ascii_only)
            if span is None:
                continue
            for term in terms:
                found.append((span[0], span[1], term))
        if not found:
            return []
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        flags: list[Flag] = []
        reach: dict[str, int] = {}
        for start, end, term in found:
            if reach.get(term.category, -1) >= end:
                continue
            reach[term.category] = end
            flags.append(
                Flag(
                    kind=f"word.{term.category}",
                    start=start,
                    end=end,
                    text=norm.original[start:end],
                    level=term.level,
                )
            )
        return flags

    @staticmethod
    def _span(norm: Normalised, cstart: int, cend: int, ascii_only: bool) -> tuple[int, int] | None:
        start, end = norm.span(cstart, cend)
        if end - start != cend - cstart:
            previous = start
            for index in range(cstart + 1, cend):
                here = norm.position(index)
                gap = norm.text[previous + 1 : here]
                if len(gap) > MAX_GAP or any(ch in _SENTENCE_BREAKS for ch in gap):
                    return None
                previous = here
        if ascii_only:
            text = norm.text
            if start > 0 and _ASCII_LETTER.match(text[start - 1]):
                return None
            if end < len(text) and _ASCII_LETTER.match(text[end]):
                return None
        return start, end
