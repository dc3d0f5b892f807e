"""Anonymous viewer identity: a signed random id in a cookie, for one +1 per viewer.

Functions take the signer (``Studio.viewer_signer`` on the owner, the edge's
own one), so the owner and its edges read the same cookie the same way.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from itsdangerous import BadSignature, Signer

VIEWER_COOKIE = "studio_viewer"
VIEWER_MAX_AGE = 365 * 24 * 3600


def viewer_of(cookies: Mapping[str, str], signer: Signer | None) -> str | None:
    """The viewer id from a valid cookie, or ``None`` (also without a signer: no secret key)."""
    value = cookies.get(VIEWER_COOKIE)
    if not value or signer is None:
        return None
    try:
        return "v:" + signer.unsign(value).decode()
    except BadSignature:
        return None


def new_viewer_cookie(signer: Signer) -> str:
    """A fresh signed viewer id for the cookie."""
    return signer.sign(secrets.token_urlsafe(16)).decode()
