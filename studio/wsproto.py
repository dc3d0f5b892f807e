"""uvicorn's sans-I/O WebSocket protocol with a fast, bounded send path for the live feed.

Two additions, both per connection:

- the kernel send buffer is capped (``SO_SNDBUF`` = ``STUDIO_SOCKET_SEND_BUFFER``),
  so a client that stops reading fills it quickly instead of hiding megabytes
  in the kernel (Linux otherwise grows it to several MiB);
- the ASGI scope carries a :class:`FastSend` under the ``studio.fast_send``
  extension: it writes a frame encoded once for everyone straight to the
  transport, refusing (so the caller drops the client) when more than
  ``STUDIO_SEND_BUFFER_BYTES`` are already waiting, and closes a stuck client
  without waiting for it to read (the close frame is queued, the socket is
  aborted after ``CLOSE_TIMEOUT`` seconds).
"""

from __future__ import annotations

import functools
import logging
import socket
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from studio.settings import load_settings

log = logging.getLogger(__name__)

EXTENSION = "studio.fast_send"
CLOSE_TIMEOUT = 2.0


@functools.cache
def _limits() -> tuple[int, int]:
    settings = load_settings()
    return settings.socket_send_buffer, settings.send_buffer_bytes


class FastSend:
    """Direct writes of pre-encoded frames to one client's transport."""

    def __init__(self, protocol: StudioWebSocketProtocol, limit: int) -> None:
        self.protocol = protocol
        self.limit = limit

    @property
    def closed(self) -> bool:
        p = self.protocol
        return p.close_sent or p.disconnected or p.transport.is_closing()

    def write(self, wire: bytes) -> bool:
        """Write one encoded frame; False when the client is more than ``limit`` bytes behind."""
        if self.closed:
            return True
        transport = self.protocol.transport
        if transport.get_write_buffer_size() > self.limit:
            return False
        transport.write(wire)
        return True

    def backlog(self) -> int:
        """Bytes written but not yet taken by the kernel."""
        return self.protocol.transport.get_write_buffer_size()

    def close(self, code: int, reason: str) -> None:
        """Queue a close frame without waiting for the client; abort the socket if it never answers."""
        p = self.protocol
        if p.close_sent or p.disconnected:
            return
        p.conn.send_close(code, reason)
        p.transport.write(b"".join(p.conn.data_to_send()))
        p.close_sent = True
        if p.read_paused:
            p.read_paused = False
            p.transport.resume_reading()
        if p.close_timer is not None:
            p.close_timer.cancel()
        p.close_timer = p.loop.call_later(CLOSE_TIMEOUT, p.transport.abort)


class StudioWebSocketProtocol(WebSocketsSansIOProtocol):
    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        size, _ = _limits()
        sock = transport.get_extra_info("socket")
        if size and sock is not None:
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
            except OSError:
                log.debug("could not set SO_SNDBUF", exc_info=True)

    def handle_connect(self, event: Any) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:
            _, limit = _limits()
            scope["extensions"][EXTENSION] = FastSend(self, limit)


def fast_send(scope: Any) -> FastSend | None:
    """The connection's fast path, when the server runs with :class:`StudioWebSocketProtocol`."""
    extensions = scope.get("extensions") or {}
    found = extensions.get(EXTENSION)
    return found if isinstance(found, FastSend) else None
