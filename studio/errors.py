"""Errors that answer a client: one class, carried to JSON or to an ``error`` frame."""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import Refusal

STATUS_OF_CODE = {
    "invalid": 400,
    "bad_json": 400,
    "bad_image": 400,
    "image_bomb": 400,
    "image_disguised": 400,
    "unauthenticated": 401,
    "bad_credentials": 401,
    "forbidden": 403,
    "no_viewer": 403,
    "csrf": 403,
    "origin": 403,
    "not_found": 404,
    "stale": 409,
    "not_allowed": 409,
    "conflict": 409,
    "exists": 409,
    "not_accepting": 409,
    "claimed": 409,
    "nothing_to_learn": 409,
    "not_supervisor": 403,
    "case_closed": 409,
    "case_withdrawn": 409,
    "case_replied": 409,
    "no_unit": 409,
    "withdrawn": 409,
    "too_large": 413,
    "image_too_large": 413,
    "image_type": 415,
    "too_fast": 429,
}

MAX_INTEGER = 2**63 - 1
"""The largest integer the store holds (SQLite's signed 64 bits): every id and number a client
sends is checked against it before it reaches a query."""


class ApiError(Exception):
    """A refusal with an API error code; the HTTP status follows from the code."""

    def __init__(self, code: str, message: str, *, http_status: int | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra
        self.http_status = http_status

    @property
    def status_code(self) -> int:
        if self.http_status is not None:
            return self.http_status
        return STATUS_OF_CODE.get(self.code, 500 if self.code == "internal" else 400)

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, **self.extra}}

    @classmethod
    def from_refusal(cls, refusal: Refusal, **extra: Any) -> ApiError:
        return cls(refusal.code, refusal.message, **extra)


def invalid(field: str, message: str) -> ApiError:
    return ApiError("invalid", message, field=field)


def whole_number(value: Any, field: str, message: str, *, low: int = 1,
                 high: int = MAX_INTEGER) -> int:
    """``value`` as an int from ``low`` to ``high`` (by default an id: 1 to 2^63−1; JSON booleans
    are not numbers here), else 400 ``invalid``."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise invalid(field, message)
    return value


def number_text(text: str | None, low: int = 1, high: int = MAX_INTEGER) -> int | None:
    """A decimal number written with ASCII digits only (no sign, at most 19 digits), from ``low``
    to ``high``; ``None`` for anything else (absent, empty, other digits, out of range)."""
    if not text or len(text) > 19 or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if low <= value <= high else None
