"""The holiday calendar as admins edit it, in process on a real store."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from studio.board import actions, holidays, records
from studio.board.life import CaseAction
from studio.clock import Clock
from studio.errors import ApiError
from studio.store.database import Database
from support.cases import new_case
from support.people import People

pytestmark = pytest.mark.asyncio
CLOCK = Clock("Asia/Shanghai")
AT = "2026-11-20T10:00:00+08:00"


async def calendar_audit(db: Database) -> list[tuple[Any, ...]]:
    async with db.read() as conn:
        rows = await conn.fetchall(
            "SELECT actor, action, from_status, to_status FROM audit_log "
            "WHERE action LIKE 'calendar.%' ORDER BY id")
    return [tuple(row) for row in rows]


async def test_admin_marks_replaces_and_removes_days(db: Database, people: People) -> None:
    """An admin marks a day as holiday or make-up working day, replaces it, removes it; each audited."""
    admin = people.staff["admin"]
    made = await holidays.set_day(db, admin, {"day": "2027-01-01", "kind": "holiday", "name": " 元旦 "}, AT)
    assert made == {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    await holidays.set_day(db, admin, {"day": "2027-01-04", "kind": "workday"}, AT)
    async with db.read() as conn:
        assert await holidays.days(conn, 2027) == [
            {"day": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"day": "2027-01-04", "kind": "workday", "name": ""}]
    await holidays.set_day(db, admin, {"day": "2027-01-04", "kind": "holiday", "name": "调整"}, AT)
    await holidays.delete_day(db, admin, "2027-01-01", AT)
    async with db.read() as conn:
        assert await holidays.days(conn, 2027) == [{"day": "2027-01-04", "kind": "holiday", "name": "调整"}]
        every = await holidays.days(conn)
    assert [d["day"] for d in every] == sorted(d["day"] for d in every)
    assert every[-1]["day"] == "2027-01-04" and any(d["day"].startswith("2026-") for d in every)
    assert await calendar_audit(db) == [
        ("admin", "calendar.set", None, "holiday"),
        ("admin", "calendar.set", None, "workday"),
        ("admin", "calendar.set", "workday", "holiday"),
        ("admin", "calendar.delete", "holiday", None),
    ]


async def test_only_admins_edit_the_calendar(db: Database, people: People) -> None:
    """Moderators and officials may neither mark nor remove a day; the calendar stays as it was."""
    async with db.read() as conn:
        before = await holidays.days(conn)
    for who in ("mod1", "guest1"):
        with pytest.raises(ApiError) as marking:
            await holidays.set_day(db, people.staff[who], {"day": "2027-01-01", "kind": "holiday"}, AT)
        with pytest.raises(ApiError) as removing:
            await holidays.delete_day(db, people.staff[who], before[0]["day"], AT)
        assert marking.value.code == removing.value.code == "forbidden"
        assert marking.value.status_code == 403
    async with db.read() as conn:
        assert await holidays.days(conn) == before
    assert await calendar_audit(db) == []


@pytest.mark.parametrize(("body", "field"), [
    ({"day": "2026-02-30", "kind": "holiday"}, "day"),
    ({"day": "2026/03/01", "kind": "holiday"}, "day"),
    ({"day": "明天", "kind": "holiday"}, "day"),
    ({"day": None, "kind": "holiday"}, "day"),
    ({"kind": "holiday"}, "day"),
    ({"day": "2027-01-01", "kind": "weekend"}, "kind"),
    ({"day": "2027-01-01"}, "kind"),
    ({"day": "2027-01-01", "kind": "holiday", "name": "节" * 31}, "name"),
    ({"day": "2027-01-01", "kind": "holiday", "name": 7}, "name"),
])
async def test_bad_days_are_refused(db: Database, people: People, body: dict[str, Any],
                                    field: str) -> None:
    """A day that is not a real YYYY-MM-DD date, an unknown kind or a bad name is 400 naming the field."""
    with pytest.raises(ApiError) as caught:
        await holidays.set_day(db, people.staff["admin"], body, AT)
    assert (caught.value.code, caught.value.extra["field"], caught.value.status_code) == (
        "invalid", field, 400)
    async with db.read() as conn:
        assert await holidays.days(conn, 2027) == []


async def test_removing_a_day_not_in_the_calendar(db: Database, people: People) -> None:
    """Removing an unknown day is 404, a malformed one 400; nothing is audited."""
    with pytest.raises(ApiError) as missing:
        await holidays.delete_day(db, people.staff["admin"], "2027-03-03", AT)
    with pytest.raises(ApiError) as malformed:
        await holidays.delete_day(db, people.staff["admin"], "2027-13-01", AT)
    assert (missing.value.code, missing.value.status_code) == ("not_found", 404)
    assert (malformed.value.code, malformed.value.extra["field"]) == ("invalid", "day")
    assert await calendar_audit(db) == []


async def test_new_deadlines_use_the_calendar_set_deadlines_keep_theirs(
        db: Database, people: People) -> None:
    """Days made holidays push back the next routed case's deadline; a deadline already set stays."""
    unit = people.units["人社局"]
    first = await new_case(db, CLOCK, people.staff["mod1"], "第一件", unit=unit)
    async with db.read() as conn:
        set_before = (await actions.staff_case(conn, first, CLOCK.stamp()))["due_at"]
    today = CLOCK.now().date()
    day = today
    while day <= date.fromisoformat(set_before[:10]):
        await holidays.set_day(db, people.staff["admin"],
                               {"day": day.isoformat(), "kind": "holiday", "name": "临时放假"}, AT)
        day += timedelta(days=1)

    second = await new_case(db, CLOCK, people.staff["mod1"], "第二件")
    routed = await actions.act(db, CLOCK, people.staff["mod1"], second, CaseAction.ROUTE,
                               {"unit": unit})
    async with db.read() as conn:
        kept = (await actions.staff_case(conn, first, CLOCK.stamp()))["due_at"]
        expected = await records.deadline_from(conn, CLOCK.parse(routed["routed_at"]), False)
    assert kept == set_before
    assert routed["due_at"] == expected.isoformat() and routed["due_at"][:10] > set_before[:10]
