"""The media folder (``STUDIO_MEDIA_DIR``): the kept JPEG of each photo on a message, one file per
token, ``photos/<first two characters>/<token>.jpg``.

Files are written whole to a temporary name and renamed into place, so a reader never sees half
a file; a rewrite (a blurred region) replaces the file the same way. Tokens are checked before
they become a path: 24 lowercase hexadecimal characters, nothing else.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

TOKEN = re.compile(r"[0-9a-f]{24}")


def new_token() -> str:
    """A fresh random name for a photo: unguessable, so an upload is its sender's until attached."""
    return secrets.token_hex(12)


class Media:
    """The media folder at ``root`` (created when missing)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def open(self) -> None:
        """Create the folder if it is missing."""
        (self.root / "photos").mkdir(parents=True, exist_ok=True)

    def path(self, token: str) -> Path:
        """Where the photo named ``token`` lives; ``ValueError`` for a malformed token."""
        if not TOKEN.fullmatch(token):
            raise ValueError("not a photo token")
        return self.root / "photos" / token[:2] / f"{token}.jpg"

    def write(self, token: str, data: bytes) -> None:
        """Keep ``data`` as the photo ``token`` (replacing it whole if it exists)."""
        target = self.path(token)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_suffix(".part")
        with open(staging, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(staging, target)

    def read(self, token: str) -> bytes | None:
        """The photo ``token``'s bytes, or ``None`` when there is no such file."""
        try:
            return self.path(token).read_bytes()
        except (FileNotFoundError, ValueError):
            return None

    def delete(self, token: str) -> None:
        """Remove the photo ``token``'s file (nothing when it is not there)."""
        self.path(token).unlink(missing_ok=True)
