"""The board's other store modules in a real store: calendar, meta, categories, submissions, statistics."""

from __future__ import annotations

import sqlite3

import pytest

from studio.store import board_stats, calendar, cases, categories, meta, submissions
from studio.store.database import Database, Tx
from studio.store.units import insert_unit

pytestmark = pytest.mark.asyncio
NOW = "2026-03-02T10:00:00+08:00"


async def test_calendar_days(db: Database) -> None:
    """Days of one year or all, in date order; a day put again is replaced; a deleted day is gone."""
    async with db.write() as tx:
        await calendar.put_day(tx, "2027-01-01", "holiday", "元旦")
        await calendar.put_day(tx, "2026-10-08", "workday", "调休")
        assert await calendar.day_kind(tx, "2026-10-08") == "workday"
        await calendar.put_day(tx, "2026-10-08", "holiday", "国庆节")
    async with db.read() as conn:
        year = await calendar.day_rows(conn, 2027)
        every = [row["day"] for row in await calendar.day_rows(conn)]
        assert await calendar.day_kind(conn, "2026-10-08") == "holiday"
        assert await calendar.day_kind(conn, "2026-03-03") is None
    assert [tuple(row) for row in year] == [("2027-01-01", "holiday", "元旦")]
    assert every == sorted(every) and "2026-10-08" in every and every[-1] == "2027-01-01"
    async with db.write() as tx:
        await calendar.delete_day(tx, "2027-01-01")
    async with db.read() as conn:
        assert await calendar.day_rows(conn, 2027) == []


async def test_meta_values(db: Database) -> None:
    """Named values: read one or several, replace with ``put_value``, ``add_value`` only once."""
    async with db.write() as tx:
        await meta.put_value(tx, "board.hard_days", "5")
        await meta.put_value(tx, "board.hard_days", "7")
        await meta.add_value(tx, "demo_credentials", "{}")
    async with db.read() as conn:
        assert await meta.value(conn, "board.hard_days") == "7"
        assert await meta.value(conn, "missing") is None
        assert await meta.values_of(conn, ["board.hard_days", "board.ordinary_days"]) == {
            "board.hard_days": "7"}
        assert await meta.values_of(conn, []) == {}
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as tx:
            await meta.add_value(tx, "demo_credentials", "{}")


async def test_category_tree(db: Database) -> None:
    """Children by parent and name, positions, levels from the top, a subtree's depths, ancestry."""
    async with db.write() as tx:
        top = await categories.insert_category(tx, None, "城乡建设", 0)
        child = await categories.insert_category(tx, top, "住房保障", await categories.child_count(tx, top))
        grandchild = await categories.insert_category(tx, child, "租房补贴", 0)
        second = await categories.insert_category(tx, None, "交通运输", 1)
        assert await categories.child_id(tx, None, "城乡建设") == top
        assert await categories.child_id(tx, top, "住房保障") == child
        assert await categories.child_id(tx, None, "住房保障") is None
        assert await categories.child_count(tx, None) == 2
    async with db.read() as conn:
        levels = {row["id"]: row["level"] for row in await categories.levels(conn)}
        rows = [row["id"] for row in await categories.category_rows(conn)]
        below = [tuple(row) for row in await categories.subtree(conn, top)]
        up = [row["name"] for row in await categories.ancestry(conn, grandchild)]
        assert await categories.subtree(conn, 999) == []
    assert levels == {top: 1, child: 2, grandchild: 3, second: 1}
    assert rows == [top, child, grandchild, second]
    assert below == [(top, 0), (child, 1), (grandchild, 2)]
    assert up == ["城乡建设", "住房保障", "租房补贴"]


async def _submit(tx: Tx, key: str, text: str, address: str = "") -> int:
    return await submissions.insert_submission(
        tx, original_text=text, nickname="网友", unit_id=None, client_key=key,
        tracking_code=f"track-{key}", rating_code="R", address=address, flags="[]", submitted_at=NOW)


async def test_submission_rows(db: Database) -> None:
    """A submission is found by client key and tracking code, queued until approved or rejected."""
    async with db.write() as tx:
        first = await _submit(tx, "a", "一", "10.0.0.1")
        second = await _submit(tx, "b", "二", "10.0.0.1")
        third = await _submit(tx, "c", "三", "10.0.0.2")
        case_id = await cases.insert_case(tx, kind="case", origin="direct", title="一", text="一",
                                          created_at=NOW, submission_id=first)
        await submissions.set_approved(tx, first, public_text="一（改）", case_id=case_id, hard=True,
                                       by="mod1", at=NOW)
        await submissions.set_rejected(tx, third, reason="广告", by="mod1", at=NOW)
    async with db.read() as conn:
        assert [r["id"] for r in await submissions.pending_rows(conn)] == [second]
        assert (await submissions.submission_by_client_key(conn, "b"))["tracking_code"] == "track-b"
        approved = await submissions.submission_row(conn, first)
        rejected = await submissions.submission_by_tracking_code(conn, "track-c")
        assert await submissions.texts_from_address(conn, "10.0.0.1", 5) == ["二", "一"]
        assert await submissions.texts_from_address(conn, "10.0.0.1", 1) == ["二"]
    assert (approved["status"], approved["public_text"], approved["case_id"], approved["hard"]) == (
        "approved", "一（改）", case_id, 1)
    assert (rejected["status"], rejected["reason"], rejected["handled_by"]) == ("rejected", "广告", "mod1")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.write() as tx:
            await _submit(tx, "a", "again")


async def test_statistics_facts(db: Database) -> None:
    """Cases routed in the window with the unit's first round-1 reply, their ratings, open overdue."""
    async with db.write() as tx:
        unit = await insert_unit(tx, "甲局", NOW)
        other = await insert_unit(tx, "乙局", NOW)
        inside = await cases.insert_case(tx, kind="case", origin="direct", title="t", text="t",
                                         created_at=NOW, unit_id=unit, status="replied")
        await cases.set_routed(tx, inside, unit_id=unit, hard=False, routed_at="2026-03-02T10:00:00+08:00",
                               due_at="2026-03-05T00:00:00+08:00")
        await cases.set_replied(tx, inside, stage="replied", status="replied", at=NOW)
        await cases.insert_reply(tx, inside, author="甲局", text="后", at="2026-03-04T00:00:00+08:00",
                                 unit_id=unit, due_at="2026-03-05T00:00:00+08:00")
        await cases.insert_reply(tx, inside, author="甲局", text="先", at="2026-03-03T00:00:00+08:00",
                                 unit_id=unit, due_at="2026-03-05T00:00:00+08:00")
        await cases.insert_reply(tx, inside, author="现场", text="live", at="2026-03-02T11:00:00+08:00",
                                 unit_id=unit, live=True)
        await cases.insert_rating(tx, inside, round=1, unit_id=unit, rating="satisfied", comment="",
                                  at=NOW)
        outside = await cases.insert_case(tx, kind="case", origin="direct", title="t", text="t",
                                          created_at=NOW, unit_id=other)
        await cases.set_routed(tx, outside, unit_id=other, hard=False, routed_at="2026-02-01T10:00:00+08:00",
                               due_at="2026-02-04T00:00:00+08:00")
        await cases.insert_rating(tx, outside, round=1, unit_id=other, rating="unsatisfied", comment="",
                                  at=NOW)
    window = ("2026-03-02T00:00:00+08:00", "2026-03-09T00:00:00+08:00")
    async with db.read() as conn:
        facts = [dict(row) for row in await board_stats.routed_cases(conn, *window)]
        ratings = await board_stats.ratings_by_case(conn, *window)
        overdue = await board_stats.open_overdue_by_unit(conn, NOW)
    assert [(f["id"], f["unit_id"], f["status"]) for f in facts] == [(inside, unit, "replied")]
    assert (facts[0]["first_reply_at"], facts[0]["first_reply_due"]) == (
        "2026-03-03T00:00:00+08:00", "2026-03-05T00:00:00+08:00")
    assert ratings == {inside: ["satisfied"]}
    assert overdue == {other: 1}
