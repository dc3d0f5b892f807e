"""uvicorn's sans-I/O WebSocket protocol with a fast, bounded send path for the live feed.

Five additions, all per connection:

- the kernel send buffer is capped (``SO_SNDBUF`` = ``STUDIO_SOCKET_SEND_BUFFER``),
  so a client that stops reading fills it quickly instead of hiding megabytes
  in the kernel (Linux otherwise grows it to several MiB);
- the ASGI scope carries a :class:`FastSend` under the ``studio.fast_send``
  extension: it writes a frame encoded once for everyone straight to the
  transport, refusing (so the caller drops the client) when more than
  ``STUDIO_SEND_BUFFER_BYTES`` are already waiting, and closes a stuck client
  without waiting for it to read (the close frame is queued, the socket is
  aborted after ``CLOSE_TIMEOUT`` seconds);
- a sweep every two seconds finds clients that have bytes waiting for them (in the
  transport or the kernel's send queue, ``TIOCOUTQ``) and have taken none for
  ``STUDIO_SEND_TIMEOUT`` seconds: they are closed the same way (4000, resume).
  So a viewer that stops reading is gone after at most that long plus twelve
  seconds (the kernel's queue is asked about every ``KERNEL_CHECK_SECONDS``),
  whatever the traffic, holding at most the bytes bound meanwhile;
- a text frame that is not UTF-8 closes the connection with 1007 and one log
  line (uvicorn itself logs a traceback for it);
- less memory held by an idle connection: the receive queue and the flow-control
  flag are a list and a flag with futures made only while someone waits
  (:class:`Inbox`, :class:`Writable`), and the handshake's request and answer
  are let go once it is done.

The limits come from the settings the app was created with: its lifespan
yields :func:`lifespan_state`, which uvicorn hands to every connection's
protocol (``app_state``). Without it, the defaults of :class:`Settings` apply.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import socket
import struct
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from studio.settings import Settings

log = logging.getLogger(__name__)

EXTENSION = "studio.fast_send"
CLOSE_TIMEOUT = 2.0
SWEEP_SECONDS = 2.0
"""The sweep looks only at connections written to since it last found their queue empty, or
already stalled (the watched set): idle viewers cost nothing."""
KERNEL_CHECK_SECONDS = 10.0
"""How often the sweep asks the kernel (``TIOCOUTQ``, a system call) how many bytes wait for a
client whose bytes all left user space; one with bytes still in user space, or already seen
stalled, is looked at on every sweep. Busy viewers so cost one system call per ten seconds, not
one per sweep, and a client stuck with only a few frames waiting in the kernel is found at most
this much later."""
CLOSE_STUCK = 4000
CLOSE_INVALID_DATA = 1007


STATE_KEY = "studio.socket_limits"


@dataclass(frozen=True)
class SocketLimits:
    """Per-connection bounds of the fast send path (docs/scaling.md, slow clients)."""

    kernel_buffer: int
    """``SO_SNDBUF`` in bytes (0: the kernel's default)."""
    waiting_bytes: int
    """Bytes that may wait in user space before the client is dropped."""
    timeout: float
    """Seconds a client may take nothing while bytes wait (0: never closed for it)."""

    @classmethod
    def of(cls, settings: Settings) -> SocketLimits:
        return cls(settings.socket_send_buffer, settings.send_buffer_bytes, settings.send_timeout)


DEFAULT_LIMITS = SocketLimits.of(Settings())


def lifespan_state(settings: Settings) -> dict[str, Any]:
    """What an app's lifespan yields so that its connections use ``settings``' limits."""
    return {STATE_KEY: SocketLimits.of(settings)}


def kernel_backlog(fd: int) -> int:
    """Bytes in the socket's kernel send queue (sent or not, not yet acknowledged)."""
    try:
        return int(struct.unpack("i", fcntl.ioctl(fd, termios.TIOCOUTQ, b"\0\0\0\0"))[0])
    except OSError:
        return 0


class FastSend:
    """Direct writes of pre-encoded frames to one client's transport."""

    __slots__ = (
        "_acked",
        "_kernel_checked",
        "_stalled_since",
        "_swept",
        "last_seq",
        "limit",
        "on_stuck",
        "open",
        "protocol",
        "transport",
        "watched",
        "written",
    )

    def __init__(self, protocol: StudioWebSocketProtocol, limit: int) -> None:
        self.protocol = protocol
        self.transport = protocol.transport
        self.limit = limit
        self.open = True
        """False once the close frame was sent or the client is gone (the hub's :class:`~broadcast.hub.Lane`)."""
        self.last_seq = 0
        """The ``seq`` of the last frame the connection sent (its :class:`~studio.live.connection.Connection`'s)."""
        self.written = 0
        self.on_stuck: Callable[[], None] | None = None
        """Called when the client has taken nothing for the send timeout (default: close 4000)."""
        self._acked = 0
        self._swept = 0
        self._stalled_since: float | None = None
        self._kernel_checked = 0.0
        self.watched = False

    def write(self, wire: bytes) -> bool:
        """Write one encoded frame; False when the client is more than ``limit`` bytes behind."""
        p = self.protocol
        if p.close_sent or p.disconnected:
            return True
        transport = p.transport
        if transport.get_write_buffer_size() > self.limit:
            return False
        transport.write(wire)
        self.written += len(wire)
        if not self.watched:
            self.watch()
        return True

    def watch(self) -> None:
        """Bytes were written: the sweep looks at this client until it finds its queue empty."""
        self.watched = True
        _watched.add(self)

    def check(self, now: float, timeout: float) -> bool:
        """Sweep step: True when bytes have waited for the client and none were taken for ``timeout``."""
        p = self.protocol
        if p.disconnected or (self._stalled_since is None and self.written == self._swept):
            return False  # nothing written since the queue was last seen empty: no syscall
        buffered = self.transport.get_write_buffer_size()
        if buffered == 0 and self._stalled_since is None and now - self._kernel_checked < KERNEL_CHECK_SECONDS:
            return False  # all of it reached the kernel; its queue is asked about now and then
        self._kernel_checked = now
        self._swept = self.written
        waiting = buffered + kernel_backlog(p.fd)
        if waiting == 0:
            self._stalled_since = None
            self.unwatch()
            return False
        taken = self.written - waiting
        if self._stalled_since is None or taken > self._acked:
            self._stalled_since, self._acked = now, taken
            return False
        return now - self._stalled_since > timeout

    def unwatch(self) -> None:
        """Nothing waits for this client: the sweep leaves it alone until the next write."""
        self.watched = False
        _watched.discard(self)

    def stuck(self) -> None:
        if self.on_stuck is not None:
            self.on_stuck()
        else:
            self.close(CLOSE_STUCK, "resume (stuck)")

    def backlog(self) -> int:
        """Bytes written but not yet taken by the kernel."""
        return self.protocol.transport.get_write_buffer_size()

    def close(self, code: int, reason: str) -> None:
        """Queue a close frame without waiting for the client; abort the socket if it never answers.
        Nothing to do when the closing handshake has begun already (the client's close, or the
        server's own 1012 to every socket when it shuts down)."""
        p = self.protocol
        if p.close_sent or p.disconnected or p.conn.state is not State.OPEN:
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


_live: set[FastSend] = set()
_watched: set[FastSend] = set()
"""Connections written to since their queue was last seen empty (a subset of ``_live``)."""
_sweeper: asyncio.Task[None] | None = None


def waiting_bytes() -> int:
    """The bytes waiting in the user-space send buffers of this process's live connections (read
    for the metrics; only connections written to since they were last drained can hold any)."""
    return sum(fast.backlog() for fast in list(_watched))


async def _sweep(limit: float) -> None:
    """Close every client that has taken no bytes for ``limit`` seconds while bytes wait for it."""
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        now = time.monotonic()
        for fast in list(_watched):
            try:
                if fast.protocol.disconnected:
                    fast.unwatch()
                elif fast.check(now, limit):
                    log.info("closing a client that took nothing for %.0fs", limit)
                    _live.discard(fast)
                    fast.unwatch()
                    fast.stuck()
            except Exception:
                log.exception("send sweep failed for one client")


class Inbox:
    """uvicorn's receive queue, lighter: a list, and a future only while the app waits on it
    (an ``asyncio.Queue`` holds three deques and an ``Event`` per connection, ≈3 KiB idle)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[Any] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        """The oldest item, waiting for one (one reader at a time: the connection's app)."""
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items


class Writable:
    """uvicorn's flow-control flag, lighter: futures only while a send waits for the client."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] = []

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if not self._set:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter
        return True


class StudioWebSocketProtocol(WebSocketsSansIOProtocol):
    fd = -1
    fast: FastSend | None = None
    _close_sent = False

    @property
    def close_sent(self) -> bool:
        """uvicorn's flag, kept as is; setting it also closes the fast path's lane."""
        return self._close_sent

    @close_sent.setter
    def close_sent(self, value: bool) -> None:
        self._close_sent = value
        if value and self.fast is not None:
            self.fast.open = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]
        self.writable = Writable()  # type: ignore[assignment]

    @property
    def limits(self) -> SocketLimits:
        found = self.app_state.get(STATE_KEY)
        return found if isinstance(found, SocketLimits) else DEFAULT_LIMITS

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        size = self.limits.kernel_buffer
        sock = transport.get_extra_info("socket")
        if sock is not None:
            self.fd = sock.fileno()
            if size:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
                except OSError:
                    log.debug("could not set SO_SNDBUF", exc_info=True)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.fast is not None:
            self.fast.open = False
            _live.discard(self.fast)
            self.fast.unwatch()
        super().connection_lost(exc)

    def handle_connect(self, event: Any) -> None:
        global _sweeper
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is None:
            return
        limits = self.limits
        limit, timeout = limits.waiting_bytes, limits.timeout
        self.fast = FastSend(self, limit)
        scope["extensions"][EXTENSION] = self.fast
        if timeout > 0:
            _live.add(self.fast)
            if _sweeper is None or _sweeper.done():
                _sweeper = self.loop.create_task(_sweep(timeout))

    def send_receive_event_to_app(self) -> None:
        """Hand a complete message to the app; a text message that is not UTF-8 closes the
        connection with 1007 (as uvicorn does, but logged as one line, not a traceback)."""
        if self.curr_msg_data_type == "text" and not self.close_sent:
            data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
            self.frames = [data]
            try:
                bytes(data).decode()
            except UnicodeDecodeError:
                self.frames = []
                log.info("closing a client that sent a text frame that is not UTF-8 (1007)")
                self.conn.send_close(CLOSE_INVALID_DATA, "invalid UTF-8")
                self.handle_parser_exception()
                return
        super().send_receive_event_to_app()

    async def send(self, message: Any) -> None:
        if self.fast is not None and message.get("type") == "websocket.send":
            text = message.get("text")
            data = message.get("bytes")
            self.fast.written += len(text.encode()) + 4 if text is not None else len(data or b"") + 4
        await super().send(message)
        if self.handshake_complete and getattr(self, "response", None) is not None:
            # the handshake's request and answer (headers and all) are not read again
            del self.request, self.response


def fast_send(scope: Any) -> FastSend | None:
    """The connection's fast path, when the server runs with :class:`StudioWebSocketProtocol`."""
    extensions = scope.get("extensions") or {}
    found = extensions.get(EXTENSION)
    return found if isinstance(found, FastSend) else None
