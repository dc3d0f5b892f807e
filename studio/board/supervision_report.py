"""The weekly supervision report (督办周报): cases urged, replied after urging, units called in, still overdue.

It sits beside the weekly ranking (:mod:`studio.board.ranking`): the same ISO
weeks, the same week picker and print stylesheet, the same XLSX rules
(:func:`studio.board.exports.cell`, every text cell stored as text). It is for
staff: the supervisor's console links to it. :func:`summarise` is the pure
part: it counts from the week's urgings and follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from studio.board.exports import cell
from studio.board.ranking import unit_sheet, units_by_id, workbook_bytes
from studio.board.stats import week_bounds, week_of
from studio.store import supervision as rows
from studio.store.database import Queryable


@dataclass(frozen=True, slots=True)
class Urging:
    """One urging sent in the week: its case, unit and time, the unit's first reply after it, and
    whether the case is open and past its deadline now."""

    case_id: int
    unit_id: int
    at: datetime
    replied_at: datetime | None
    overdue_now: bool


@dataclass(frozen=True, slots=True)
class FollowUp:
    """One follow-up recorded in the week: ``call`` (电话督办) or ``meeting`` (约谈, a unit called in)."""

    case_id: int
    unit_id: int | None
    kind: str


COLUMNS = [
    ("unit", "办理单位"), ("urgings", "督办次数"), ("cases_urged", "督办件数"),
    ("replied", "督办后已答复件数"), ("avg_reply_hours", "督办后平均答复用时(小时)"),
    ("calls", "电话督办次数"), ("meetings", "约谈次数"), ("still_overdue", "督办件仍超期数"),
]
"""The report's table, in order (``unit`` is the unit's name; the last row is 合计)."""


def _row(urgings: list[Urging], followups: list[FollowUp]) -> dict[str, Any]:
    cases = {u.case_id for u in urgings}
    replied = {u.case_id for u in urgings if u.replied_at is not None}
    waits = [(u.replied_at - u.at).total_seconds() / 3600 for u in urgings if u.replied_at is not None]
    return {
        "urgings": len(urgings),
        "cases_urged": len(cases),
        "replied": len(replied),
        "avg_reply_hours": round(sum(waits) / len(waits), 1) if waits else None,
        "calls": sum(1 for f in followups if f.kind == "call"),
        "meetings": sum(1 for f in followups if f.kind == "meeting"),
        "still_overdue": len({u.case_id for u in urgings if u.overdue_now}),
    }


def summarise(urgings: list[Urging], followups: list[FollowUp],
              units: dict[int, str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per unit with any urging or follow-up in the week (most urgings first, then by name), and the
    totals.

    A case counts once per unit however often it was urged; it is *replied* when the unit replied
    after one of the week's urgings (at any time until now); the average reply time is over the
    urgings that got a reply, from the urging to the unit's first reply after it, in hours (calendar
    time); *still overdue* are urged cases open past their deadline now.
    """
    touched = {u.unit_id for u in urgings} | {f.unit_id for f in followups if f.unit_id is not None}
    table = []
    for unit_id in touched:
        row = _row([u for u in urgings if u.unit_id == unit_id],
                   [f for f in followups if f.unit_id == unit_id])
        table.append({"unit": {"id": unit_id, "name": units.get(unit_id, str(unit_id))}, **row})
    table.sort(key=lambda r: (-r["urgings"], r["unit"]["name"]))
    totals = {"unit": {"id": None, "name": "合计"}, **_row(urgings, followups)}
    return table, totals


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def weekly(conn: Queryable, week: str, now: datetime) -> dict[str, Any]:
    """The supervision report of one ISO week (studio time zone): the table, the totals, the units
    called in (约谈) and every urging of the week with its case."""
    zone = now.tzinfo or ZoneInfo("Asia/Shanghai")
    monday, next_monday = week_bounds(week)
    start = datetime.combine(monday, time(0), tzinfo=zone).isoformat()
    end = datetime.combine(next_monday, time(0), tzinfo=zone).isoformat()
    stamp = now.isoformat()
    sent = await rows.urgings_between(conn, start, end)
    urgings = []
    for r in sent:
        at = _time(r["at"])
        assert at is not None
        urgings.append(Urging(r["case_id"], r["unit_id"], at, _time(r["replied_at"]),
                              r["status"] == "open" and r["due_at"] is not None and r["due_at"] < stamp))
    followups = [FollowUp(r["case_id"], r["unit_id"], r["kind"])
                 for r in await rows.followups_between(conn, start, end)]
    names = await units_by_id(conn)
    table, totals = summarise(urgings, followups, names)
    year, number, _ = monday.isocalendar()
    return {
        "week": week,
        "title": f"督办工作周报（{year} 年第 {number} 周）",
        "start": monday.isoformat(),
        "end": date.fromordinal(next_monday.toordinal() - 1).isoformat(),
        "previous": week_of(date.fromordinal(monday.toordinal() - 7)),
        "next": week_of(next_monday),
        "generated_at": stamp,
        "units": table,
        "totals": totals,
        "called_in": sorted({names.get(f.unit_id, "") for f in followups
                             if f.kind == "meeting" and f.unit_id is not None}),
        "urgings": [
            {"case_id": r["case_id"], "title": r["title"], "unit": names.get(r["unit_id"], ""),
             "at": r["at"], "replied_at": r["replied_at"], "overdue_now": u.overdue_now}
            for r, u in zip(sent, urgings, strict=True)
        ],
    }


def xlsx(report: dict[str, Any]) -> bytes:
    """The report as an XLSX workbook: a title row, the period, the header, one row per unit and the
    totals; then the units called in. Text cells go through :func:`studio.board.exports.cell` and are
    stored as text."""
    book, sheet = unit_sheet(report, f"统计范围：{report['start']} 至 {report['end']} 发出的督办与记录的跟进；"
                                     f"生成时间 {report['generated_at']}", COLUMNS,
                             [*report["units"], report["totals"]])
    sheet.append([])
    sheet.append(["被约谈单位", cell("、".join(report["called_in"]) or "无")])
    sheet.column_dimensions["A"].width = 24
    return workbook_bytes(book)
