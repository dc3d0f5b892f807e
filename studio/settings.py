"""Settings, read once from the environment (and an optional ``.env`` file)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_path: str = "studio.db"
    broadcast_url: str = "memory://"
    secret_key: str | None = None
    """Signs session cookies; when unset, one is generated and kept in the store."""
    allowed_origins: tuple[str, ...] = ()
    """Origins allowed for WebSocket handshakes and cookie writes; empty: the server's own."""
    https_only_cookies: bool = False
    timezone: str = "Asia/Shanghai"
    session_hours: int = 12
    max_frame_bytes: int = 16 * 1024
    max_question_chars: int = 2000
    send_buffer_frames: int = 256
    rate_limits: bool = True
    ask_burst: int = 3
    ask_per_minute: float = 6.0
    frame_burst: int = 30
    frames_per_second: float = 10.0
    max_connections_per_address: int = 200
    """0: no limit. Behind a proxy, count by the forwarded client address. Generous,
    because a campus or a mobile carrier puts many viewers behind one address."""
    stats_interval: float = 2.0
    staff_session_check: float = 15.0
    """Seconds between re-checks of a staff socket's session (sign-out, deactivation)."""
    vote_flush_interval: float = 1.0
    ask_address_burst: int = 9
    ask_address_per_minute: float = 18.0
    vote_burst: int = 30
    votes_per_minute: float = 60.0
    vote_address_burst: int = 300
    vote_address_per_minute: float = 600.0
    claim_seconds: float = 90.0
    """How long a desk claim lasts without renewal (the desk renews it while the question is open)."""
    board_ordinary_days: int = 3
    """Working days a unit has to reply to an ordinary board case."""
    board_hard_days: int = 5
    """Working days for a case marked hard (疑难)."""
    board_extension_days: int = 5
    """Working days the one extension of a case adds to its deadline."""
    send_buffer_bytes: int = 256 * 1024
    """Bytes a live connection may have waiting in its socket's user-space buffer before it is dropped."""
    socket_send_buffer: int = 64 * 1024
    """SO_SNDBUF of WebSocket connections (0: the kernel's default, which grows to several MiB)."""
    send_timeout: float = 10.0
    """Seconds a client may take no bytes while some wait for it before it is closed (0: never)."""
    workers: int = 1
    templates_dir: Path = field(default=ROOT / "templates")
    static_dir: Path = field(default=ROOT / "static")

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read every ``STUDIO_*`` setting from the environment; see docs/operations.md."""
    config = Config(env_file if env_file and Path(env_file).exists() else None)
    origins = config("STUDIO_ALLOWED_ORIGINS", cast=CommaSeparatedStrings, default="")
    return Settings(
        db_path=config("STUDIO_DB", default="studio.db"),
        broadcast_url=config("STUDIO_BROADCAST", default="memory://"),
        secret_key=config("STUDIO_SECRET_KEY", default=None),
        allowed_origins=tuple(str(origin).rstrip("/") for origin in origins),
        https_only_cookies=config("STUDIO_HTTPS_ONLY", cast=bool, default=False),
        timezone=config("STUDIO_TIMEZONE", default="Asia/Shanghai"),
        session_hours=config("STUDIO_SESSION_HOURS", cast=int, default=12),
        max_frame_bytes=config("STUDIO_MAX_FRAME_BYTES", cast=int, default=16 * 1024),
        max_question_chars=config("STUDIO_MAX_QUESTION_CHARS", cast=int, default=2000),
        send_buffer_frames=config("STUDIO_SEND_BUFFER_FRAMES", cast=int, default=256),
        rate_limits=config("STUDIO_RATE_LIMITS", cast=bool, default=True),
        ask_burst=config("STUDIO_ASK_BURST", cast=int, default=3),
        ask_per_minute=config("STUDIO_ASK_PER_MINUTE", cast=float, default=6.0),
        frame_burst=config("STUDIO_FRAME_BURST", cast=int, default=30),
        frames_per_second=config("STUDIO_FRAMES_PER_SECOND", cast=float, default=10.0),
        max_connections_per_address=config("STUDIO_MAX_CONNECTIONS_PER_ADDRESS", cast=int, default=200),
        stats_interval=config("STUDIO_STATS_INTERVAL", cast=float, default=2.0),
        staff_session_check=config("STUDIO_STAFF_SESSION_CHECK", cast=float, default=15.0),
        vote_flush_interval=config("STUDIO_VOTE_FLUSH_INTERVAL", cast=float, default=1.0),
        ask_address_burst=config("STUDIO_ASK_ADDRESS_BURST", cast=int, default=9),
        ask_address_per_minute=config("STUDIO_ASK_ADDRESS_PER_MINUTE", cast=float, default=18.0),
        vote_burst=config("STUDIO_VOTE_BURST", cast=int, default=30),
        votes_per_minute=config("STUDIO_VOTES_PER_MINUTE", cast=float, default=60.0),
        vote_address_burst=config("STUDIO_VOTE_ADDRESS_BURST", cast=int, default=300),
        vote_address_per_minute=config("STUDIO_VOTE_ADDRESS_PER_MINUTE", cast=float, default=600.0),
        claim_seconds=config("STUDIO_CLAIM_SECONDS", cast=float, default=90.0),
        board_ordinary_days=config("STUDIO_BOARD_ORDINARY_DAYS", cast=int, default=3),
        board_hard_days=config("STUDIO_BOARD_HARD_DAYS", cast=int, default=5),
        board_extension_days=config("STUDIO_BOARD_EXTENSION_DAYS", cast=int, default=5),
        send_buffer_bytes=config("STUDIO_SEND_BUFFER_BYTES", cast=int, default=256 * 1024),
        socket_send_buffer=config("STUDIO_SOCKET_SEND_BUFFER", cast=int, default=64 * 1024),
        send_timeout=config("STUDIO_SEND_TIMEOUT", cast=float, default=10.0),
        workers=config("STUDIO_WORKERS", cast=int, default=1),
    )
