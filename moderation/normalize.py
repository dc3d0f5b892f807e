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
    :meth:`Normalised.span` maps a ``compact`` span back to the original
    (the map is an array of offsets, computed with numpy from a lookup table of
    the characters that are kept).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

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


_KEEP_AS_SYMBOL = frozenset("@+-.:/()#%&=?_~")
"""Punctuation that is folded to ASCII (e-mail, links, phone numbers); other
punctuation keeps its own form, since ``compact`` drops it anyway."""


def _skipped(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "ZPSC"


@cache
def _fold_table() -> dict[str, str]:
    """The one-for-one replacements behind ``Normalised.text``."""
    fold: dict[str, str] = {}
    for lo, hi in _NFKC_RANGES:
        for code in range(lo, hi):
            ch = chr(code)
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) != 1 or folded == ch:
                continue
            if _skipped(ch) and _skipped(folded) and folded not in _KEEP_AS_SYMBOL and not folded.isspace():
                continue
            fold[ch] = folded
    ts = _traditional_to_simplified()
    for ch, folded in list(fold.items()):
        fold[ch] = ts.get(folded, folded)
    for trad, simp in ts.items():
        fold.setdefault(trad, simp)
    for ch, folded in list(fold.items()):
        if "A" <= folded <= "Z":
            fold[ch] = folded.lower()
    for upper in range(ord("A"), ord("Z") + 1):
        fold[chr(upper)] = chr(upper).lower()
    for ch in _ZERO_WIDTH:
        fold[ch] = " "
    for code in range(0x1F000, 0x1FB00):  # emoji and other pictographs
        if _skipped(chr(code)):
            fold[chr(code)] = " "
    return fold


def _char_class(chars: Iterable[str]) -> str:
    """A regex character class body for ``chars``, as ranges."""
    codes = sorted({ord(ch) for ch in chars})
    parts: list[str] = []
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        lo, hi = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "".join(parts)


@cache
def _fold_pattern() -> re.Pattern[str]:
    # Python's re looks a character up in O(1) only in classes of BMP
    # characters, so astral ones are matched by two coarse ranges and looked up.
    bmp = _char_class(k for k in _fold_table() if ord(k) <= 0xFFFF)
    return re.compile(f"[{bmp}]|[\U0001d400-\U0001faff\U0002f800-\U0002fa1f]")


@cache
def _kept_table() -> npt.NDArray[np.bool_]:
    """For every code point, whether ``compact`` keeps it: all but categories
    Z*, P*, S*, C* in the BMP (astral symbols were folded to spaces already)."""
    table = np.ones(0x110000, dtype=np.bool_)
    category = unicodedata.category
    skipped = [c for c in range(0x10000) if category(chr(c))[0] in "ZPSC" and not 0xD800 <= c <= 0xDFFF]
    table[skipped] = False
    return table


def _codes(text: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _compact(folded: str) -> tuple[str, npt.NDArray[np.intp]]:
    """The compact form of folded text and the offset of each of its characters."""
    codes = _codes(folded)
    positions = np.flatnonzero(_kept_table()[codes])
    return codes[positions].tobytes().decode("utf-32-le", "surrogatepass"), positions


def is_skipped(ch: str) -> bool:
    """Whether ``compact`` drops this character (space, punctuation, symbol, control)."""
    return _skipped(ch)


def fold(text: str) -> str:
    """``text`` with each character replaced by its canonical form (same length)."""
    table = _fold_table()
    return _fold_pattern().sub(lambda m: table.get(m.group(), m.group()), text)


def compact_key(text: str) -> str:
    """The ``compact`` view of a standalone string (used for lexicon terms)."""
    return _compact(fold(text))[0]


class Normalised:
    """Both views of one text; see the module docstring."""

    __slots__ = ("_positions", "compact", "original", "text")

    def __init__(self, original: str, text: str, compact: str, positions: npt.NDArray[np.intp]) -> None:
        self.original = original
        self.text = text
        self.compact = compact
        self._positions = positions  # original offset of each ``compact`` character

    def position(self, index: int) -> int:
        """The original offset of ``compact[index]``."""
        return int(self._positions[index])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering ``compact[start:end]`` (``end > start``)."""
        return int(self._positions[start]), int(self._positions[end - 1]) + 1


def normalise(text: str) -> Normalised:
    """Fold ``text`` and build its compact view with the offset map."""
    folded = fold(text)
    compact, positions = _compact(folded)
    return Normalised(text, folded, compact, positions)
