"""The holiday calendar (节假日安排): public holidays and make-up working days, admin-edited.

A day not in the calendar is a working day from Monday to Friday. Deadlines
already set keep their date when the calendar changes; new deadlines,
reopenings and extensions use the calendar as it is then.
"""

from __future__ import annotations

from typing import Any

from moderation.lifecycle import Role
from studio.accounts.directory import Staff
from studio.clock import parse_day
from studio.errors import ApiError, invalid
from studio.store import audit
from studio.store import calendar as calendar_days
from studio.store.database import Database, Queryable

KINDS = ("holiday", "workday")


async def days(conn: Queryable, year: int | None = None) -> list[dict[str, Any]]:
    """The calendar's days in date order (of one year when given)."""
    rows = await calendar_days.day_rows(conn, year)
    return [{"day": r["day"], "kind": r["kind"], "name": r["name"]} for r in rows]


def _day(value: Any) -> str:
    try:
        return parse_day(str(value)).isoformat()
    except ValueError:
        raise invalid("day", "日期须为 YYYY-MM-DD") from None


async def set_day(db: Database, staff: Staff, body: dict[str, Any], at: str) -> dict[str, Any]:
    """Mark a day as a public holiday or a make-up working day (replacing what it was)."""
    if staff.role is not Role.ADMIN:
        raise ApiError("forbidden", "只有管理员可以修改节假日")
    day = _day(body.get("day"))
    kind = body.get("kind")
    if kind not in KINDS:
        raise invalid("kind", "kind 须为 holiday（放假）或 workday（调休上班）")
    name = body.get("name") or ""
    if not isinstance(name, str) or len(name.strip()) > 30:
        raise invalid("name", "名称不能超过 30 字")
    async with db.write() as tx:
        before = await calendar_days.day_kind(tx, day)
        await calendar_days.put_day(tx, day, kind, name.strip())
        await audit.record(tx, at=at, actor=staff.username, role=staff.role.value,
                           action="calendar.set", from_status=before,
                           to_status=kind, detail={"day": day, "name": name.strip()})
    return {"day": day, "kind": kind, "name": name.strip()}


async def delete_day(db: Database, staff: Staff, day: str, at: str) -> None:
    """Remove a day from the calendar: it becomes an ordinary weekday or weekend day again."""
    if staff.role is not Role.ADMIN:
        raise ApiError("forbidden", "只有管理员可以修改节假日")
    day = _day(day)
    async with db.write() as tx:
        before = await calendar_days.day_kind(tx, day)
        if before is None:
            raise ApiError("not_found", "日历中没有这一天")
        await calendar_days.delete_day(tx, day)
        await audit.record(tx, at=at, actor=staff.username, role=staff.role.value,
                           action="calendar.delete", from_status=before, detail={"day": day})
