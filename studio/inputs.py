"""What people type, cleaned before it is stored: JSON bodies and frames, texts, nicknames,
idempotency keys.

Pure functions: each returns the clean value or raises 400 ``invalid`` naming the field (or
``bad_json`` for what does not parse). Questions, host messages, event details and the board's
submissions and replies share them; every JSON body and WebSocket frame goes through
:func:`load_json`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from studio.errors import MAX_INTEGER, ApiError, invalid

MAX_NICKNAME = 20
MAX_JSON_DEPTH = 32
"""How deeply arrays and objects may nest in a body or frame (the API's own shapes use three levels)."""
INVISIBLE = "\u200b\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Zero-width spaces, word joiners, byte-order marks and the bidirectional embeddings, overrides
and isolates: invisible, and able to hide or reorder what a moderator reads. (Zero-width joiners
stay: emoji sequences need them.)"""
CONTROL_CHARACTERS = (dict.fromkeys(c for c in range(32) if c not in (9, 10))
                      | dict.fromkeys(range(127, 160)) | dict.fromkeys(map(ord, INVISIBLE)))
"""C0 controls but tab and line feed, DEL, C1 controls and :data:`INVISIBLE`: removed from texts."""
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(ValueError):
    """A JSON number the studio does not take (out of range, not finite)."""


def _integer(text: str) -> int:
    value = int(text)
    if not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        raise _Refused(text)
    return value


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(text)
    return value


def _constant(text: str) -> Any:
    raise _Refused(text)


def load_json(raw: str | bytes) -> Any:
    """Parse a JSON body or frame: 400 ``bad_json`` for anything that does not parse (invalid
    UTF-8, bad syntax, nesting deeper than :data:`MAX_JSON_DEPTH`); 400 ``invalid`` for numbers
    out of the signed 64-bit range, ``NaN`` and infinities, and strings with a lone surrogate
    (``"\\ud800"``): none of them can be stored."""
    try:
        value = json.loads(raw, parse_int=_integer, parse_float=_finite, parse_constant=_constant)
    except _Refused:
        raise ApiError("invalid", "数字超出范围或不是有限数") from None
    except (ValueError, RecursionError):
        raise ApiError("bad_json", "不是合法的 JSON") from None
    _check_nesting(value)
    return value


def _check_nesting(value: Any) -> None:
    """Walk the parsed value without recursion: depth bounded, no lone surrogate in any string."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if LONE_SURROGATE.search(item):
                raise ApiError("invalid", "文字中含有无效字符（单独的代理项）")
            continue
        if not isinstance(item, (dict, list)):
            continue
        if depth > MAX_JSON_DEPTH:
            raise ApiError("bad_json", f"JSON 嵌套不能超过 {MAX_JSON_DEPTH} 层")
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)


def clean_text(value: Any, field: str, max_chars: int) -> str:
    """Trimmed text with line breaks unified and control and invisible characters removed;
    400 when empty, too long or holding a lone surrogate."""
    if not isinstance(value, str):
        raise invalid(field, f"{field} 须为文字")
    if LONE_SURROGATE.search(value):
        raise invalid(field, "内容含有无效字符")
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(CONTROL_CHARACTERS).strip()
    if not text:
        raise invalid(field, "内容不能为空")
    if len(text) > max_chars:
        raise invalid(field, f"内容不能超过 {max_chars} 个字")
    return text


def clean_client_key(value: Any) -> str:
    """The client's idempotency key: 8–64 printable characters (a UUID, typically)."""
    if (not isinstance(value, str) or not 8 <= len(value) <= 64 or not value.isprintable()
            or LONE_SURROGATE.search(value)):
        raise invalid("client_key", "client_key 须为 8–64 个字符（建议使用 UUID）")
    return value


def clean_nickname(value: Any) -> str:
    """An optional nickname, trimmed, control and invisible characters removed; empty when absent,
    400 past ``MAX_NICKNAME`` characters."""
    nickname = value or ""
    if not isinstance(nickname, str) or LONE_SURROGATE.search(nickname):
        raise invalid("nickname", f"昵称不能超过 {MAX_NICKNAME} 个字")
    nickname = nickname.translate(CONTROL_CHARACTERS).strip()
    if len(nickname) > MAX_NICKNAME:
        raise invalid("nickname", f"昵称不能超过 {MAX_NICKNAME} 个字")
    return nickname
