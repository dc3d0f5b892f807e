"""What people type, cleaned before it is stored: texts, nicknames, idempotency keys.

Pure functions: each returns the clean value or raises 400 ``invalid`` naming the field.
Questions, host messages, event details and the board's submissions and replies share them.
"""

from __future__ import annotations

from typing import Any

from studio.errors import invalid

MAX_NICKNAME = 20
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if c not in (9, 10)) | {127: None}


def clean_text(value: Any, field: str, max_chars: int) -> str:
    """Trimmed text with line breaks unified and control characters removed; 400 when empty or too long."""
    if not isinstance(value, str):
        raise invalid(field, f"{field} 须为文字")
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(CONTROL_CHARACTERS).strip()
    if not text:
        raise invalid(field, "内容不能为空")
    if len(text) > max_chars:
        raise invalid(field, f"内容不能超过 {max_chars} 个字")
    return text


def clean_client_key(value: Any) -> str:
    """The client's idempotency key: 8–64 printable characters (a UUID, typically)."""
    if not isinstance(value, str) or not 8 <= len(value) <= 64 or not value.isprintable():
        raise invalid("client_key", "client_key 须为 8–64 个字符（建议使用 UUID）")
    return value


def clean_nickname(value: Any) -> str:
    """An optional nickname, trimmed; empty when absent, 400 past ``MAX_NICKNAME`` characters."""
    nickname = value or ""
    if not isinstance(nickname, str) or len(nickname.strip()) > MAX_NICKNAME:
        raise invalid("nickname", f"昵称不能超过 {MAX_NICKNAME} 个字")
    return nickname.strip()
