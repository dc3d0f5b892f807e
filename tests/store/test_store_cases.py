"""Case rows in a real store: the one insert and its defaults, every caller's rows, replies, lists."""

from __future__ import annotations

from typing import Any

import pytest

from moderation.lifecycle import Role
from studio.accounts.directory import Staff
from studio.board import importer, records, submissions
from studio.clock import Clock
from studio.store import cases
from studio.store.database import Database, Tx
from studio.store.submissions import insert_submission
from studio.store.units import insert_unit

pytestmark = pytest.mark.asyncio
NOW = "2026-03-02T10:00:00+08:00"
CLOCK = Clock("Asia/Shanghai")


async def one_case(db: Database, **columns: Any) -> Any:
    """Insert a case with ``columns`` over minimal required ones; its stored row."""
    values: dict[str, Any] = {"kind": "case", "origin": "direct", "title": "路灯不亮",
                              "text": "小区路灯坏了", "created_at": NOW, **columns}
    async with db.write() as tx:
        case_id = await cases.insert_case(tx, **values)
    async with db.read() as conn:
        return await cases.case_row(conn, case_id)


async def test_insert_case_defaults(db: Database) -> None:
    """Only the required columns: an open case waiting for routing, with the schema's defaults."""
    row = await one_case(db)
    assert (row["kind"], row["origin"], row["status"], row["stage"]) == ("case", "direct", "open", "routing")
    assert row["nickname"] == "" and row["hard"] == 0 and row["round"] == 1
    for column in ("unit_id", "event_id", "question_id", "rating_code", "due_at", "replied_at",
                   "routed_at", "accepted_at", "submission_id", "category_id", "source_key"):
        assert row[column] is None, column
    assert row["unit_name"] is None and row["event_slug"] is None


async def test_insert_case_derives_the_stage_when_none_is_given(db: Database) -> None:
    """Without a stage the store derives it: assigned with a unit, replied for a replied row."""
    async with db.write() as tx:
        unit = await insert_unit(tx, "区住建局", NOW)
    assigned = await one_case(db, unit_id=unit)
    replied = await one_case(db, status="replied", replied_at=NOW)
    explicit = await one_case(db, unit_id=unit, stage="accepted")
    assert assigned["stage"] == "assigned" and assigned["unit_name"] == "区住建局"
    assert replied["stage"] == "replied"
    assert explicit["stage"] == "accepted"


async def test_insert_case_reaches_the_search_index(db: Database) -> None:
    """A new case is in the search index at once (through the store's triggers)."""
    row = await one_case(db, title="噪音扰民", text="工地夜间施工")
    async with db.read() as conn:
        found = await conn.fetchall(
            "SELECT case_id FROM case_search_docs WHERE case_id = ? AND body LIKE '%夜间施工%'",
            (row["id"],))
    assert [r["case_id"] for r in found] == [row["id"]]


async def _event_and_questions(tx: Tx, unit: int, official: int) -> tuple[Any, Any, Any]:
    """An event with one approved and one answered question (test rows, written directly)."""
    event_id = await tx.insert(
        "INSERT INTO events (slug, title, status, starts_at, ends_at, created_at) "
        "VALUES ('e1', '就业访谈', 'live', ?, ?, ?)", (NOW, NOW, NOW))
    approved = await tx.insert(
        """INSERT INTO questions (event_id, status, original_text, public_text, unit_id, nickname,
           client_key, tracking_code, rating_code, asked_at, published_at)
           VALUES (?, 'approved', '招聘会何时举办', '招聘会何时举办', ?, '小周', 'k1', 't1', 'R1', ?, ?)""",
        (event_id, unit, "2026-03-02T09:00:00+08:00", "2026-03-02T09:05:00+08:00"))
    answered = await tx.insert(
        """INSERT INTO questions (event_id, status, original_text, public_text, unit_id, nickname,
           client_key, tracking_code, rating_code, asked_at, answer_text, answered_by, answered_at)
           VALUES (?, 'answered', '社保怎么缴', '社保怎么缴', NULL, '', 'k2', 't2', 'R2', ?,
                   '线上即可缴纳', ?, ?)""",
        (event_id, "2026-03-02T09:10:00+08:00", official, "2026-03-02T09:30:00+08:00"))
    event = await tx.fetchone("SELECT * FROM events WHERE id = ?", (event_id,))
    first = await tx.fetchone("SELECT * FROM questions WHERE id = ?", (approved,))
    second = await tx.fetchone("SELECT * FROM questions WHERE id = ?", (answered,))
    return event, first, second


async def test_every_caller_writes_the_same_row_shape(db: Database) -> None:
    """Archived questions, posts, approved submissions and imports all give complete, consistent rows."""
    async with db.write() as tx:
        unit = await insert_unit(tx, "区人社局", NOW)
        official = await tx.insert(
            """INSERT INTO staff (username, password_hash, role, unit_id, display_name, title, created_at)
               VALUES ('renshe', 'x', 'official', ?, '张建国', '局长', ?)""", (unit, NOW))
        moderator_id = await tx.insert(
            """INSERT INTO staff (username, password_hash, role, display_name, created_at)
               VALUES ('mod1', 'x', 'moderator', '审核员', ?)""", (NOW,))
        event, approved, answered = await _event_and_questions(tx, unit, official)
        from_question = await records.open_case_from_question(tx, approved, event, unit_id=unit,
                                                              hard=True, clock=CLOCK)
        post = await records.post_from_answer(tx, answered, event, CLOCK)
        submission = await insert_submission(
            tx, original_text="公交站太远", nickname="", unit_id=None, client_key="c1",
            tracking_code="track-1", rating_code="R3", address="", flags="[]", submitted_at=NOW)
    moderator = Staff(id=moderator_id, username="mod1", role=Role.MODERATOR, unit_id=None,
                      unit_name=None, display_name="审核员", title="")
    approved_view = await submissions.decide(db, CLOCK, moderator, submission, "approve", {},
                                             max_chars=2000)
    report = await importer.import_board(db, CLOCK, [
        {"id": "7", "title": "道路积水", "text": "雨后积水严重", "time": "2025-06-01 08:00:00",
         "unit": "区人社局", "reply": "已安排疏通"}])
    assert report.created == 1 and not report.failed
    async with db.read() as conn:
        imported = (await cases.case_by_source_key(conn, "archive:7"))["id"]
        rows = {name: await cases.case_row(conn, case_id) for name, case_id in (
            ("question", from_question), ("post", post), ("direct", approved_view["case_id"]),
            ("import", imported))}
        views = {name: await records.get_case(conn, row["id"], NOW) for name, row in rows.items()}
        timelines = {name: await cases.timeline_rows(conn, row["id"]) for name, row in rows.items()}
        replies = {name: await cases.reply_rows(conn, row["id"]) for name, row in rows.items()}
    shapes = {name: set(view) for name, view in views.items() if view is not None}
    assert len(shapes) == 4 and len({frozenset(shape) for shape in shapes.values()}) == 1
    assert all(row["round"] == 1 and row["accepted_at"] is None for row in rows.values())
    assert [rows[n]["origin"] for n in rows] == ["event", "event", "direct", "import"]
    assert [rows[n]["kind"] for n in rows] == ["case", "post", "case", "case"]
    assert [rows[n]["stage"] for n in rows] == ["assigned", "replied", "routing", "replied"]
    assert rows["question"]["hard"] == 1 and rows["question"]["due_at"] is not None
    assert rows["question"]["rating_code"] == "R1" and rows["question"]["nickname"] == "小周"
    assert rows["post"]["unit_id"] == unit and rows["post"]["due_at"] is None
    assert rows["direct"]["submission_id"] == submission and rows["direct"]["nickname"] == ""
    assert rows["import"]["source_key"] == "archive:7" and rows["import"]["rating_code"] is None
    assert all(timeline[0]["kind"] == "received" for timeline in timelines.values())
    assert [r["live"] for r in replies["post"]] == [1]
    assert [r["author"] for r in replies["post"]] == ["局长 张建国"]
    assert [(r["live"], r["unit_name"]) for r in replies["import"]] == [(0, "区人社局")]


async def test_replies_routes_and_ratings(db: Database) -> None:
    """Replies keep their round and deadline; routes their units; ratings their round."""
    async with db.write() as tx:
        first = await insert_unit(tx, "甲局", NOW)
        second = await insert_unit(tx, "乙局", NOW)
    row = await one_case(db)
    case_id = row["id"]
    async with db.write() as tx:
        assert await cases.last_routed_unit(tx, case_id) is None
        await cases.set_routed(tx, case_id, unit_id=first, hard=False, routed_at=NOW,
                               due_at="2026-03-05T23:59:59+08:00")
        await cases.insert_route(tx, case_id, kind="routed", from_unit_id=None, to_unit_id=first,
                                 actor="mod1", at=NOW)
        await cases.insert_route(tx, case_id, kind="out_of_scope", from_unit_id=first,
                                 to_unit_id=None, reason="不属于本单位", actor="jia", at=NOW)
        await cases.set_returned(tx, case_id)
        await cases.insert_route(tx, case_id, kind="routed", from_unit_id=None, to_unit_id=second,
                                 actor="mod1", at=NOW)
        assert await cases.last_routed_unit(tx, case_id) == second
        await cases.insert_reply(tx, case_id, author="乙局", text="第二条", at="2026-03-03T10:00:00+08:00",
                                 unit_id=second, round=1, due_at="2026-03-05T23:59:59+08:00")
        await cases.insert_reply(tx, case_id, author="乙局", text="第一条", at="2026-03-03T09:00:00+08:00")
        await cases.insert_rating(tx, case_id, round=1, unit_id=second, rating="unsatisfied",
                                  comment="没解决", at=NOW)
        await cases.set_reopened(tx, case_id, "2026-03-10T23:59:59+08:00")
    async with db.read() as conn:
        returned = await cases.last_return(conn, case_id)
        routes = await cases.route_rows(conn, case_id)
        replies = await cases.reply_rows(conn, case_id)
        ratings = await cases.rating_rows(conn, case_id)
        reopened = await cases.case_row(conn, case_id)
        assert await cases.round_rated(conn, case_id, 1)
        assert not await cases.round_rated(conn, case_id, 2)
        assert await cases.has_reply(conn, case_id, "第一条")
        assert not await cases.has_reply(conn, case_id, "第三条")
    assert (returned["reason"], returned["unit_name"]) == ("不属于本单位", "甲局")
    assert [(r["kind"], r["from_name"], r["to_name"]) for r in routes] == [
        ("routed", None, "甲局"), ("out_of_scope", "甲局", None), ("routed", None, "乙局")]
    assert [r["text"] for r in replies] == ["第一条", "第二条"]
    assert [(r["live"], r["round"]) for r in replies] == [(0, 1), (0, 1)]
    assert [(r["round"], r["rating"], r["comment"]) for r in ratings] == [(1, "unsatisfied", "没解决")]
    assert (reopened["stage"], reopened["status"], reopened["round"]) == ("reopened", "open", 2)
    assert reopened["unit_id"] is None


async def test_mark_replied_keeps_the_latest_reply_time(db: Database) -> None:
    """An imported reply older than the case's latest leaves ``replied_at`` where it is."""
    row = await one_case(db, origin="import")
    async with db.write() as tx:
        await cases.mark_replied(tx, row["id"], "2026-03-03T00:00:00+08:00")
        await cases.mark_replied(tx, row["id"], "2026-03-01T00:00:00+08:00")
    async with db.read() as conn:
        after = await cases.case_row(conn, row["id"])
    assert (after["status"], after["replied_at"]) == ("replied", "2026-03-03T00:00:00+08:00")


async def test_staff_lists(db: Database) -> None:
    """Routing queue, a unit's cases (nearest deadline first), overdue cases, extensions."""
    async with db.write() as tx:
        unit = await insert_unit(tx, "甲局", NOW)
        other = await insert_unit(tx, "乙局", NOW)
    waiting = await one_case(db)
    later = await one_case(db, unit_id=unit, due_at="2026-03-09T00:00:00+08:00")
    sooner = await one_case(db, unit_id=unit, due_at="2026-03-01T00:00:00+08:00")
    no_due = await one_case(db, unit_id=unit)
    elsewhere = await one_case(db, unit_id=other, due_at="2026-02-01T00:00:00+08:00")
    await one_case(db, kind="post", origin="event", status="replied", unit_id=unit)
    async with db.write() as tx:
        await cases.insert_extension(tx, later["id"], days=5, reason="需现场核实",
                                     due_before="2026-03-04T00:00:00+08:00",
                                     due_after="2026-03-09T00:00:00+08:00", actor="jia", at=NOW)
    async with db.read() as conn:
        routing = [r["id"] for r in await cases.routing_rows(conn)]
        of_unit = [r["id"] for r in await cases.unit_case_rows(conn, unit)]
        overdue = [r["id"] for r in await cases.overdue_rows(conn, NOW)]
        overdue_of_unit = [r["id"] for r in await cases.overdue_rows(conn, NOW, unit)]
        extended = await cases.extended_case_ids(conn)
        extension = await cases.extension_row(conn, later["id"])
    assert routing == [waiting["id"]]
    assert of_unit == [sooner["id"], later["id"], no_due["id"]]
    assert overdue == [elsewhere["id"], sooner["id"]] and overdue_of_unit == [sooner["id"]]
    assert extended == {later["id"]} and extension["due_before"] == "2026-03-04T00:00:00+08:00"


async def test_reads_for_feeds_screening_and_the_demo(db: Database) -> None:
    """Recently replied cases (per unit), replies by case, case texts after an id, an event's cases."""
    async with db.write() as tx:
        unit = await insert_unit(tx, "甲局", NOW)
        event_id = await tx.insert(
            "INSERT INTO events (slug, title, starts_at, ends_at, created_at) VALUES ('e', 'E', ?, ?, ?)",
            (NOW, NOW, NOW))
        question = await tx.insert(
            """INSERT INTO questions (event_id, status, original_text, client_key, tracking_code,
               rating_code, asked_at) VALUES (?, 'answered', 'q', 'k', 't', 'R', ?)""", (event_id, NOW))
    old = await one_case(db, status="replied", replied_at="2026-03-01T00:00:00+08:00", unit_id=unit)
    new = await one_case(db, status="replied", replied_at="2026-03-02T00:00:00+08:00")
    post = await one_case(db, kind="post", origin="event", event_id=event_id, question_id=question)
    async with db.write() as tx:
        await cases.insert_reply(tx, old["id"], author="甲局", text="早", at="2026-03-01T00:00:00+08:00")
        await cases.insert_reply(tx, old["id"], author="甲局", text="晚", at="2026-03-01T01:00:00+08:00")
    async with db.read() as conn:
        everywhere = [r["id"] for r in await cases.recently_replied(conn, None, 10)]
        of_unit = [r["id"] for r in await cases.recently_replied(conn, unit, 10)]
        newest = [r["id"] for r in await cases.recently_replied(conn, None, 1)]
        replies = [(r["case_id"], r["text"]) for r in await cases.replies_of(conn, [old["id"], new["id"]])]
        texts = [r["id"] for r in await cases.case_texts(conn, old["id"])]
        archived = await cases.event_case_ids(conn, event_id)
        assert await cases.replies_of(conn, []) == []
    assert everywhere == [new["id"], old["id"]] and of_unit == [old["id"]] and newest == [new["id"]]
    assert replies == [(old["id"], "早"), (old["id"], "晚")]
    assert texts == [new["id"], post["id"]]
    assert archived == {question: post["id"]}
