"""Statistics and the weekly ranking on a constructed dataset with known answers (pure, then on a server)."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from datetime import datetime

import pytest
from openpyxl import load_workbook

from studio.board.stats import CaseFacts, unit_stats, week_bounds, week_of
from studio.store.fulltext import index_text
from support.servers import Server, running_server

# Week 2026-W10 runs from Monday 2026-03-02 to Sunday 2026-03-08.
# (unit, routed_at, due_at, open, first reply at, ratings) — the deadline in force at the
# first reply is the case's due_at (case 8's was extended before it replied).
CASES = [
    ("甲局", "2026-03-02T00:00:00+08:00", "2026-03-05T23:59:59+08:00", False,
     "2026-03-03T00:00:00+08:00", ("satisfied",)),                       # 24 h, on time
    ("甲局", "2026-03-03T10:00:00+08:00", "2026-03-06T23:59:59+08:00", False,
     "2026-03-07T10:00:00+08:00", ("unsatisfied", "basically_satisfied")),  # 96 h, late
    ("甲局", "2026-03-04T10:00:00+08:00", "2026-03-09T23:59:59+08:00", True, None, ()),  # overdue
    ("甲局", "2026-02-24T10:00:00+08:00", "2026-02-27T23:59:59+08:00", True, None, ()),  # last week
    ("乙局", "2026-03-05T09:00:00+08:00", "2026-03-10T23:59:59+08:00", False,
     "2026-03-05T21:00:00+08:00", ("satisfied",)),                       # 12 h, on time
    ("乙局", "2026-03-06T09:00:00+08:00", "2099-01-01T23:59:59+08:00", True, None, ()),  # not due
    ("乙局", "2026-03-04T10:00:00+08:00", "2026-03-16T23:59:59+08:00", False,
     "2026-03-12T10:00:00+08:00", ()),                                   # 192 h, extended, on time
    ("乙局", "2026-03-09T00:00:00+08:00", "2099-01-01T23:59:59+08:00", True, None, ()),  # next week
]
UNITS = {1: "甲局", 2: "乙局", 3: "丙局"}
EXPECTED = [
    {"rank": 1, "unit": "乙局", "received": 3, "replied": 2, "on_time": 2, "due": 2,
     "on_time_rate": 100.0, "avg_reply_hours": 102.0, "ratings": 1, "satisfied": 1,
     "unsatisfied": 0, "satisfaction_rate": 100.0, "open_overdue": 0, "supported": 0, "supports": 0},
    {"rank": 2, "unit": "甲局", "received": 3, "replied": 2, "on_time": 1, "due": 3,
     "on_time_rate": 33.3, "avg_reply_hours": 60.0, "ratings": 3, "satisfied": 2,
     "unsatisfied": 1, "satisfaction_rate": 66.7, "open_overdue": 2, "supported": 0, "supports": 0},
    {"rank": 3, "unit": "丙局", "received": 0, "replied": 0, "on_time": 0, "due": 0,
     "on_time_rate": None, "avg_reply_hours": None, "ratings": 0, "satisfied": 0,
     "unsatisfied": 0, "satisfaction_rate": None, "open_overdue": 0, "supported": 0, "supports": 0},
]
# the replies of the server's dataset are one word ("答复"): assessed, 0 points, not copies
NO_QUALITY = {"reply_quality": None, "boilerplate": 0}
ASSESSED = [{"reply_quality": 0.0, "boilerplate": 0}, {"reply_quality": 0.0, "boilerplate": 0}, NO_QUALITY]
T = datetime.fromisoformat


def flatten(row: dict[str, object]) -> dict[str, object]:
    unit = row["unit"]
    assert isinstance(unit, dict)
    return {**row, "unit": unit["name"]}


def test_unit_stats_known_answers() -> None:
    """Every figure of every unit matches a hand count of the dataset."""
    ids = {name: unit_id for unit_id, name in UNITS.items()}
    facts = [
        CaseFacts(unit_id=ids[unit], routed_at=T(routed), due_at=T(due), is_open=is_open,
                  first_reply_at=T(reply) if reply else None,
                  first_reply_due=T(due) if reply else None, ratings=ratings)
        for unit, routed, due, is_open, reply, ratings in CASES
    ]
    start, end = (T(f"{day}T00:00:00+08:00") for day in map(str, week_bounds("2026-W10")))
    rows = unit_stats(facts, UNITS, start=start, end=end, now=T("2026-03-20T12:00:00+08:00"))
    assert [flatten(r.as_dict()) for r in rows] == [{**row, **NO_QUALITY} for row in EXPECTED]


def test_reply_quality_is_averaged_over_first_replies() -> None:
    """A unit's reply quality is the mean points of its assessed first replies; copies are counted."""
    start, end = T("2026-03-02T00:00:00+08:00"), T("2026-03-09T00:00:00+08:00")
    routed, due = T("2026-03-02T09:00:00+08:00"), T("2026-03-05T23:59:59+08:00")
    facts = [CaseFacts(1, routed, due, False, routed, due, (), points, copied)
             for points, copied in ((5, False), (2, False), (0, True))]
    facts.append(CaseFacts(1, routed, due, True))
    [row] = unit_stats(facts, {1: "甲局"}, start=start, end=end, now=end)
    assert (row.as_dict()["reply_quality"], row.as_dict()["boilerplate"]) == (2.3, 1)


def test_ranking_ties_break_on_satisfaction_then_speed() -> None:
    """Equal on-time rates are ordered by satisfaction, then by the faster average reply."""
    start, end = T("2026-03-02T00:00:00+08:00"), T("2026-03-09T00:00:00+08:00")
    routed = T("2026-03-02T09:00:00+08:00")
    due = T("2026-03-05T23:59:59+08:00")

    def replied(unit: int, hours: int, rating: str) -> CaseFacts:
        return CaseFacts(unit, routed, due, False, routed.replace(hour=9 + hours), due, (rating,))

    facts = [replied(1, 5, "unsatisfied"), replied(2, 8, "satisfied"), replied(3, 2, "satisfied")]
    rows = unit_stats(facts, {1: "A", 2: "B", 3: "C"}, start=start, end=end, now=T("2026-04-01T00:00:00+08:00"))
    assert [r.name for r in rows] == ["C", "B", "A"]


def test_weeks() -> None:
    """ISO weeks run Monday to Monday and are written 2026-W10."""
    monday, next_monday = week_bounds("2026-W10")
    assert (str(monday), str(next_monday)) == ("2026-03-02", "2026-03-09")
    assert week_of(monday) == week_of(next_monday.replace(day=8)) == "2026-W10"
    with pytest.raises(ValueError):
        week_bounds("2026-W60")


@pytest.fixture(scope="module")
def dataset_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server whose store holds exactly the dataset above (written straight into SQLite)."""
    with running_server(tmp_path_factory.mktemp("stats")) as server:
        with sqlite3.connect(server.db, timeout=10) as db:
            db.create_function("search_tokens", 1, index_text, deterministic=True)  # the search triggers' tokenizer
            for unit_id, name in UNITS.items():
                db.execute("INSERT INTO units (id, name, created_at) VALUES (?, ?, '2026-01-01')",
                           (unit_id, name))
            ids = {name: unit_id for unit_id, name in UNITS.items()}
            for unit, routed, due, is_open, reply, ratings in CASES:
                stage = "assigned" if is_open else "closed"
                case_id = db.execute(
                    """INSERT INTO cases (kind, origin, status, stage, title, text, unit_id,
                       created_at, routed_at, due_at, replied_at, rating_code)
                       VALUES ('case', 'direct', ?, ?, '测试', '测试', ?, ?, ?, ?, ?, 'CODE')""",
                    ("open" if is_open else "replied", stage, ids[unit], routed, routed, due, reply),
                ).lastrowid
                if reply:
                    db.execute(
                        """INSERT INTO case_replies (case_id, unit_id, author, text, at, round, due_at)
                           VALUES (?, ?, '局长', '答复', ?, 1, ?)""",
                        (case_id, ids[unit], reply, due),
                    )
                for round_, rating in enumerate(ratings, start=1):
                    db.execute(
                        """INSERT INTO case_ratings (case_id, round, unit_id, rating, at)
                           VALUES (?, ?, ?, ?, ?)""",
                        (case_id, round_, ids[unit], rating, reply),
                    )
        yield server


def test_stats_api_known_answers(dataset_server: Server) -> None:
    """GET /api/board/stats and /api/board/ranking give the hand-counted figures."""
    with dataset_server.http() as client:
        ranking = client.get("/api/board/ranking?week=2026-W10").json()
        stats = client.get("/api/board/stats?from=2026-03-02&to=2026-03-08").json()
        assert client.get("/api/board/ranking?week=nonsense").status_code == 400
        assert client.get("/api/board/stats?from=2026-03-09&to=2026-03-02").status_code == 400
    expected = [{**row, **extra} for row, extra in zip(EXPECTED, ASSESSED, strict=True)]
    assert [flatten(r) for r in ranking["units"]] == expected
    assert [flatten(r) for r in stats["units"]] == expected
    assert ranking["start"] == "2026-03-02" and ranking["end"] == "2026-03-08"


def test_ranking_page_and_xlsx_show_the_same_table(dataset_server: Server) -> None:
    """The report page (SVG bars, no script) and its XLSX export carry the same ranked table."""
    with dataset_server.http() as client:
        page = client.get("/board/ranking?week=2026-W10")
        book = client.get("/board/ranking.xlsx?week=2026-W10")
    assert page.status_code == 200
    html = page.text
    assert "民情数据排名周报（2026 年第 10 周）" in html
    assert html.count("<svg") == 3 and "<script" not in html.split("</main>")[0].split("<main")[1]
    assert html.index('data-unit="乙局"') < html.index('data-unit="甲局"') < html.index('data-unit="丙局"')
    assert book.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [row[:8] for row in rows] == [
        (1, "乙局", 3, 2, 2, 2, 100.0, 102.0),
        (2, "甲局", 3, 2, 1, 3, 33.3, 60.0),
        (3, "丙局", 0, 0, 0, 0, None, None),
    ]
    assert [row[11:] for row in rows] == [(100.0, 0, 0.0, 0, 0, 0), (66.7, 2, 0.0, 0, 0, 0), (None, 0, None, 0, 0, 0)]


def test_supported_demands_are_counted_without_changing_the_order() -> None:
    """Cohort cases with 同问 count as supported demands, their 同问 summed; the ranking is unchanged."""
    start, end = T("2026-03-02T00:00:00+08:00"), T("2026-03-09T00:00:00+08:00")
    routed = T("2026-03-03T09:00:00+08:00")
    due = T("2026-03-06T23:59:59+08:00")
    facts = [CaseFacts(1, routed, due, True, supports=3), CaseFacts(1, routed, due, True, supports=1),
             CaseFacts(1, routed, due, True), CaseFacts(2, routed, due, True, supports=7),
             CaseFacts(2, T("2026-02-20T09:00:00+08:00"), due, True, supports=9)]  # last week
    plain = [CaseFacts(f.unit_id, f.routed_at, f.due_at, f.is_open) for f in facts]
    now = T("2026-03-04T00:00:00+08:00")
    rows = {r.name: r.as_dict() for r in unit_stats(facts, {1: "A", 2: "B"}, start=start, end=end, now=now)}
    assert (rows["A"]["supported"], rows["A"]["supports"]) == (2, 4)
    assert (rows["B"]["supported"], rows["B"]["supports"]) == (1, 7)
    order = [r.name for r in unit_stats(facts, {1: "A", 2: "B"}, start=start, end=end, now=now)]
    assert order == [r.name for r in unit_stats(plain, {1: "A", 2: "B"}, start=start, end=end, now=now)]
