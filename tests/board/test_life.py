"""The case lifecycle and its deadlines as pure logic: who may act, 不满意, extensions over holidays."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from moderation.lifecycle import Refusal, Role
from studio.board.life import (
    CaseAction,
    Rating,
    Rules,
    Stage,
    after_rating,
    deadline,
    decide,
    extended,
    may_extend,
    parse_rating,
    public_status,
)
from studio.store.migrations import MIGRATIONS

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat


def calendar_2026() -> tuple[frozenset[date], frozenset[date]]:
    """The holiday calendar the store is loaded with, read from the migration itself."""
    rows = re.findall(r"\('(2026-\d\d-\d\d)', '(holiday|workday)'", "".join(MIGRATIONS))
    holidays = frozenset(D(day) for day, kind in rows if kind == "holiday")
    workdays = frozenset(D(day) for day, kind in rows if kind == "workday")
    return holidays, workdays


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(D(day), datetime.min.time(), tzinfo=SHANGHAI).replace(hour=hour)


def test_2026_calendar_is_the_official_schedule() -> None:
    """The default calendar holds the State Council's 2026 holidays and make-up working days."""
    holidays, workdays = calendar_2026()
    assert workdays == {D("2026-01-04"), D("2026-02-14"), D("2026-02-28"), D("2026-05-09"),
                        D("2026-09-20"), D("2026-10-10")}
    spring = {D("2026-02-15") + timedelta(days=i) for i in range(9)}
    national = {D("2026-10-01") + timedelta(days=i) for i in range(7)}
    assert spring <= holidays and national <= holidays
    assert {D("2026-01-01"), D("2026-04-06"), D("2026-05-05"), D("2026-06-19"), D("2026-09-25")} <= holidays
    assert len(holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7


@pytest.mark.parametrize(
    ("received", "hard", "due"),
    [
        ("2026-02-12", False, "2026-02-24"),  # Thu: 02-13 Fri, 02-14 Sat (make-up), 02-24 Tue
        ("2026-02-12", True, "2026-02-26"),
        ("2026-04-30", False, "2026-05-08"),  # Labour Day 05-01..05 off: 05-06, 05-07, 05-08
        ("2026-05-07", False, "2026-05-11"),  # 05-08 Fri, 05-09 Sat (make-up), 05-11 Mon
        ("2026-12-30", False, "2027-01-04"),  # beyond the calendar: plain weekdays
    ],
)
def test_deadline_over_the_2026_calendar(received: str, hard: bool, due: str) -> None:
    """Deadlines skip holidays, count make-up Saturdays, and end at 23:59:59 of the last working day."""
    holidays, workdays = calendar_2026()
    result = deadline(at(received), hard, Rules(), holidays, workdays)
    assert result == datetime.combine(D(due), datetime.max.time(), tzinfo=SHANGHAI).replace(microsecond=0)


def test_configured_days() -> None:
    """Rules with other numbers of working days give other deadlines."""
    rules = Rules(ordinary_days=1, hard_days=2, extension_days=3)
    assert deadline(at("2026-11-20"), False, rules, frozenset(), frozenset()).date() == D("2026-11-23")
    assert deadline(at("2026-11-20"), True, rules, frozenset(), frozenset()).date() == D("2026-11-24")


def test_extension_adds_working_days_after_the_current_deadline() -> None:
    """The extension adds its working days to the deadline in force, over holidays and make-up days."""
    holidays, workdays = calendar_2026()
    current = datetime(2026, 9, 29, 23, 59, 59, tzinfo=SHANGHAI)
    new = extended(current, Rules(), holidays, workdays)
    # 09-30 Wed, (10-01..07 off), 10-08 Thu, 10-09 Fri, 10-10 Sat (make-up), 10-12 Mon
    assert new == datetime(2026, 10, 12, 23, 59, 59, tzinfo=SHANGHAI)
    assert extended(current, Rules(extension_days=1), holidays, workdays).date() == D("2026-09-30")


def test_may_extend_once_and_before_the_deadline() -> None:
    """An extension is allowed once, only while the deadline has not passed."""
    due = datetime(2026, 11, 25, 23, 59, 59, tzinfo=SHANGHAI)
    assert may_extend(due, due - timedelta(hours=1), already_extended=False) is None
    assert may_extend(due, due, already_extended=False) is None
    assert may_extend(due, due + timedelta(seconds=1), already_extended=False) is not None
    assert may_extend(due, due - timedelta(days=1), already_extended=True) is not None
    assert may_extend(None, due, already_extended=False) is not None


def test_happy_path() -> None:
    """routing → assigned → accepted → replied → closed, each by its role."""
    assert decide(Stage.ROUTING, CaseAction.ROUTE, Role.MODERATOR, staff_unit=None, case_unit=None) is Stage.ASSIGNED
    assert decide(Stage.ASSIGNED, CaseAction.ACCEPT, Role.OFFICIAL, staff_unit=1, case_unit=1) is Stage.ACCEPTED
    assert decide(Stage.ACCEPTED, CaseAction.REPLY, Role.OFFICIAL, staff_unit=1, case_unit=1) is Stage.REPLIED
    assert decide(Stage.REPLIED, CaseAction.REPLY, Role.OFFICIAL, staff_unit=1, case_unit=1) is Stage.REPLIED
    assert decide(Stage.REPLIED, CaseAction.RATE, Role.AUDIENCE, staff_unit=None, case_unit=1) is Stage.CLOSED


@pytest.mark.parametrize(
    ("action", "role", "staff_unit"),
    [
        (CaseAction.ACCEPT, Role.OFFICIAL, 2),     # another unit
        (CaseAction.ACCEPT, Role.MODERATOR, None),  # moderators route, they do not handle
        (CaseAction.REPLY, Role.MODERATOR, None),
        (CaseAction.EXTEND, Role.OFFICIAL, 2),
        (CaseAction.OUT_OF_SCOPE, Role.OFFICIAL, 2),
        (CaseAction.OUT_OF_SCOPE, Role.MODERATOR, None),
        (CaseAction.ROUTE, Role.OFFICIAL, 1),
        (CaseAction.RATE, Role.OFFICIAL, 1),         # only the asker rates
        (CaseAction.RATE, Role.ADMIN, None),
    ],
)
def test_forbidden(action: CaseAction, role: Role, staff_unit: int | None) -> None:
    """The wrong role, or an official of another unit, is refused with ``forbidden``."""
    with pytest.raises(Refusal) as refused:
        decide(Stage.ACCEPTED, action, role, staff_unit=staff_unit, case_unit=1)
    assert refused.value.code == "forbidden"


@pytest.mark.parametrize(
    ("stage", "action"),
    [
        (Stage.ASSIGNED, CaseAction.REPLY),       # accept first
        (Stage.ROUTING, CaseAction.ACCEPT),
        (Stage.ACCEPTED, CaseAction.ACCEPT),
        (Stage.ASSIGNED, CaseAction.EXTEND),
        (Stage.REPLIED, CaseAction.EXTEND),
        (Stage.REPLIED, CaseAction.OUT_OF_SCOPE),  # a replied case is no longer sent back
        (Stage.REOPENED, CaseAction.OUT_OF_SCOPE),
        (Stage.CLOSED, CaseAction.REPLY),
        (Stage.ACCEPTED, CaseAction.ROUTE),
    ],
)
def test_not_allowed(stage: Stage, action: CaseAction) -> None:
    """Actions the stage does not allow are refused with ``not_allowed``, for admins too."""
    with pytest.raises(Refusal) as refused:
        decide(stage, action, Role.ADMIN, staff_unit=None, case_unit=1)
    assert refused.value.code == "not_allowed"


def test_out_of_scope_goes_back_to_routing() -> None:
    """The unit sends back an assigned or accepted case to the routing queue."""
    for stage in (Stage.ASSIGNED, Stage.ACCEPTED):
        assert decide(stage, CaseAction.OUT_OF_SCOPE, Role.OFFICIAL, staff_unit=1, case_unit=1) is Stage.ROUTING


def test_unsatisfied_reopens_once() -> None:
    """不满意 on round 1 reopens; on round 2 it closes; 满意 and 基本满意 close."""
    assert after_rating(Rating.UNSATISFIED, 1) is Stage.REOPENED
    assert after_rating(Rating.UNSATISFIED, 2) is Stage.CLOSED
    assert after_rating(Rating.SATISFIED, 1) is Stage.CLOSED
    assert after_rating(Rating.BASICALLY_SATISFIED, 1) is Stage.CLOSED


def test_parse_rating() -> None:
    """Ratings are accepted as labels or codes, nothing else."""
    assert parse_rating("满意") is Rating.SATISFIED
    assert parse_rating(" 基本满意 ") is Rating.BASICALLY_SATISFIED
    assert parse_rating("unsatisfied") is Rating.UNSATISFIED
    for bad in ("很好", "", None, 1):
        with pytest.raises(ValueError):
            parse_rating(bad)


def test_public_status() -> None:
    """Open stages are public ``open``; replied and closed are public ``replied``."""
    assert {public_status(s) for s in (Stage.ROUTING, Stage.ASSIGNED, Stage.ACCEPTED, Stage.REOPENED)} == {"open"}
    assert {public_status(s) for s in (Stage.REPLIED, Stage.CLOSED)} == {"replied"}
