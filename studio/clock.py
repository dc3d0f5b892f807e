"""Time in the studio's timezone, as ISO 8601 strings with an offset."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

FIRST_YEAR = 1900
LAST_YEAR = 2999
"""The years a client may name (a time, a day, an ISO week, a calendar year): an earlier or later
one is a typing error, and near the ends of Python's calendar date arithmetic overflows."""
DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def in_years(day: date) -> bool:
    """Whether ``day`` (a date or a datetime) falls within ``FIRST_YEAR``–``LAST_YEAR``."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_day(value: str) -> date:
    """A ``YYYY-MM-DD`` day within the studio's years; ValueError otherwise."""
    if not DAY.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD day: {value!r}")
    day = date.fromisoformat(value)
    if not in_years(day):
        raise ValueError(f"not a day from {FIRST_YEAR} to {LAST_YEAR}: {value!r}")
    return day


class Clock:
    """Tells the time in one timezone; every stored time is written by it."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def now(self) -> datetime:
        return datetime.now(self.zone).replace(microsecond=0)

    def stamp(self) -> str:
        return self.now().isoformat()

    def parse(self, value: str) -> datetime:
        """Parse an ISO time; a time without offset is taken as local time. ValueError for a
        time that does not parse or falls outside ``FIRST_YEAR``–``LAST_YEAR``."""
        parsed = datetime.fromisoformat(value)
        if not in_years(parsed):
            raise ValueError(f"not a time from {FIRST_YEAR} to {LAST_YEAR}: {value!r}")
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.zone)
        return parsed.astimezone(self.zone).replace(microsecond=0)
