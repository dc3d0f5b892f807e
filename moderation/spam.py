"""Spam detectors: links, contact solicitations, flooding, repetition, empty text.

Policies (offsets are original offsets; see :mod:`moderation.normalize`):

- ``spam.link``: ``http(s)://…``, ``www.…`` and bare domains under common
  top-level domains (``.com``, ``.cn``, ``.net``, ``.top``, ``.xyz`` …), not
  the domain part of an e-mail address.
- ``spam.contact``: an invitation to move to a private channel — 加/添加/+
  followed by 微信 (and its evasive spellings 薇信, 威信, v信, vx, wx), v, q, qq
  or 扣扣; or one of those channel names followed by an account (five or
  more letters/digits, optionally after 号/群 and a colon) or by 同号 (微信同号); or
  扫码/扫描二维码 followed by 加, 进, 入, 关注 (扫码进群). A mere mention
  (微信公众号, QQ群里有人说) is not a solicitation.
- ``spam.flood``: the text is the same as, or nearly the same as (bigram
  Jaccard ≥ ``FLOOD_SIMILARITY``, 0.7, and lengths within that ratio), one of
  the same client's last ``FLOOD_WINDOW`` texts; spans the whole text,
  ``score`` is the similarity.
- ``spam.repeat``: one letter or Chinese character five or more times in a row
  (哈哈哈哈哈), an emphatic mark (！？~) six or more times, a dot or
  ellipsis (。….) ten or more times, or a unit of two
  to four characters four or more times (加油加油加油加油). Digits, spaces and
  masking characters (``*``, ``-``, ``_``, ``=``) do not count.
- ``spam.empty``: nothing to read — fewer than two distinct letters, digits or
  Chinese characters, or only a greeting or test word (你好, 在吗, 测试, test …);
  spans the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from moderation.flags import Flag
from moderation.normalize import Normalised, compact_key

FLOOD_SIMILARITY = 0.7
FLOOD_WINDOW = 20
"""How many of the client's most recent texts are compared."""
RECENT_KEYS = 256
"""How many recent texts' compact keys and bigrams are cached (5–7 KB each): the texts of the
clients asking right now, not of every question a process has ever screened."""

_TLDS = "com|cn|net|org|top|xyz|cc|vip|info|me|io|co|club|shop|site|online|tk|ly|link|wang|ink|fun|icu|live|tv|app"
_LINK = re.compile(
    r"(?:https?://|www\.)(?:[a-z0-9\-._~:/?#@!$&'*+;=%]*[a-z0-9/#=_\-~%])?"
    rf"|(?<![a-z0-9@.\-])[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.(?:{_TLDS})(?![a-z0-9\-])"
    r"(?:/(?:[a-z0-9\-._~:/?#@!$&'*+;=%]*[a-z0-9/#=_\-~%])?)?"
)
_CHANNEL = r"(?:微信|薇信|威信|徽信|v信|vx|wx|weixin|qq|扣扣|企鹅号)"
_ACCOUNT = r"\s*(?:号|群|号码)?\s*[:：]?\s*[a-z0-9][a-z0-9_\-]{4,}"
_INVITATION = re.compile(
    rf"(?:添加|加|\+)\s*(?:我\s*)?(?:的\s*)?(?:{_CHANNEL}|(?:v|q)(?![a-z]))(?:{_ACCOUNT})?"
)
_ACCOUNT_GIVEN = re.compile(rf"{_CHANNEL}(?:{_ACCOUNT}|同号)")
_SCAN = re.compile(r"扫(?:描|一扫)?(?:一下|下)?(?:二维码|码)\s*(?:添加|加|进|入|关注)")
_RUN_OF_ONE = re.compile(r"(.)\1{4,}")
_EMPHATIC = frozenset("！!？?~～")
_DOTS = frozenset("。…．.")
_MAYBE_UNIT = re.compile(r"(.)(?=.{1,3}\1.{1,3}\1.{1,3}\1)")
_REPEAT_UNIT = re.compile(r"(..|...|....)\1{3,}")
_GREETINGS = frozenset(
    "你好 您好 你们好 在吗 在不在 有人吗 有人在吗 测试 测试一下 试试 test testing hello hi ok 嗯 哦 啊 呵呵 哈哈 无 没有 不知道".split()
)


_MAYBE_LINK = re.compile(r"\.[a-z]|://")


def find_links(norm: Normalised) -> list[Flag]:
    """Links (``spam.link``)."""
    if not _MAYBE_LINK.search(norm.text):
        return []
    return [_flag("spam.link", norm, m.start(), m.end()) for m in _LINK.finditer(norm.text)]


def find_contacts(norm: Normalised) -> list[Flag]:
    """Contact solicitations (``spam.contact``), non-overlapping."""
    text = norm.text
    spans = [(m.start(), m.end()) for m in _INVITATION.finditer(text)]
    if "扫" in text:
        spans += [(m.start(), m.end()) for m in _SCAN.finditer(text)]
    for m in _ACCOUNT_GIVEN.finditer(text):
        if m.start() > 0 and "a" <= text[m.start() - 1] <= "z":
            continue
        if not any(start <= m.start() < end for start, end in spans):
            spans.append((m.start(), m.end()))
    spans.sort()
    return [_flag("spam.contact", norm, start, end) for start, end in spans]


def find_repeats(norm: Normalised) -> list[Flag]:
    """Character and unit repetition (``spam.repeat``), non-overlapping."""
    text = norm.text
    spans: list[tuple[int, int]] = []
    for m in _RUN_OF_ONE.finditer(text):
        ch, size = m.group(1), m.end() - m.start()
        if (ch.isalpha() and size >= 5) or (ch in _EMPHATIC and size >= 6) or (ch in _DOTS and size >= 10):
            spans.append((m.start(), m.end()))
    if _MAYBE_UNIT.search(text):
        for m in _REPEAT_UNIT.finditer(text):
            unit = m.group(1)
            if any(ch.isalpha() for ch in unit) and len(set(unit)) > 1:
                spans.append((m.start(), m.end()))
    spans.sort(key=lambda s: (s[0], -s[1]))
    flags: list[Flag] = []
    reach = -1
    for start, end in spans:
        if start >= reach:
            flags.append(_flag("spam.repeat", norm, start, end))
            reach = end
    return flags


def is_empty(norm: Normalised) -> bool:
    """Whether the text has nothing to read (module docstring)."""
    compact = norm.compact
    return not compact or compact.count(compact[0]) == len(compact) or compact in _GREETINGS


def find_empty(norm: Normalised) -> list[Flag]:
    """``spam.empty`` over the whole text when :func:`is_empty`."""
    if not is_empty(norm):
        return []
    return [_flag("spam.empty", norm, 0, len(norm.original))]


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(map(str.__add__, key, key[1:])) if len(key) > 1 else frozenset((key,))


@lru_cache(maxsize=RECENT_KEYS)
def _recent_key(text: str) -> tuple[str, frozenset[str]]:
    """Compact key and bigrams of a recent text (the same texts come back with
    every question of a client, so the latest :data:`RECENT_KEYS` are cached)."""
    key = compact_key(text)
    return key, _bigrams(key)


def flood_score(norm: Normalised, recent: Sequence[str]) -> float:
    """The highest similarity of the text to any of the last ``FLOOD_WINDOW``
    ``recent`` texts: 1.0 for the same compact text, else bigram Jaccard.
    Texts whose compact lengths differ by more than the ratio
    ``FLOOD_SIMILARITY`` are not compared (they are not "the same text")."""
    key = norm.compact
    if not key or not recent:
        return 0.0
    mine: frozenset[str] | None = None
    best = 0.0
    for other in recent[-FLOOD_WINDOW:]:
        other_key, theirs = _recent_key(other)
        if other_key == key:
            return 1.0
        if not other_key or min(len(key), len(other_key)) < FLOOD_SIMILARITY * max(len(key), len(other_key)):
            continue  # lengths too far apart to be the same text
        if mine is None:
            mine = _bigrams(key)
        if len(mine) < FLOOD_SIMILARITY * len(theirs) or len(theirs) < FLOOD_SIMILARITY * len(mine):
            continue  # Jaccard <= smaller / larger
        best = max(best, len(mine & theirs) / len(mine | theirs))
    return best


def find_flood(norm: Normalised, recent: Sequence[str]) -> list[Flag]:
    """``spam.flood`` over the whole text when :func:`flood_score` reaches
    ``FLOOD_SIMILARITY``."""
    score = flood_score(norm, recent)
    if score < FLOOD_SIMILARITY:
        return []
    flag = _flag("spam.flood", norm, 0, len(norm.original))
    return [Flag(flag.kind, flag.start, flag.end, flag.text, score=round(score, 3))]


def _flag(kind: str, norm: Normalised, start: int, end: int) -> Flag:
    return Flag(kind, start, end, norm.original[start:end])
