"""Working-day arithmetic for board deadlines (办理时限)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from studio.board.workdays import add_working_days, due_at, is_working_day, working_days_between

D = date.fromisoformat

# 2026 National Day: 10-01 (Thu) .. 10-07 (Wed) off; make-up working days
# 09-20 (Sun) and 10-10 (Sat).
NATIONAL_DAY = frozenset(D("2026-10-01") + timedelta(days=i) for i in range(7))
MAKE_UP = frozenset({D("2026-09-20"), D("2026-10-10")})

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-11-16", True),   # Monday
        ("2026-11-18", True),   # Wednesday
        ("2026-11-20", True),   # Friday
        ("2026-11-21", False),  # Saturday
        ("2026-11-22", False),  # Sunday
    ],
)
def test_plain_week(day: str, expected: bool) -> None:
    """Without a calendar, Monday to Friday are working days and weekends are not."""
    assert is_working_day(D(day), (), ()) is expected


def test_holiday_weekday_is_not_working_day() -> None:
    """A public holiday on a weekday is not a working day."""
    assert is_working_day(D("2026-10-01"), NATIONAL_DAY, MAKE_UP) is False
    assert is_working_day(D("2026-10-07"), NATIONAL_DAY, MAKE_UP) is False


def test_make_up_weekend_day_is_working_day() -> None:
    """A weekend make-up day (调休上班) is a working day."""
    assert is_working_day(D("2026-09-20"), NATIONAL_DAY, MAKE_UP) is True
    assert is_working_day(D("2026-10-10"), NATIONAL_DAY, MAKE_UP) is True
    assert is_working_day(D("2026-10-11"), NATIONAL_DAY, MAKE_UP) is False


def test_day_after_holiday_is_working_day() -> None:
    """The weekday right after the holiday week is an ordinary working day."""
    assert is_working_day(D("2026-10-08"), NATIONAL_DAY, MAKE_UP) is True


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2026-11-16", 3, "2026-11-19"),  # Mon + 3 → Thu
        ("2026-11-18", 3, "2026-11-23"),  # Wed + 3 → Mon (skips the weekend)
        ("2026-11-20", 3, "2026-11-25"),  # Fri + 3 → Wed
        ("2026-11-21", 3, "2026-11-25"),  # Sat + 3 → Wed
        ("2026-11-22", 3, "2026-11-25"),  # Sun + 3 → Wed
        ("2026-11-16", 5, "2026-11-23"),  # Mon + 5 → next Mon
        ("2026-11-20", 5, "2026-11-27"),  # Fri + 5 → next Fri
        ("2026-11-21", 5, "2026-11-27"),  # Sat + 5 → next Fri
        ("2026-11-16", 1, "2026-11-17"),  # Mon + 1 → Tue
        ("2026-11-20", 1, "2026-11-23"),  # Fri + 1 → Mon
    ],
)
def test_add_working_days_over_weekends(start: str, days: int, expected: str) -> None:
    """The start day does not count; weekends are skipped."""
    assert add_working_days(D(start), days) == D(expected)


def test_zero_days_is_the_start() -> None:
    """Adding zero working days gives the start date back."""
    assert add_working_days(D("2026-11-18"), 0) == D("2026-11-18")


@pytest.mark.parametrize("days", [-1, -5])
def test_negative_days_raise(days: int) -> None:
    """Negative working days raise ValueError."""
    with pytest.raises(ValueError):
        add_working_days(D("2026-11-18"), days)
    with pytest.raises(ValueError):
        due_at(datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI), days)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Received the day before the holiday: 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up).
        ("2026-09-30", 3, "2026-10-10"),
        # … then Sunday 10-11 is off: 10-12 Mon, 10-13 Tue.
        ("2026-09-30", 5, "2026-10-13"),
        # Received during the holiday: counting starts after it.
        ("2026-10-03", 3, "2026-10-10"),
        ("2026-10-07", 5, "2026-10-13"),
        # Received on the Friday before the Sunday make-up day: 09-20 Sun counts.
        ("2026-09-18", 3, "2026-09-22"),
        # Received on the make-up day itself: the start day never counts.
        ("2026-09-20", 3, "2026-09-23"),
        # Received on the make-up Saturday after the holiday.
        ("2026-10-10", 3, "2026-10-14"),
        # Received the Friday before the make-up Saturday.
        ("2026-10-09", 1, "2026-10-10"),
    ],
)
def test_add_working_days_over_national_day(start: str, days: int, expected: str) -> None:
    """The National Day week is skipped and its weekend make-up days count."""
    assert add_working_days(D(start), days, NATIONAL_DAY, MAKE_UP) == D(expected)


def test_holiday_calendar_changes_the_result() -> None:
    """Without the holiday calendar the same start lands inside the holiday week."""
    assert add_working_days(D("2026-09-30"), 3) == D("2026-10-05")
    assert add_working_days(D("2026-09-30"), 3, NATIONAL_DAY, MAKE_UP) == D("2026-10-10")


def test_calendars_accept_sets_and_lists() -> None:
    """Holidays and make-up days may be any container (set, frozenset, list)."""
    as_sets = add_working_days(D("2026-09-30"), 5, set(NATIONAL_DAY), set(MAKE_UP))
    as_lists = add_working_days(D("2026-09-30"), 5, sorted(NATIONAL_DAY), sorted(MAKE_UP))
    assert as_sets == as_lists == D("2026-10-13")


@pytest.mark.parametrize(("days", "expected"), [(3, "2026-10-10"), (5, "2026-10-13")])
def test_due_at_is_end_of_last_working_day(days: int, expected: str) -> None:
    """due_at is 23:59:59 of the last working day, in the received time's timezone."""
    received = datetime(2026, 9, 30, 15, 30, tzinfo=SHANGHAI)
    due = due_at(received, days, NATIONAL_DAY, MAKE_UP)
    assert due == datetime.combine(D(expected), time(23, 59, 59), tzinfo=SHANGHAI)
    assert due.tzinfo is SHANGHAI
    assert due.utcoffset() == timedelta(hours=8)


def test_due_at_ignores_time_of_day() -> None:
    """A case received just after midnight or just before it has the same deadline."""
    early = due_at(datetime(2026, 11, 20, 0, 0, 1, tzinfo=SHANGHAI), 3)
    late = due_at(datetime(2026, 11, 20, 23, 59, 59, tzinfo=SHANGHAI), 3)
    assert early == late == datetime(2026, 11, 25, 23, 59, 59, tzinfo=SHANGHAI)


def test_due_at_on_saturday() -> None:
    """A case received on a Saturday is due at the end of the third working day (Wednesday)."""
    due = due_at(datetime(2026, 11, 21, 9, 0, tzinfo=SHANGHAI), 3)
    assert due == datetime(2026, 11, 25, 23, 59, 59, tzinfo=SHANGHAI)


def test_due_at_keeps_fixed_offset_timezone() -> None:
    """A fixed-offset received time gives a deadline with the same offset."""
    tz = timezone(timedelta(hours=8))
    due = due_at(datetime(2026, 11, 16, 12, 0, tzinfo=tz), 5)
    assert due == datetime(2026, 11, 23, 23, 59, 59, tzinfo=tz)
    assert due.tzinfo is tz


def test_due_at_naive_stays_naive() -> None:
    """A naive received time gives a naive deadline."""
    due = due_at(datetime(2026, 11, 16, 12, 0), 3)
    assert due == datetime(2026, 11, 19, 23, 59, 59)
    assert due.tzinfo is None


def test_due_at_uses_the_local_calendar_day() -> None:
    """The received day is taken in the received time's own timezone, not UTC."""
    # 2026-11-20 Fri 07:00 in Shanghai is still Thursday 23:00 UTC.
    received = datetime(2026, 11, 20, 7, 0, tzinfo=SHANGHAI)
    assert due_at(received, 1) == datetime(2026, 11, 23, 23, 59, 59, tzinfo=SHANGHAI)


def test_working_days_between_counts_after_the_start() -> None:
    """Working days after the start up to the end: the next working day is one, holidays skipped."""
    assert working_days_between(D("2026-11-16"), D("2026-11-16")) == 0
    assert working_days_between(D("2026-11-16"), D("2026-11-17")) == 1
    assert working_days_between(D("2026-11-20"), D("2026-11-23")) == 1  # Friday to Monday
    assert working_days_between(D("2026-09-30"), D("2026-10-10"), NATIONAL_DAY, MAKE_UP) == 3
    assert working_days_between(D("2026-11-17"), D("2026-11-16")) == 0
