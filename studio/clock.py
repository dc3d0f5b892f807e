"""Time in the studio's timezone, as ISO 8601 strings with an offset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


class Clock:
    """Tells the time in one timezone; every stored time is written by it."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(self.zone).replace(microsecond=0)

    def stamp(self) -> str:
        return self.now().isoformat()

    def parse(self, value: str) -> datetime:
        """Parse an ISO time; a time without offset is taken as local time."""
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.zone)
        return parsed.astimezone(self.zone).replace(microsecond=0)
