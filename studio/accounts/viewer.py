"""Anonymous viewer identity: a signed random id in a cookie, for one +1 per viewer."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING

from itsdangerous import BadSignature

if TYPE_CHECKING:
    from studio.runtime import Studio

VIEWER_COOKIE = "studio_viewer"
VIEWER_MAX_AGE = 365 * 24 * 3600


def viewer_of(cookies: Mapping[str, str], studio: Studio) -> str | None:
    """The viewer id from a valid cookie, or ``None``."""
    value = cookies.get(VIEWER_COOKIE)
    if not value:
        return None
    try:
        return "v:" + studio.viewer_signer.unsign(value).decode()
    except BadSignature:
        return None


def new_viewer_cookie(studio: Studio) -> str:
    return studio.viewer_signer.sign(secrets.token_urlsafe(16)).decode()
