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


@lru_cache(maxsize=1)
def shared_text_frame(text: str) -> bytes:
    """:func:`text_frame` of a text many connections send unchanged (the snapshot every joining
    viewer gets), built once while it is the last one asked for: a crowd joining costs one copy
    of a large snapshot, not two per viewer. The lookup finds the same string by identity and
    hashes it once (Python keeps a string's hash).

    Only the last is kept: a snapshot holds every published question, so each one kept costs
    memory in proportion to the event (two crowds joining two events in the same instant frame
    their copies separately instead)."""
    return text_frame(text)
