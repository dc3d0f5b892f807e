"""The weekly supervision report: the counts from a real server, its page, and the XLSX with the same figures."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from studio.board.supervision_report import COLUMNS, FollowUp, Urging, summarise
from support.clients import Studio
from support.supervision import board_case, make_overdue, supervisor

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=ZONE)


def test_summarise_counts_cases_once_and_replies_after_urging() -> None:
    """Two urgings of one case count one case; replies, wait hours, calls, meetings and overdue per unit."""
    urgings = [
        Urging(1, 10, MONDAY, MONDAY + timedelta(hours=5), False),
        Urging(1, 10, MONDAY + timedelta(hours=1), MONDAY + timedelta(hours=5), False),
        Urging(2, 20, MONDAY, None, True),
    ]
    followups = [FollowUp(1, 10, "call"), FollowUp(2, 20, "meeting"), FollowUp(3, 30, "call")]
    table, totals = summarise(urgings, followups, {10: "甲局", 20: "乙局", 30: "丙局"})
    assert [row["unit"]["name"] for row in table] == ["甲局", "乙局", "丙局"]
    first, second, third = table
    assert (first["urgings"], first["cases_urged"], first["replied"], first["avg_reply_hours"]) == (2, 1, 1, 4.5)
    assert (second["replied"], second["avg_reply_hours"], second["meetings"], second["still_overdue"]) == (
        0, None, 1, 1)
    assert (third["urgings"], third["calls"]) == (0, 1)
    assert {k: totals[k] for k in ("urgings", "cases_urged", "replied", "calls", "meetings", "still_overdue")} == {
        "urgings": 3, "cases_urged": 2, "replied": 1, "calls": 2, "meetings": 1, "still_overdue": 1}


def figures(row: dict[str, Any]) -> list[Any]:
    return [row["unit"]["name"] if key == "unit" else row[key] for key, _ in COLUMNS]


def test_weekly_report_page_and_xlsx_hold_the_same_figures(studio: Studio) -> None:
    """Urgings, a reply after urging, a call and a meeting this week: JSON, page and XLSX agree."""
    sup = supervisor(studio)
    answered = board_case(studio, "公租房申请进度查询")
    ignored = board_case(studio, "道路施工噪音扰民", unit="交通局")
    for made in (answered, ignored):
        make_overdue(studio, made["id"])
    for made, text in ((answered, "请尽快答复"), (answered, "再次督办"), (ignored, "请尽快答复")):
        assert sup.post(f"/api/board/cases/{made['id']}/urge", {"text": text}).status_code == 201
    assert studio.guest1.post(f"/api/board/cases/{answered['id']}/accept").status_code == 200
    assert studio.guest1.post(f"/api/board/cases/{answered['id']}/reply", {"text": "已答复"}).status_code == 200
    assert sup.post(f"/api/board/cases/{answered['id']}/follow-ups",
                    {"kind": "call", "outcome": "电话督办"}).status_code == 201
    assert sup.post(f"/api/board/cases/{ignored['id']}/follow-ups",
                    {"kind": "meeting", "outcome": "约谈交通局"}).status_code == 201

    report = sup.get("/api/board/supervision/report").json()
    rows = {row["unit"]["name"]: row for row in report["units"]}
    assert {k: rows["人社局"][k] for k in ("urgings", "cases_urged", "replied", "calls", "meetings",
                                         "still_overdue")} == {
        "urgings": 2, "cases_urged": 1, "replied": 1, "calls": 1, "meetings": 0, "still_overdue": 0}
    assert rows["人社局"]["avg_reply_hours"] is not None
    assert {k: rows["交通局"][k] for k in ("urgings", "replied", "meetings", "still_overdue")} == {
        "urgings": 1, "replied": 0, "meetings": 1, "still_overdue": 1}
    assert report["totals"]["urgings"] == 3 and report["totals"]["cases_urged"] == 2
    assert report["called_in"] == ["交通局"]
    assert [u["case_id"] for u in report["urgings"]] == [answered["id"], answered["id"], ignored["id"]]
    assert sup.get("/api/board/supervision/report?week=2026-W99").status_code == 400

    page = sup.get(f"/studio/supervision/report?week={report['week']}")
    assert page.status_code == 200 and "被约谈单位：</strong>交通局" in page.text
    cell = re.search(r'<tr data-unit="交通局">.*?data-key="meetings">(\d+)<', page.text, re.S)
    assert cell is not None and cell.group(1) == "1"

    download = sup.get(f"/studio/supervision/report.xlsx?week={report['week']}")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="supervision-{report["week"]}.xlsx"'
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == report["title"]
    assert values[2] == [label for _, label in COLUMNS]
    expected = [figures(row) for row in [*report["units"], report["totals"]]]
    assert values[3:3 + len(expected)] == expected
    assert values[-1][:2] == ["被约谈单位", "交通局"]
