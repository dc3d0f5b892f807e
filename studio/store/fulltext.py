"""Chinese full-text search: the index's text form, query expressions, highlighting.

SQLite's FTS5 ``trigram`` tokenizer cannot find anything shorter than three
characters, yet most Chinese topic words are two (社保, 医保, 地铁, 物业). The
board indexes a *bigram-expanded* copy of its text instead (docs/search.md):
the text is normalised (NFKC, screening's character folding — traditional
characters to simplified, as :func:`moderation.normalize.fold` does for the
lexicon — and case-folded), split into runs of letters and
digits, and each run is written as its overlapping two-character grams followed
by its last character, space separated — ``社保转移`` becomes
``社保 保转 转移 移``. FTS5's ``ascii`` tokenizer then sees one token per gram.

* a query of two or more characters is the *phrase* of its grams, which
  matches exactly where the query occurs as a substring (within one run);
* a one-character query is a prefix query (``"社"*``): every character of the
  text begins some token (a gram, or a run's trailing character);
* several words separated by spaces or punctuation must all occur (AND).

Everything here is pure: no I/O. Highlighting escapes first and marks after,
so the result is safe HTML whatever the text holds.
"""

from __future__ import annotations

import operator
import re
import unicodedata

from markupsafe import Markup, escape

from moderation.normalize import fold as fold_characters

MAX_TERMS = 8
MAX_TERM_CHARS = 40
RUN = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """The one form of text the index holds and queries are matched in: NFKC, then screening's
    character folding (:func:`moderation.normalize.fold`: traditional characters to simplified,
    one for one), then case-folded, so 'Ａ２区' and 'a2区', '停車' and '停车' index and match alike.

    Changing it changes every case's tokens: the index must then be rebuilt (a migration)."""
    return fold_characters(unicodedata.normalize("NFKC", text)).casefold()


def runs(text: str) -> list[str]:
    """Maximal runs of letters and digits of the normalised text."""
    return RUN.findall(normalise(text))


def grams(run: str) -> list[str]:
    """The tokens of one run: its overlapping bigrams, then its last character."""
    return [*map(operator.add, run, run[1:]), run[-1]]


def index_text(text: str | None) -> str:
    """The bigram-expanded form of ``text`` that the FTS5 table indexes (SQL ``search_tokens``)."""
    if not text:
        return ""
    return " ".join(" ".join(grams(run)) for run in runs(text))


def terms_of(query: str) -> list[str]:
    """The words of a search box entry: runs of letters and digits, at most 8, each ≤ 40 chars."""
    seen: list[str] = []
    for run in runs(query):
        term = run[:MAX_TERM_CHARS]
        if term not in seen:
            seen.append(term)
    return seen[:MAX_TERMS]


def match_expression(terms: list[str]) -> str | None:
    """The FTS5 MATCH expression for ``terms`` (all must occur), or None when there are none.

    Tokens hold only letters and digits, so no FTS5 syntax can be injected.
    """
    parts: list[str] = []
    for term in terms:
        if len(term) == 1:
            parts.append(f'"{term}"*')
        else:
            parts.append('"' + " ".join(term[i : i + 2] for i in range(len(term) - 1)) + '"')
    return " AND ".join(parts) if parts else None


def fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` normalised, and where each of its characters came from (None: same places)."""
    whole = normalise(text)
    if len(whole) == len(text):
        return whole, None
    chars: list[str] = []
    origin: list[int] = []
    for position, char in enumerate(text):
        for folded in normalise(char):
            chars.append(folded)
            origin.append(position)
    return "".join(chars), origin


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where ``terms`` occur in ``text`` (original positions), merged and in order."""
    if not terms or not text:
        return []
    folded, origin = fold(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            found.append((start, end) if origin is None else (origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, terms: list[str]) -> Markup:
    """``text`` as HTML: escaped, with every match of ``terms`` in ``<mark>``."""
    parts: list[str] = []
    position = 0
    for start, end in spans(text, terms):
        parts.append(str(escape(text[position:start])))
        parts.append("<mark>" + str(escape(text[start:end])) + "</mark>")
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


def first_match(text: str, terms: list[str]) -> int | None:
    folded, origin = fold(text)
    places = [place for place in (folded.find(term) for term in terms) if place != -1]
    if not places:
        return None
    return min(places) if origin is None else origin[min(places)]


def snippet(texts: list[str], terms: list[str], width: int = 90) -> Markup:
    """About ``width`` characters around the first match in ``texts`` (the first text when none)."""
    for text in texts:
        first = first_match(text, terms) if terms else None
        if first is not None:
            start = max(0, first - width // 3)
            end = min(len(text), start + width)
            body = mark(text[start:end], terms)
            return Markup(("…" if start else "") + body + ("…" if end < len(text) else ""))
    head = next((text for text in texts if text), "")
    end = min(len(head), width)
    return Markup(escape(head[:end]) + ("…" if end < len(head) else ""))
