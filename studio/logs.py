"""How the server logs: readable lines or one JSON object per line, never personal data.

Policy: the studio's own log calls name ids and codes, never question text,
nicknames or client addresses; the access log (uvicorn's) is rewritten here
to drop the client's address and port, the query string (search words) and
tracking codes in paths. ``STUDIO_LOG_FORMAT=json`` gives one JSON object per
line (``time``, ``level``, ``logger``, ``message``, and ``error`` with the
traceback when there is one).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

TRACKED_PATH = re.compile(r"(/track/)[^/?#]+")
"""Paths that carry an asker's tracking code (``/track/…``, ``/api/board/track/…``, …)."""


QUIET_BELOW_INFO = ("aiosqlite", "websockets", "uvicorn.protocols", "httpx", "httpcore", "redis")
"""Libraries whose debug lines carry SQL parameters or frame contents (question text)."""


def redact_path(path: str) -> str:
    """The path without its query string and with tracking codes replaced by ``…``."""
    return TRACKED_PATH.sub(r"\1…", path.split("?", 1)[0])


class Private(logging.Filter):
    """Takes the client out of every record before any formatter sees it.

    Access lines (``uvicorn.access``) and WebSocket lines lose the client's
    address and port, their query string and tracking codes; the WebSocket
    library's debug lines (``<``/``>`` headers and frames, which hold cookies
    and question text) are dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        message = str(record.msg)
        if record.levelno <= logging.DEBUG and message[:2] in ("< ", "> ", "= "):
            return False
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            _client, method, path, _version, status = args
            record.msg, record.args = "%s %s %s", (method, redact_path(str(path)), status)
        elif message.startswith('%s - "WebSocket %s"') and isinstance(args, tuple) and len(args) >= 2:
            record.msg = message.removeprefix("%s - ")
            record.args = (redact_path(str(args[1])), *args[2:])
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_config(log_format: str, level: str) -> dict[str, Any]:
    """The ``logging.config.dictConfig`` of the server (handed to uvicorn as ``log_config``)."""
    formatter = "json" if log_format == "json" else "text"
    handler = {"class": "logging.StreamHandler", "formatter": formatter, "stream": "ext://sys.stderr",
               "filters": ["private"]}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"private": {"()": Private}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": JsonFormatter},
        },
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"level": level.upper()},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"level": level.upper()},
            # At debug level these log statement parameters and frame contents: never below info.
            **{name: {"level": "INFO"} for name in QUIET_BELOW_INFO},
        },
    }
