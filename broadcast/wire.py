"""WebSocket framing done once per message, so fan-out is one buffer copy per viewer."""

from __future__ import annotations

import struct


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
