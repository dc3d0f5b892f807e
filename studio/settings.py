"""Settings, read once from the environment (and an optional ``.env`` file).

Each setting is a field of :class:`Settings` with its one default; its variable
is ``STUDIO_`` and the field's name in capitals unless the field names another
(``env`` in its metadata). Fields with ``env=None`` are not read from the
environment. docs/operations.md lists them all, and a test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    db_path: str = field(default="studio.db", metadata={"env": "STUDIO_DB"})
    broadcast_url: str = field(default="memory://", metadata={"env": "STUDIO_BROADCAST"})
    media_dir: str | None = None
    """The folder of the photos on messages; unset: beside the store file, named after it
    (``studio.media`` for ``studio.db``)."""
    secret_key: str | None = None
    """Signs session cookies; when unset, one is generated and kept in the store."""
    allowed_origins: tuple[str, ...] = ()
    """Origins allowed for WebSocket handshakes and cookie writes; empty: the server's own."""
    public_url: str | None = None
    """The site's public address (``https://wenzheng.example.gov.cn``) that QR codes and share links
    carry; empty: the address each request came in on."""
    embed_origins: tuple[str, ...] = ()
    """Partner sites (``https://portal.example.gov.cn``) whose pages may frame the read-only feed
    ``/events/{slug}/embed``; every other page may be framed by none."""
    https_only_cookies: bool = field(default=False, metadata={"env": "STUDIO_HTTPS_ONLY"})
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
    login_user_burst: int = 10
    """Sign-in attempts for one username, from any address, before it is throttled (429)."""
    login_user_per_minute: float = 6.0
    """Sign-in attempts per minute for one username once its burst is used (a right password does
    not count): once someone stops guessing, its owner waits at most one such interval (10 s)."""
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
    address_retention_days: int = 30
    """Days a client's address, viewer key and +1 voter are kept (purged daily and by ``studio purge``)."""
    routing_retrain_after: int = 50
    """New categorised or routed cases after which the routing suggestion model is retrained."""
    send_buffer_bytes: int = 256 * 1024
    """Bytes a live connection may have waiting in its socket's user-space buffer before it is dropped."""
    socket_send_buffer: int = 64 * 1024
    """SO_SNDBUF of WebSocket connections (0: the kernel's default, which grows to several MiB)."""
    send_timeout: float = 10.0
    """Seconds a client may take no bytes while some wait for it before it is closed (0: never)."""
    notify_email_url: str = "log://"
    """Where e-mail notifications go: ``log://`` (the log) or ``smtp://user:pass@host:port?from=…&starttls=1``
    (``smtps://`` for TLS from the start)."""
    notify_sms_url: str = "log://"
    """Where SMS notifications go: ``log://`` or an HTTP gateway URL (``https://…``, may hold ``{to}``)."""
    notify_sms_key: str | None = None
    """The key that signs what is posted to the SMS gateway (HMAC-SHA256 in ``X-Studio-Signature``)."""
    notify_max_attempts: int = 5
    """Tries of a notification before it goes to the dead-letter list."""
    notify_retry_seconds: float = 30.0
    """The first retry's wait; each further one doubles it (at most an hour)."""
    notify_interval: float = 2.0
    """Seconds between the deliverer's looks at the outbox."""
    contact_retention_days: int = 90
    """Days an asker's contact is kept once their case is replied or closed and nothing happened on it
    (or, without a case, from when it was left)."""
    workers: int = 1
    log_level: str = "info"
    """uvicorn's log level."""
    log_format: str = "text"
    """``text`` (readable lines) or ``json`` (one JSON object per line); neither carries question
    text, nicknames or client addresses."""
    metrics_token: str | None = None
    """When set, ``/metrics`` answers only ``Authorization: Bearer <token>``; unset, loopback only."""
    templates_dir: Path = field(default=ROOT / "templates", metadata={"env": None})
    static_dir: Path = field(default=ROOT / "static", metadata={"env": None})

    def media_path(self) -> Path:
        """The media folder: ``STUDIO_MEDIA_DIR``, else ``<store>.media`` beside the store file."""
        return Path(self.media_dir) if self.media_dir else Path(self.db_path).resolve().with_suffix(".media")

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def variable_of(name: str) -> str | None:
    """The environment variable of the setting ``name`` (``None``: not read from the environment)."""
    for item in fields(Settings):
        if item.name == name:
            return item.metadata.get("env", "STUDIO_" + name.upper())  # type: ignore[no-any-return]
    raise KeyError(name)


def _cast(kind: str, value: str) -> Any:
    if kind == "tuple[str, ...]":
        return tuple(str(origin).rstrip("/") for origin in CommaSeparatedStrings(value))
    if kind == "bool":
        if value.lower() in ("true", "1", "yes", "on"):
            return True
        if value.lower() in ("false", "0", "no", "off", ""):
            return False
        raise ValueError(f"not a boolean: {value!r}")
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read every ``STUDIO_*`` setting from the environment; unset ones keep their default.

    A value that does not parse as its setting's type stops the start with a
    message naming the variable.
    """
    config = Config(env_file if env_file and Path(env_file).exists() else None)
    values: dict[str, Any] = {}
    for item in fields(Settings):
        variable = variable_of(item.name)
        if variable is None:
            continue
        raw = config(variable, default=None)
        if raw is None:
            continue
        try:
            values[item.name] = _cast(str(item.type).removesuffix(" | None"), raw)
        except ValueError as error:
            raise SystemExit(f"{variable}: {error}") from None
    settings = Settings(**values)
    if settings.log_format not in ("text", "json"):
        raise SystemExit("STUDIO_LOG_FORMAT: text or json")
    return settings
