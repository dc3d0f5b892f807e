"""Jinja2 filters shared by the templates: local times and Chinese status names."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment

STATUS_LABELS = {
    "pending": "审核中",
    "approved": "已通过",
    "on_air": "正在回答",
    "answered": "已回答",
    "rejected": "未通过",
    "merged": "已合并",
    "transferred": "已转办",
    "scheduled": "预告",
    "live": "直播中",
    "closed": "已结束",
    "open": "办理中",
    "replied": "已回复",
}


def install_filters(environment: Environment, timezone: str) -> None:
    zone = ZoneInfo(timezone)

    def localtime(value: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        """Format an ISO time in the studio's timezone (``-`` when empty)."""
        if not value:
            return "-"
        try:
            return datetime.fromisoformat(value).astimezone(zone).strftime(fmt)
        except ValueError:
            return value

    def status_label(value: str | None) -> str:
        return STATUS_LABELS.get(value or "", value or "")

    environment.filters["localtime"] = localtime
    environment.filters["status_label"] = status_label
