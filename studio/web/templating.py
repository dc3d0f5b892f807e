"""What every template gets: local times, the Chinese names, the text limits, the scripts' config.

Names come from :mod:`studio.labels` and limits from the settings the app runs
with and the services' own bounds, so a page never states a label or a length
of its own. ``public_config`` (``staff_config`` on the staff's pages) is what
``base.html`` renders into the ``studio-config`` JSON block that
``static/labels.js`` reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from starlette.requests import Request

from studio import labels
from studio.auditchain import check_path
from studio.board import actions, search, submissions
from studio.desk import reasons
from studio.events.manage import MAX_HOST_MESSAGE
from studio.events.questions import answer_chars
from studio.inputs import MAX_NICKNAME
from studio.settings import Settings


def page_limits(settings: Settings) -> dict[str, int]:
    """The longest text each field accepts, as the server enforces it."""
    return {
        "question_chars": settings.max_question_chars,
        "answer_chars": answer_chars(settings.max_question_chars),
        "nickname_chars": MAX_NICKNAME,
        "host_message_chars": MAX_HOST_MESSAGE,
        "reject_note_chars": reasons.MAX_NOTE,
        "board_reply_chars": actions.MAX_REPLY_CHARS,
        "board_reason_chars": actions.MAX_REASON_CHARS,
        "rating_comment_chars": actions.MAX_COMMENT_CHARS,
        "submission_reason_chars": submissions.MAX_REASON,
        "search_chars": search.MAX_QUERY_CHARS,
    }


def client_config(settings: Settings, *, staff: bool) -> dict[str, Any]:
    """What the pages' scripts read from the page: the names and the limits (the staff's pages
    also get the screening flags' names)."""
    return {"labels": labels.client_labels(staff=staff), "limits": page_limits(settings)}


def public_base(settings: Settings, request: Request) -> str:
    """The site's public address without a trailing slash: ``STUDIO_PUBLIC_URL`` when set, else
    the scheme and host the request came in on (QR codes, share links and metadata use it)."""
    configured = (settings.public_url or "").strip().rstrip("/")
    return configured or f"{request.url.scheme}://{request.url.netloc}"


def configure(environment: Environment, settings: Settings) -> None:
    """Install the filters (``localtime``, ``status_label``) and the globals (``check_path``,
    ``labels``, ``limits``, ``public_config``, ``staff_config``) every template may use."""
    zone = ZoneInfo(settings.timezone)

    def localtime(value: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """Format an ISO time in the studio's timezone (``-`` when empty)."""
        if not value:
            return "-"
        try:
            return datetime.fromisoformat(value).astimezone(zone).strftime(fmt)
        except ValueError:
            return value

    def absolute_url(request: Request, path: str) -> str:
        """``path`` on the site's public address (share metadata must name whole addresses)."""
        return public_base(settings, request) + path

    environment.filters["localtime"] = localtime
    environment.globals["check_path"] = check_path
    environment.globals["absolute_url"] = absolute_url
    environment.filters["status_label"] = labels.status_label
    environment.globals["labels"] = labels
    environment.globals["limits"] = page_limits(settings)
    environment.globals["public_config"] = client_config(settings, staff=False)
    environment.globals["staff_config"] = client_config(settings, staff=True)
