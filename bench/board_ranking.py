"""Time the weekly ranking report over a large board.

Method: creates a fresh store (all migrations) in a temporary directory and
writes N board cases routed to U units over the 52 weeks of 2026 (routing
times spread evenly, deadlines 3 working days later, 80% replied — 90% of
those on time — with a rating on half the replies, the rest open), then
computes the ranking of one week R times with the same code the page and the
API use (``studio.ranking.weekly``) and prints the median and p95 time, and
the time of rendering the SVG charts and the XLSX export once.

    .venv/bin/python bench/board_ranking.py --cases 100000 --units 118 --repeat 30
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from studio.board import ranking
from studio.store.database import Database

ZONE = ZoneInfo("Asia/Shanghai")
RATINGS = ["satisfied", "basically_satisfied", "unsatisfied"]


async def build(db: Database, cases: int, units: int, seed: int) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=ZONE)
    span = timedelta(days=364).total_seconds()
    async with db.write() as tx:
        for unit_id in range(1, units + 1):
            await tx.execute("INSERT INTO units (id, name, created_at) VALUES (?, ?, ?)",
                             (unit_id, f"单位{unit_id:03d}", start.isoformat()))
        for number in range(cases):
            routed = start + timedelta(seconds=span * number / cases)
            due = routed + timedelta(days=4)
            replied = rng.random() < 0.8
            reply_at = routed + timedelta(hours=rng.uniform(2, 60) if rng.random() < 0.9 else 120)
            unit_id = rng.randint(1, units)
            case_id = await tx.insert(
                """INSERT INTO cases (kind, origin, status, stage, title, text, unit_id, created_at,
                   routed_at, due_at, replied_at, rating_code)
                   VALUES ('case', 'direct', ?, ?, '标题', '内容', ?, ?, ?, ?, ?, 'CODE')""",
                ("replied" if replied else "open", "replied" if replied else "accepted", unit_id,
                 routed.isoformat(), routed.isoformat(), due.isoformat(),
                 reply_at.isoformat() if replied else None),
            )
            if replied:
                await tx.execute(
                    """INSERT INTO case_replies (case_id, unit_id, author, text, at, round, due_at)
                       VALUES (?, ?, '办理人', '答复', ?, 1, ?)""",
                    (case_id, unit_id, reply_at.isoformat(), due.isoformat()),
                )
                if rng.random() < 0.5:
                    await tx.execute(
                        """INSERT INTO case_ratings (case_id, round, unit_id, rating, at)
                           VALUES (?, 1, ?, ?, ?)""",
                        (case_id, unit_id, rng.choice(RATINGS), reply_at.isoformat()),
                    )


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(str(Path(tmp) / "bench.db"))
        await db.open()
        began = time.perf_counter()
        await build(db, args.cases, args.units, args.seed)
        print(f"built {args.cases:,} cases for {args.units} units in {time.perf_counter() - began:.1f} s")
        now = datetime(2026, 12, 31, 12, tzinfo=ZONE)
        timings = []
        report: dict[str, object] = {}
        for _ in range(args.repeat):
            began = time.perf_counter()
            async with db.read() as conn:
                report = await ranking.weekly(conn, args.week, now)
            timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        units = report["units"]
        assert isinstance(units, list)
        received = sum(int(u["received"]) for u in units)
        print(f"weekly ranking {args.week}: {received:,} cases routed that week, "
              f"{len(units)} units; {args.repeat} runs: median {statistics.median(timings):.1f} ms, "
              f"p95 {p95:.1f} ms")
        began = time.perf_counter()
        ranking.charts(report)
        charts_ms = (time.perf_counter() - began) * 1000
        began = time.perf_counter()
        size = len(ranking.xlsx(report))
        print(f"SVG charts {charts_ms:.1f} ms; XLSX {(time.perf_counter() - began) * 1000:.1f} ms "
              f"({size:,} bytes)")
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=118)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--week", default="2026-W47")
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(main(parser.parse_args()))
