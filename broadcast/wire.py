"""WebSocket framing done once per message, so fan-out is one buffer copy per viewer."""

from __future__ import annotations

import struct
from functools import lru_cache


def text_frame(text: str) -> bytes:
    """An unmasked, uncompressed, final text frame (what a server sends), per RFC 6455."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


@lru_cache(maxsize=4)
def shared_text_frame(text: str) -> bytes:
    """:func:`text_frame` of a text many connections send unchanged (the snapshot every joining
    viewer gets), built once while it is among the last four asked for: a crowd joining costs one
    copy of a large snapshot, not two per viewer. The lookup finds the same string by identity and
    hashes it once (Python keeps a string's hash)."""
    return text_frame(text)
