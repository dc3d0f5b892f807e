"""Units on duty (轮值): an admin schedules which units take turns talking with netizens on which
days; the board shows today's, and a case routed to a unit on duty says so on its timeline."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from moderation.lifecycle import Role
from studio.accounts.directory import Staff
from studio.clock import parse_day
from studio.errors import ApiError, invalid, whole_number
from studio.store import audit, duty
from studio.store.database import Database, Queryable

MAX_DAYS = 92
"""The longest span one roster read covers."""


def _day(value: Any, field: str = "day") -> date:
    try:
        return parse_day(str(value))
    except ValueError:
        raise invalid(field, "日期须为 YYYY-MM-DD") from None


async def roster(conn: Queryable, first: date, days: int = 7) -> list[dict[str, Any]]:
    """Every day from ``first`` for ``days`` days (at most ``MAX_DAYS``) with its units on duty."""
    days = max(1, min(days, MAX_DAYS))
    last = first + timedelta(days=days - 1)
    by_day: dict[str, list[dict[str, Any]]] = {
        (first + timedelta(days=n)).isoformat(): [] for n in range(days)}
    for row in await duty.roster(conn, first.isoformat(), last.isoformat()):
        by_day[row["day"]].append({"id": row["unit_id"], "name": row["unit_name"]})
    return [{"day": day, "units": units} for day, units in by_day.items()]


async def read_roster(conn: Queryable, start: str | None, today: date) -> list[dict[str, Any]]:
    """The week from ``start`` (``YYYY-MM-DD``; today when absent)."""
    return await roster(conn, _day(start, "from") if start else today)


async def set_day(db: Database, staff: Staff, day_text: str, body: dict[str, Any], at: str) -> dict[str, Any]:
    """Set the units on duty on a day (admins; ``{"units": [id, ...]}``, an empty list clears it).

    Policy: the day is a date from 1900 to 2999; every id must be a unit (400
    ``invalid`` naming ``units`` otherwise); the change is audited.
    """
    if staff.role is not Role.ADMIN:
        raise ApiError("forbidden", "只有管理员可以安排轮值")
    day = _day(day_text).isoformat()
    raw = body.get("units")
    if not isinstance(raw, list) or len(raw) > 50:
        raise invalid("units", "units 须为单位编号的列表")
    ids = list(dict.fromkeys(whole_number(value, "units", "单位编号无效") for value in raw))
    async with db.write() as tx:
        if await duty.unit_ids(tx, ids) != set(ids):
            raise invalid("units", "没有这个单位")
        await duty.set_units(tx, day, ids)
        await audit.record(tx, at=at, actor=staff.username, role=staff.role.value, action="duty.set",
                           detail={"day": day, "units": ids})
        return (await roster(tx, date.fromisoformat(day), 1))[0]
