"""The demo store over time: used again later it is moved to now; --reset starts afresh."""

from __future__ import annotations

import asyncio
import io
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from studio.board import ranking, records, topics
from studio.board.stats import week_of
from studio.board.workdays import is_working_day
from studio.cli.demo import LIVE_SLUG, holds_the_demo, moved_deadline, prepare
from studio.cli.demo_media import VIDEO_URL
from studio.clock import Clock
from studio.events.feed import public_event
from studio.store.database import Database
from studio.store.events import event_row
from studio.store.photos import photo_by_token
from support.servers import ADMIN_PASSWORD, free_port

SEEDED = "2026-03-05T10:20:00+08:00"
"""A Thursday morning: the demo is made then."""
LATER = "2026-03-07T16:40:00+08:00"
"""The Saturday afternoon after: the demo is started again."""


class SetClock(Clock):
    """A clock that tells the time it is set to."""

    def __init__(self, at: str) -> None:
        super().__init__("Asia/Shanghai")
        self.at = datetime.fromisoformat(at)

    def now(self) -> datetime:
        return self.at


def working_days_between(start: date, end: date, holidays: frozenset[date], workdays: frozenset[date]) -> int:
    return sum(1 for k in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=k), holidays, workdays))


async def snapshot(db: Database) -> dict[str, object]:
    """Event times, question and audit times, and the deadlines of the store."""
    async with db.read() as conn:
        events = {row["slug"]: dict(row) for row in await conn.fetchall(
            "SELECT slug, status, starts_at, ends_at FROM events")}
        asked = [row["asked_at"] for row in await conn.fetchall("SELECT asked_at FROM questions ORDER BY id")]
        audit = [row["at"] for row in await conn.fetchall("SELECT at FROM audit_log ORDER BY id")]
        cases = [dict(row) for row in await conn.fetchall(
            "SELECT id, routed_at, due_at, created_at FROM cases WHERE due_at IS NOT NULL ORDER BY id")]
        calendar = await records.calendar(conn)
    return {"events": events, "asked": asked, "audit": audit, "cases": cases, "calendar": calendar}


@pytest.mark.asyncio
async def test_a_demo_started_again_days_later_is_moved_so_that_its_live_event_runs_now(tmp_path: Path) -> None:
    """Every demo time moves by the same amount (the live event starts this hour, the upcoming one
    stays ahead, last week's behind); deadlines stay the end of as many working days after routing;
    the audit log keeps when things were done; a second start moves nothing."""
    db = Database(str(tmp_path / "demo.db"))
    await db.open()
    try:
        clock = SetClock(SEEDED)
        made = await prepare(db, clock)
        assert made.passwords and made.moved is None
        before = await snapshot(db)

        clock.at = datetime.fromisoformat(LATER)
        again = await prepare(db, clock)
        assert again.passwords == made.passwords
        assert again.moved == timedelta(days=2, hours=6)
        after = await snapshot(db)
        assert await prepare(db, clock) == again.__class__(made.passwords, None)
    finally:
        await db.close()

    events = after["events"]
    assert isinstance(events, dict)
    live = events[LIVE_SLUG]
    assert live["status"] == "live"
    assert (live["starts_at"], live["ends_at"]) == ("2026-03-07T16:00:00+08:00", "2026-03-07T18:00:00+08:00")
    now = clock.at
    for event in events.values():
        starts, ends = datetime.fromisoformat(event["starts_at"]), datetime.fromisoformat(event["ends_at"])
        if event["status"] == "scheduled":
            assert starts > now
        if event["status"] == "closed":
            assert ends < now
    assert after["asked"] == [(datetime.fromisoformat(t) + again.moved).isoformat()
                              for t in before["asked"]]  # type: ignore[union-attr]
    assert after["audit"] == before["audit"]

    holidays, workdays = after["calendar"]  # type: ignore[misc]
    old_cases = {c["id"]: c for c in before["cases"]}  # type: ignore[union-attr]
    assert old_cases
    for case in after["cases"]:  # type: ignore[union-attr]
        old = old_cases[case["id"]]
        due, routed = datetime.fromisoformat(case["due_at"]), datetime.fromisoformat(case["routed_at"])
        assert routed == datetime.fromisoformat(old["routed_at"]) + again.moved
        assert due.time().isoformat() == "23:59:59" and is_working_day(due.date(), holidays, workdays)
        days = working_days_between(routed.date(), due.date(), holidays, workdays)
        assert days == working_days_between(datetime.fromisoformat(old["routed_at"]).date(),
                                            datetime.fromisoformat(old["due_at"]).date(), holidays, workdays)
        assert due > now


@pytest.mark.asyncio
async def test_the_demo_guests_have_drawn_photos_and_the_live_event_a_video_link(tmp_path: Path) -> None:
    """Each guest of the live event has a photo kept as a square JPEG (drawn at demo time, uploaded like an admin's); the event carries its partner player's address."""
    db = Database(str(tmp_path / "demo.db"))
    await db.open()
    try:
        await prepare(db, SetClock(SEEDED))
        async with db.read() as conn:
            event = await public_event(conn, await event_row(conn, LIVE_SLUG))
            guests = event["guests"]
            images = [await photo_by_token(conn, guest["photo"].removeprefix("/photos/").removesuffix(".jpg"))
                      for guest in guests]
    finally:
        await db.close()
    assert len(guests) == 3 and all(guest["photo"] for guest in guests)
    for row in images:
        with Image.open(io.BytesIO(row["image"])) as image:
            assert (image.format, image.size) == ("JPEG", (400, 400))
    assert event["video_url"] == VIDEO_URL and VIDEO_URL.startswith("https://")
@pytest.mark.asyncio
async def test_the_demo_has_a_hot_topic_and_rated_replies(tmp_path: Path) -> None:
    """The demo's week shows the school-gate traffic as a hot topic; its replies carry indicators."""
    db = Database(str(tmp_path / "demo.db"))
    await db.open()
    try:
        clock = SetClock(SEEDED)
        await prepare(db, clock)
        async with db.read() as conn:
            hot = await topics.week_topics(conn, week_of(clock.now().date()), clock.now(), 5)
            week = await ranking.weekly(conn, "2026-W10", clock.now())
    finally:
        await db.close()
    assert any(topic["count"] >= 3 and "实验小学门口" in topic["title"] for topic in hot["topics"])
    assert any(unit["reply_quality"] is not None for unit in week["units"])


def test_a_deadline_moved_over_a_weekend_stays_on_a_working_day() -> None:
    """Routed on a Thursday with three working days (due Tuesday), moved to a Saturday: due Wednesday."""
    zone = datetime.fromisoformat(SEEDED).tzinfo
    routed = datetime(2026, 3, 5, 10, 20, tzinfo=zone)
    due = datetime(2026, 3, 10, 23, 59, 59, tzinfo=zone)
    moved = moved_deadline(due, routed, timedelta(days=2, hours=6), frozenset(), frozenset())
    assert moved == datetime(2026, 3, 11, 23, 59, 59, tzinfo=zone)
    assert moved_deadline(due, None, timedelta(hours=5), frozenset(), frozenset()) == due + timedelta(hours=5)


def start_demo(db: Path, *extra: str) -> tuple[int, str]:
    """Run ``studio demo`` until it prints where to look (or exits); its exit code (0 while serving) and output."""
    env = {**os.environ, "STUDIO_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [sys.executable, "-m", "studio", "demo", "--db", str(db), "--port", str(free_port()), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    lines: list[str] = []
    try:
        while not any("观众页" in line for line in lines):
            line = process.stdout.readline()
            if not line:
                return process.wait(10), "".join(lines)
            lines.append(line)
        return 0, "".join(lines)
    finally:
        process.terminate()
        process.wait(10)


def passwords_in(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)\s+(\S+)$", output, re.M))


def test_studio_demo_moves_a_stale_demo_and_reset_starts_afresh(tmp_path: Path) -> None:
    """`studio demo` on last week's demo says it moved it to now; with --reset it seeds afresh."""
    store = tmp_path / "demo.db"

    async def seed_last_week() -> dict[str, str]:
        db = Database(str(store))
        await db.open()
        try:
            made = await prepare(db, SetClock(SEEDED))
        finally:
            await db.close()
        assert made.passwords
        return made.passwords

    first = asyncio.run(seed_last_week())
    code, output = start_demo(store)
    assert code == 0, output
    assert passwords_in(output) == first
    assert "演示数据的时间已整体后移" in output and "--reset" in output

    code, output = start_demo(store, "--reset")
    assert code == 0, output
    fresh = passwords_in(output)
    assert set(fresh) == set(first) and fresh["admin"] != first["admin"]
    assert "后移" not in output


def test_reset_refuses_a_store_that_is_not_the_demo(tmp_path: Path) -> None:
    """--reset never removes a store with its own staff: it says why and leaves the file."""
    store = tmp_path / "studio.db"
    made = subprocess.run([sys.executable, "-m", "studio", "create-user", "boss", "--role", "admin",
                           "--db", str(store)], input=ADMIN_PASSWORD + "\n", text=True, capture_output=True)
    assert made.returncode == 0, made.stderr
    code, output = start_demo(store, "--reset")
    assert code == 2 and "不是演示库" in output
    assert store.exists() and not asyncio.run(holds_the_demo(str(store)))
