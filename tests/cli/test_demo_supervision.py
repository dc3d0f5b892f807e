"""The demo's supervision: a supervisor account and a case urged on its public timeline and console."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.board import records, supervision, supervision_report
from studio.board.stats import week_of
from studio.cli.demo import prepare
from studio.clock import Clock
from studio.store.database import Database


@pytest.mark.asyncio
async def test_the_demo_has_a_supervisor_and_an_urged_case(tmp_path: Path) -> None:
    """ducha is a supervisor; one 区交通运输局 case rated 不满意 shows 已督办 publicly, waits for the
    unit's reply on the console, and the week's report counts the urging and the call."""
    db = Database(str(tmp_path / "demo.db"))
    await db.open()
    try:
        clock = Clock("Asia/Shanghai")
        made = await prepare(db, clock)
        assert made.passwords and "ducha" in made.passwords
        async with db.read() as conn:
            role = await conn.fetchone("SELECT role FROM staff WHERE username = 'ducha'")
            found = await supervision.console(conn, clock.now())
            report = await supervision_report.weekly(conn, week_of(clock.now().date()), clock.now())
            urged = await conn.fetchall("SELECT case_id FROM case_urgings")
            case = await records.public_case(conn, urged[0]["case_id"], clock.stamp())
        assert role["role"] == "supervisor" and len(urged) == 1
        assert case is not None and case["unit"]["name"] == "区交通运输局"
        assert [e["kind"] for e in case["timeline"]].count("urged") == 1
        assert report["totals"]["urgings"] == 1 and report["totals"]["calls"] == 1
        listed = {c["id"]: c for c in found["cases"]}
        assert listed[case["id"]]["kinds"] == ["unsatisfied"] and listed[case["id"]]["waiting"] is True
    finally:
        await db.close()
