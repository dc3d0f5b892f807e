"""Per-unit statistics and the weekly ranking (民情数据排名). Pure, no I/O.

Definitions (docs/board.md, "Statistics", says the same):

- A unit's *cohort* for a period is the set of board cases (not live posts)
  currently routed to the unit whose routing time falls in the period
  ``[start, end)``. A case the unit sent back as out of scope is not in its
  cohort; the unit it is routed to next receives it at that later time.
- **received**: cases in the cohort.
- **replied**: cohort cases with at least one reply from the unit.
- **on time**: cohort cases whose first reply came no later than the deadline
  in force when it was given (the extension included).
- **due**: cohort cases that are replied, or still open past their deadline.
- **按期办结率** (on-time rate) = on time ÷ due; none when nothing is due.
- **average time to reply**: mean hours from routing to the first reply over
  the replied cohort cases; none when nothing was replied.
- **satisfaction rate** = (满意 + 基本满意) ÷ all ratings given on cohort cases,
  every reply round counting once; none without ratings.
- **open overdue**: the unit's open cases (any routing time) past their
  deadline at ``now``.
- **reply quality**: the mean points (0–5, :mod:`studio.replyquality`) of the
  first replies of the replied cohort cases; none when nothing was replied.
  **boilerplate**: how many of those first replies are near copies of another
  reply given in the period.
- **supported** (同问诉求数): cohort cases at least one other person supports
  (同问: a viewer's "我也遇到了", a merged asker); **supports** (同问人次): the
  同问 on cohort cases, summed. Both as the cases stand now; neither changes
  the order.

The ranking orders units by on-time rate, then satisfaction rate (both
descending, none last), then average time to reply (ascending, none last),
then cases received (descending), then name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from studio.clock import FIRST_YEAR, LAST_YEAR

ISO_WEEK = re.compile("([0-9]{4})-W([0-9]{2})")
SATISFIED_RATINGS = frozenset({"satisfied", "basically_satisfied"})


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the statistics need to know about one case."""

    unit_id: int
    routed_at: datetime
    due_at: datetime | None
    is_open: bool
    first_reply_at: datetime | None = None
    first_reply_due: datetime | None = None
    ratings: tuple[str, ...] = ()
    quality_points: int | None = None
    boilerplate: bool = False
    supports: int = 0


@dataclass(slots=True)
class UnitStats:
    unit_id: int
    name: str
    received: int = 0
    replied: int = 0
    on_time: int = 0
    due: int = 0
    reply_hours_total: float = 0.0
    ratings: int = 0
    satisfied: int = 0
    unsatisfied: int = 0
    open_overdue: int = 0
    assessed: int = 0
    quality_total: int = 0
    boilerplate: int = 0
    supported: int = 0
    supports: int = 0
    rank: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def avg_reply_hours(self) -> float | None:
        return self.reply_hours_total / self.replied if self.replied else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    @property
    def reply_quality(self) -> float | None:
        return self.quality_total / self.assessed if self.assessed else None

    def as_dict(self) -> dict[str, object]:
        def pct(value: float | None) -> float | None:
            return None if value is None else round(value * 100, 1)

        hours = self.avg_reply_hours
        return {
            "rank": self.rank,
            "unit": {"id": self.unit_id, "name": self.name},
            "received": self.received,
            "replied": self.replied,
            "on_time": self.on_time,
            "due": self.due,
            "on_time_rate": pct(self.on_time_rate),
            "avg_reply_hours": None if hours is None else round(hours, 1),
            "ratings": self.ratings,
            "satisfied": self.satisfied,
            "unsatisfied": self.unsatisfied,
            "satisfaction_rate": pct(self.satisfaction_rate),
            "open_overdue": self.open_overdue,
            "reply_quality": None if self.reply_quality is None else round(self.reply_quality, 1),
            "boilerplate": self.boilerplate,
            "supported": self.supported,
            "supports": self.supports,
        }


def unit_stats(facts: Iterable[CaseFacts], units: dict[int, str], *, start: datetime,
               end: datetime, now: datetime,
               open_overdue: Mapping[int, int] | None = None) -> list[UnitStats]:
    """Statistics of every unit in ``units`` for cases routed in ``[start, end)``, ranked.

    Open overdue cases are counted from ``facts`` (which must then hold every
    open case), unless the store already counted them into ``open_overdue``.
    """
    table = {unit_id: UnitStats(unit_id, name) for unit_id, name in units.items()}
    if open_overdue is not None:
        for unit_id, count in open_overdue.items():
            if unit_id in table:
                table[unit_id].open_overdue = count
    for case in facts:
        stats = table.get(case.unit_id)
        if stats is None:
            continue
        overdue_now = case.is_open and case.due_at is not None and case.due_at < now
        if overdue_now and open_overdue is None:
            stats.open_overdue += 1
        if not start <= case.routed_at < end:
            continue
        stats.received += 1
        if case.supports:
            stats.supported += 1
            stats.supports += case.supports
        if case.first_reply_at is not None:
            stats.replied += 1
            stats.due += 1
            stats.reply_hours_total += (case.first_reply_at - case.routed_at).total_seconds() / 3600
            if case.first_reply_due is None or case.first_reply_at <= case.first_reply_due:
                stats.on_time += 1
            if case.quality_points is not None:
                stats.assessed += 1
                stats.quality_total += case.quality_points
                stats.boilerplate += case.boilerplate
        elif overdue_now:
            stats.due += 1
        for rating in case.ratings:
            stats.ratings += 1
            if rating in SATISFIED_RATINGS:
                stats.satisfied += 1
            else:
                stats.unsatisfied += 1
    return rank(list(table.values()))


def rank(rows: list[UnitStats]) -> list[UnitStats]:
    """Order units by the ranking rule of this module's docstring and number them 1, 2, …"""

    def desc(value: float | None) -> tuple[int, float]:
        return (1, 0.0) if value is None else (0, -value)

    def asc(value: float | None) -> tuple[int, float]:
        return (1, 0.0) if value is None else (0, value)

    ordered = sorted(rows, key=lambda s: (desc(s.on_time_rate), desc(s.satisfaction_rate),
                                          asc(s.avg_reply_hours), -s.received, s.name))
    for position, stats in enumerate(ordered, start=1):
        stats.rank = position
    return ordered


def week_bounds(week: str) -> tuple[date, date]:
    """Monday and the next Monday of an ISO week written ``2026-W47`` within the studio's years
    (``studio.clock``); ValueError otherwise."""
    found = ISO_WEEK.fullmatch(week)
    if found is None or not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise ValueError(f"not an ISO week from {FIRST_YEAR} to {LAST_YEAR}: {week!r}")
    monday = date.fromisocalendar(int(found[1]), int(found[2]), 1)
    return monday, monday + timedelta(days=7)


def week_of(day: date) -> str:
    """The ISO week of ``day``, written ``2026-W47``."""
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"
