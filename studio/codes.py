"""The codes an asker keeps: a tracking code to follow the question, a rating code to rate the reply."""

from __future__ import annotations

import secrets

RATING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be misread for one another (no I, L, O, 0, 1)."""


def new_tracking_code() -> str:
    """A random, unguessable code for the asker's tracking page."""
    return secrets.token_urlsafe(12)


def new_rating_code() -> str:
    """Eight characters an asker types to rate the reply; short enough to copy by hand."""
    return "".join(secrets.choice(RATING_ALPHABET) for _ in range(8))
