"""Working-day arithmetic for board deadlines (办理时限). Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, time, timedelta


def is_working_day(day: date, holidays: Container[date], workdays: Container[date]) -> bool:
    """A weekday that is not a public holiday, or a weekend make-up working day (调休上班)."""
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def add_working_days(
    start: date, days: int, holidays: Container[date] = (), workdays: Container[date] = ()
) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays, workdays):
            remaining -= 1
    return current


def due_at(
    received: datetime, days: int, holidays: Container[date] = (), workdays: Container[date] = ()
) -> datetime:
    """The deadline: the end of the ``days``-th working day after the day a case was received."""
    day = add_working_days(received.date(), days, holidays, workdays)
    return datetime.combine(day, time(23, 59, 59), tzinfo=received.tzinfo)


def working_days_between(
    start: date, end: date, holidays: Container[date] = (), workdays: Container[date] = ()
) -> int:
    """How many working days come after ``start`` up to and including ``end`` (0 when ``end`` is
    not after ``start``): a reply on the next working day took one."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current, holidays, workdays):
            count += 1
    return count
