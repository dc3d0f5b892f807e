"""The weekly ranking report (民情数据排名周报): facts from the store, SVG bars, XLSX export.

The numbers come from :mod:`studio.board.stats` (pure) over the facts that
:mod:`studio.store.board_stats` reads; this module draws the bar charts as
SVG on the server (no JavaScript) and writes the same table as an XLSX
workbook with openpyxl.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from studio.board.exports import cell
from studio.board.stats import CaseFacts, UnitStats, unit_stats, week_bounds, week_of
from studio.replyquality import MAX_POINTS, assess_all
from studio.store import board_stats
from studio.store.database import Queryable
from studio.store.units import all_units


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


async def load_facts(conn: Queryable, start: datetime, end: datetime) -> list[CaseFacts]:
    """The board cases routed in ``[start, end)`` with their first reply, its quality indicators
    (boilerplate judged among the period's first replies) and their ratings."""
    window = (start.isoformat(), end.isoformat())
    ratings = await board_stats.ratings_by_case(conn, *window)
    rows = await board_stats.routed_cases(conn, *window)
    replied = [row for row in rows if row["first_reply_text"] is not None]
    judged = assess_all([(row["title"] + "\n" + row["text"], row["first_reply_text"]) for row in replied])
    quality = {row["id"]: found for row, found in zip(replied, judged, strict=True)}
    facts = []
    for row in rows:
        routed = _time(row["routed_at"])
        assert routed is not None
        found = quality.get(row["id"])
        facts.append(CaseFacts(
            unit_id=row["unit_id"], routed_at=routed, due_at=_time(row["due_at"]),
            is_open=row["status"] == "open", first_reply_at=_time(row["first_reply_at"]),
            first_reply_due=_time(row["first_reply_due"]),
            ratings=tuple(ratings.get(row["id"], ())), supports=int(row["supports"]),
            quality_points=None if found is None else found.points,
            boilerplate=found is not None and found.boilerplate,
        ))
    return facts


async def units_by_id(conn: Queryable) -> dict[int, str]:
    return {row["id"]: row["name"] for row in await all_units(conn)}


async def statistics(conn: Queryable, start: datetime, end: datetime, now: datetime) -> list[UnitStats]:
    """Every unit's statistics for cases routed in ``[start, end)``, ranked."""
    facts = await load_facts(conn, start, end)
    overdue = await board_stats.open_overdue_by_unit(conn, now.isoformat())
    return unit_stats(facts, await units_by_id(conn), start=start, end=end, now=now,
                      open_overdue=overdue)


def parse_week(value: str | None, today: date) -> str:
    """A valid ISO week ``YYYY-Www`` (the week picker's value), else the current week."""
    if value:
        try:
            week_bounds(value)
            return value
        except ValueError:
            pass
    return week_of(today)


async def weekly(conn: Queryable, week: str, now: datetime) -> dict[str, Any]:
    """The ranking report of one ISO week in the studio's timezone."""
    zone = now.tzinfo or ZoneInfo("Asia/Shanghai")
    monday, next_monday = week_bounds(week)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(next_monday, time(0), tzinfo=zone)
    rows = await statistics(conn, start, end, now)
    year, number, _ = monday.isocalendar()
    previous = week_of(date.fromordinal(monday.toordinal() - 7))
    following = week_of(next_monday)
    return {
        "week": week,
        "title": f"民情数据排名周报（{year} 年第 {number} 周）",
        "start": monday.isoformat(),
        "end": date.fromordinal(next_monday.toordinal() - 1).isoformat(),
        "previous": previous,
        "next": following,
        "generated_at": now.isoformat(),
        "units": [row.as_dict() for row in rows],
    }


COLUMNS = [
    ("rank", "排名"), ("unit", "办理单位"), ("received", "收件数"), ("replied", "答复数"),
    ("on_time", "按期答复数"), ("due", "应办结数"), ("on_time_rate", "按期办结率(%)"),
    ("avg_reply_hours", "平均答复用时(小时)"), ("ratings", "评价数"),
    ("satisfied", "满意及基本满意数"), ("unsatisfied", "不满意数"),
    ("satisfaction_rate", "满意率(%)"), ("open_overdue", "超期未办结数"),
    ("reply_quality", f"答复质量(满分{MAX_POINTS})"), ("boilerplate", "套话答复数"),
    ("supported", "同问诉求数"), ("supports", "同问人次"),
]


def xlsx(report: dict[str, Any]) -> bytes:
    """The report's table as an XLSX workbook: a title row, a header row, one row per unit; unit
    names are written through :func:`studio.board.exports.cell` and every text cell is stored as
    text."""
    book, sheet = unit_sheet(report, f"统计范围：{report['start']} 至 {report['end']} 分派的诉求件；"
                                     f"生成时间 {report['generated_at']}", COLUMNS, report["units"])
    sheet.column_dimensions["B"].width = 24
    return workbook_bytes(book)


def unit_sheet(report: dict[str, Any], scope: str, columns: list[tuple[str, str]],
               units: list[dict[str, Any]]) -> tuple[Workbook, Worksheet]:
    """A workbook whose sheet (named after the report's week) holds the report's title, ``scope``,
    the header of ``columns`` and one row per unit of ``units``, each value through ``cell``."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = report["week"]
    sheet.append([report["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([scope])
    sheet.append([label for _, label in columns])
    for heading in sheet[3]:
        heading.font = Font(bold=True)
        heading.alignment = Alignment(horizontal="center", wrap_text=True)
    for unit in units:
        sheet.append([cell(unit["unit"]["name"] if key == "unit" else unit[key]) for key, _ in columns])
    return book, sheet


def workbook_bytes(book: Workbook) -> bytes:
    """The XLSX file of ``book``, every text cell of every sheet stored as text (never a formula,
    whatever it starts with: the values went through :func:`studio.board.exports.cell` too)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for written in row:
                if isinstance(written.value, str):
                    written.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROW_HEIGHT = 22
LABEL_WIDTH = 110
BAR_WIDTH = 230
VALUE_WIDTH = 70


def bar_chart(title: str, units: list[dict[str, Any]], series: list[tuple[str, str]],
              *, percent: bool = False) -> Markup:
    """A horizontal bar chart as inline SVG: one group of bars per unit, one bar per series.

    ``series`` is a list of (key, css class); values of ``None`` draw no bar
    and show “—”. Percentages are scaled to 100, counts to the largest value.
    """
    top = 0.0 if percent else max([float(u[k] or 0) for u in units for k, _ in series] or [0.0])
    scale = 100.0 if percent else (top or 1.0)
    group = ROW_HEIGHT * len(series) + 8
    height = 30 + group * max(1, len(units))
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title>{escape(title)}</title>',
        f'<text class="chart-title" x="0" y="18">{escape(title)}</text>',
    ]
    for index, unit in enumerate(units):
        y0 = 30 + index * group
        parts.append(f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y0 + group / 2:.0f}" '
                     f'text-anchor="end" dominant-baseline="middle">{escape(unit["unit"]["name"])}</text>')
        for position, (key, css) in enumerate(series):
            value = unit[key]
            y = y0 + position * ROW_HEIGHT + 3
            length = 0.0 if value is None else BAR_WIDTH * float(value) / scale
            parts.append(f'<rect class="bar {css}" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                         f'height="{ROW_HEIGHT - 6}"/>')
            shown = "—" if value is None else (f"{value}%" if percent else f"{value}")
            parts.append(f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" '
                         f'y="{y + (ROW_HEIGHT - 6) / 2:.0f}" dominant-baseline="middle">{shown}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def charts(report: dict[str, Any]) -> list[Markup]:
    """The report's three charts: received and replied, on-time rate, satisfaction rate."""
    units = report["units"]
    return [
        bar_chart("收件数与答复数", units, [("received", "bar-received"), ("replied", "bar-replied")]),
        bar_chart("按期办结率（%）", units, [("on_time_rate", "bar-rate")], percent=True),
        bar_chart("满意率（%）", units, [("satisfaction_rate", "bar-satisfaction")], percent=True),
    ]
