"""The codes an asker keeps: a tracking code to follow the question, a rating code to rate the reply."""

from __future__ import annotations

import hmac
import secrets

RATING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be misread for one another (no I, L, O, 0, 1)."""


def new_tracking_code() -> str:
    """A random, unguessable code for the asker's tracking page."""
    return secrets.token_urlsafe(12)


def new_rating_code() -> str:
    """Eight characters an asker types to rate the reply; short enough to copy by hand."""
    return "".join(secrets.choice(RATING_ALPHABET) for _ in range(8))


def same_secret(expected: str, given: str, *, ignore_case: bool = False) -> bool:
    """Whether ``given`` is the secret ``expected`` (a token or a code), compared as ASCII bytes in
    constant time; ``False`` for anything that is not ASCII (a secret the studio made never is)."""
    if not given.isascii() or not expected.isascii():
        return False
    if ignore_case:
        expected, given = expected.upper(), given.upper()
    return hmac.compare_digest(expected.encode("ascii"), given.encode("ascii"))
