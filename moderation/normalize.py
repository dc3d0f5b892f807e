"""Text normalisation for screening, with a map back to the original text.

Two views of a text are built, both pure functions of it:

``text``
    The original with every character replaced by its canonical form, one
    character for one (so an index into it is an index into the original):
    compatibility forms folded as NFKC folds them when that gives a single
    character (full-width ``１３８`` → ``138``, ``ＡＢ`` → ``ab``, ideographic
    space, circled digits, Kangxi radicals, compatibility ideographs), ASCII
    letters lower-cased, zero-width characters turned into spaces, and
    traditional characters turned into simplified ones (OpenCC's
    character table, first candidate).

``compact``
    ``text`` with every character that is not a letter, digit or mark removed
    (spaces, punctuation, symbols, emoji, control and format characters), so
    that ``傻 . 瓜`` and ``傻瓜`` look the same to the word matcher.
    :meth:`Normalised.span` maps a ``compact`` span back to the original.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Ranges where NFKC folds characters that people (or evaders) type.
_NFKC_RANGES = (
    (0x00A0, 0x0250),  # Latin-1 supplement, Latin extended
    (0x2000, 0x2070),  # general punctuation (spaces, dashes)
    (0x2070, 0x20A0),  # super- and subscripts
    (0x2150, 0x2190),  # number forms (Roman numerals)
    (0x2460, 0x2500),  # enclosed alphanumerics ①
    (0x2E80, 0x2FE0),  # CJK radicals, Kangxi radicals
    (0x3000, 0x3040),  # CJK symbols and punctuation (ideographic space)
    (0x3200, 0x3400),  # enclosed CJK, CJK compatibility
    (0xF900, 0xFB00),  # CJK compatibility ideographs
    (0xFE10, 0xFE70),  # vertical and small forms
    (0xFF00, 0xFFF0),  # full-width and half-width forms
    (0x1D400, 0x1D800),  # mathematical alphanumerics 𝐀
    (0x1F100, 0x1F200),  # enclosed alphanumeric supplement
    (0x2F800, 0x2FA20),  # CJK compatibility ideographs supplement
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _traditional_to_simplified() -> dict[str, str]:
    """OpenCC's traditional→simplified character table (single characters only)."""
    table: dict[str, str] = {}
    path = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and key != first:
            table[key] = first
    return table


@cache
def _fold_table() -> dict[int, str]:
    """The one-for-one translation table behind ``Normalised.text``."""
    fold: dict[int, str] = {}
    for lo, hi in _NFKC_RANGES:
        for code in range(lo, hi):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded != chr(code):
                fold[code] = folded
    ts = _traditional_to_simplified()
    for code, folded in list(fold.items()):
        fold[code] = ts.get(folded, folded)
    for trad, simp in ts.items():
        fold.setdefault(ord(trad), simp)
    for code, folded in list(fold.items()):
        if "A" <= folded <= "Z":
            fold[code] = folded.lower()
    for upper in range(ord("A"), ord("Z") + 1):
        fold[upper] = chr(upper).lower()
    for ch in _ZERO_WIDTH:
        fold[ord(ch)] = " "
    return fold


def _skip_class() -> str:
    """A regex class of every character that ``compact`` drops: Unicode
    categories Z*, P*, S* and C* (below U+20000; CJK extensions are kept)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x20000):
        if unicodedata.category(chr(code))[0] in "ZPSC":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = []
    for lo, hi in ranges:
        if 0xD800 <= lo <= 0xDFFF:
            continue
        parts.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
    return "".join(parts)


@cache
def _kept_runs() -> re.Pattern[str]:
    return re.compile(f"[^{_skip_class()}]+")


def is_skipped(ch: str) -> bool:
    """Whether ``compact`` drops this character (space, punctuation, symbol, control)."""
    return unicodedata.category(ch)[0] in "ZPSC"


def fold(text: str) -> str:
    """``text`` with each character replaced by its canonical form (same length)."""
    return text.translate(_fold_table())


def compact_key(text: str) -> str:
    """The ``compact`` view of a standalone string (used for lexicon terms)."""
    return "".join(m.group() for m in _kept_runs().finditer(fold(text)))


@dataclass(frozen=True, slots=True)
class Normalised:
    """Both views of one text; see the module docstring."""

    original: str
    text: str
    compact: str
    run_starts: tuple[int, ...]  # offset in ``compact`` where each kept run starts
    run_origins: tuple[int, ...]  # offset in ``text`` of the same run

    def position(self, index: int) -> int:
        """The original offset of ``compact[index]``."""
        run = bisect_right(self.run_starts, index) - 1
        return self.run_origins[run] + index - self.run_starts[run]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering ``compact[start:end]`` (``end > start``)."""
        return self.position(start), self.position(end - 1) + 1


def normalise(text: str) -> Normalised:
    """Fold ``text`` and build its compact view with the offset map."""
    folded = fold(text)
    starts: list[int] = []
    origins: list[int] = []
    pieces: list[str] = []
    size = 0
    for m in _kept_runs().finditer(folded):
        starts.append(size)
        origins.append(m.start())
        piece = m.group()
        pieces.append(piece)
        size += len(piece)
    return Normalised(text, folded, "".join(pieces), tuple(starts), tuple(origins))
