"""Board search latency over a board of 100,000 cases built from the real sample.

Method: creates a temporary store (the project's migrations, so the search
index and its triggers are the production ones), loads the category tree
(taxonomy.csv) and inserts N cases in write transactions of 5,000. Each case
is resampled from the real messages and replies of the sample: a real title,
a body of real sentences drawn from random messages up to the length of a
random real message, and, for 70% of cases, a reply built the same way from
real replies. Cases get one of 118 units, 同问 (20% of cases: a Pareto count, 1 to 500), a level-3 category under the
source message's level-1 category when it has one (else a random one), a
status (70% replied), a creation time spread over two years and, for 5%, one
of 20 events. Then it times ``studio.board.search.search_cases`` — the function
behind ``GET /api/board/cases`` and ``/board`` (count, one page of 20, and
highlighting) — through the store's read pool, Q times per scenario, with
words drawn from lists of realistic queries, and prints median and p95.

    .venv/bin/python bench/search.py            # 100,000 cases, 200 queries per scenario
    .venv/bin/python bench/search.py --cases 20000 --queries 50
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.datastructures import QueryParams

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studio.board import search  # noqa: E402
from studio.board.categories import load_taxonomy, read_taxonomy  # noqa: E402
from studio.store.database import Database  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wenzheng"
TWO = ["社保", "物业", "医保", "学校", "小区", "噪音", "停车", "拆迁", "工资", "公交", "地铁", "户口",
       "教师", "补贴", "电梯", "扰民", "污染", "房子", "农村", "养老"]
LONG = ["公积金", "幼儿园", "社保卡", "营业执照", "小区物业", "拆迁补偿", "医疗保险", "学区划分",
        "噪音扰民", "人才新政", "城管执法", "违章建筑"]
ONE = ["房", "学", "税", "路", "水", "电"]
SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*")


def load(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.exists():
        sys.exit(f"the real sample is not beside the project ({DATA}); nothing to resample")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def composer(texts: list[str], rng: random.Random) -> Any:
    sentences = [s for text in texts for s in SENTENCE.findall(text) if s.strip()]
    lengths = [len(text) for text in texts]

    def compose() -> str:
        target, out = rng.choice(lengths), []
        size = 0
        while size < target:
            sentence = rng.choice(sentences)
            out.append(sentence)
            size += len(sentence)
        return "".join(out)

    return compose


async def build(db: Database, cases: int, rng: random.Random) -> dict[str, Any]:
    messages = load("messages.jsonl") + load("hot-messages.jsonl") + load("replies.jsonl")
    replies = [m["reply"] for m in load("replies.jsonl")]
    body, reply = composer([m["text"] for m in messages], rng), composer(replies, rng)
    async with db.write() as tx:
        await load_taxonomy(tx, read_taxonomy(DATA / "taxonomy.csv"))
        leaves: dict[str, list[int]] = {}
        for row in await tx.fetchall(
            """SELECT l1.name AS top, l3.id FROM categories l3 JOIN categories l2 ON l2.id = l3.parent_id
               JOIN categories l1 ON l1.id = l2.parent_id"""
        ):
            leaves.setdefault(row["top"], []).append(row["id"])
        tops = {row["name"]: row["id"] for row in await tx.fetchall(
            "SELECT id, name FROM categories WHERE parent_id IS NULL")}
        now = "2026-01-01T00:00:00+08:00"
        units = [await tx.insert("INSERT INTO units (name, created_at) VALUES (?, ?)", (f"单位{i:03d}", now))
                 for i in range(118)]
        events = [await tx.insert(
            "INSERT INTO events (slug, title, starts_at, ends_at, status, created_at) VALUES (?, ?, ?, ?, 'closed', ?)",
            (f"ev-{i}", f"访谈 {i}", now, now, now)) for i in range(20)]
    start = datetime.fromisoformat("2024-01-01T08:00:00+08:00")
    every_leaf = [leaf for group in leaves.values() for leaf in group]
    voices = random.Random(7)  # 同问 counts from their own generator: the cases stay those of ``rng``
    began = time.perf_counter()
    for first in range(0, cases, 5000):
        async with db.write() as tx:
            for _ in range(min(5000, cases - first)):
                source = rng.choice(messages)
                created = start + timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                replied = rng.random() < 0.7
                category = rng.choice(leaves.get(source.get("category", ""), every_leaf))
                case_id = await tx.insert(
                    """INSERT INTO cases (kind, origin, status, title, text, unit_id, hard, event_id,
                       created_at, due_at, replied_at, category_id, supports)
                       VALUES ('case', 'import', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)""",
                    ("replied" if replied else "open", source["title"], body(), rng.choice(units),
                     rng.choice(events) if rng.random() < 0.05 else None, created.isoformat(),
                     (created + timedelta(days=5)).isoformat(),
                     (created + timedelta(days=3)).isoformat() if replied else None, category,
                     min(500, int(voices.paretovariate(1.2))) if voices.random() < 0.2 else 0),
                )
                if replied:
                    await tx.execute(
                        "INSERT INTO case_replies (case_id, unit_id, author, text, live, at) VALUES (?, NULL, '办理单位', ?, 0, ?)",
                        (case_id, reply(), (created + timedelta(days=3)).isoformat()),
                    )
    built = time.perf_counter() - began
    return {"units": units, "tops": list(tops.values()), "events": events, "build_seconds": built}


async def existing(db: Database) -> dict[str, Any]:
    async with db.read() as conn:
        units = [row["id"] for row in await conn.fetchall("SELECT id FROM units")]
        tops = [row["id"] for row in await conn.fetchall("SELECT id FROM categories WHERE parent_id IS NULL")]
        events = [row["id"] for row in await conn.fetchall("SELECT id FROM events")]
        cases = (await conn.fetchone("SELECT COUNT(*) FROM cases"))[0]
    return {"units": units, "tops": tops, "events": events, "build_seconds": float("nan"), "cases": cases}


async def timed(db: Database, params: dict[str, str]) -> tuple[float, int]:
    began = time.perf_counter()
    query = search.parse(QueryParams(params))
    async with db.read() as conn:
        result = await search.search_cases(conn, query, "2026-01-01T00:00:00+08:00")
    return (time.perf_counter() - began) * 1000, int(result["total"])


async def scenario(db: Database, name: str, make: Any, count: int) -> None:
    times, totals = [], []
    for _ in range(count):
        elapsed, total = await timed(db, make())
        times.append(elapsed)
        totals.append(total)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(f"| {name} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} | "
          f"{int(statistics.median(totals)):,} |")


def best_of(conn: Any, sql: str, value: str, times: int = 5) -> tuple[float, int]:
    found, best = 0, float("inf")
    for _ in range(times):
        began = time.perf_counter()
        found = conn.execute(sql, (value,)).fetchone()[0]
        best = min(best, (time.perf_counter() - began) * 1000)
    return best, found


async def compare(db: Database) -> None:
    """The bare index, without the app: counting matches per word (best of 5, ms)."""
    import sqlite3

    from studio.store import fulltext

    conn = sqlite3.connect(db.path)
    conn.create_function("search_tokens", 1, fulltext.index_text, deterministic=True)
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'bench_trigram'").fetchone():
        began = time.perf_counter()
        conn.execute("""CREATE VIRTUAL TABLE bench_trigram USING fts5(title, body, content = 'case_search_docs',
                        content_rowid = 'case_id', tokenize = 'trigram')""")
        conn.execute("INSERT INTO bench_trigram (bench_trigram) VALUES ('rebuild')")
        conn.commit()
        print(f"\ntrigram table for comparison built in {time.perf_counter() - began:.1f} s")
    sizes = dict(conn.execute(
        """SELECT CASE WHEN name LIKE 'case_fts%' THEN 'bigram index' WHEN name LIKE 'bench_trigram%'
                  THEN 'trigram index' ELSE name END AS part, SUM(pgsize) FROM dbstat
           WHERE name LIKE 'case_fts%' OR name LIKE 'bench_trigram%' OR name IN
                 ('cases', 'case_replies', 'case_search_docs') GROUP BY part""").fetchall()) \
        if conn.execute("SELECT 1 FROM pragma_module_list WHERE name = 'dbstat'").fetchone() else {}
    if sizes:
        print("sizes (MiB): " + ", ".join(f"{name} {size / 2**20:.0f}" for name, size in sorted(sizes.items())))
    print("\n| word | matches | bigram phrase | trigram | LIKE on the documents |")
    print("|---|---|---|---|---|")
    for word in TWO[:6] + LONG[:6]:
        bigram = best_of(conn, "SELECT COUNT(*) FROM case_fts WHERE case_fts MATCH ?",
                         "{title body} : (" + str(fulltext.match_expression([word])) + ")")
        trigram = (best_of(conn, "SELECT COUNT(*) FROM bench_trigram WHERE bench_trigram MATCH ?",
                           f'"{word}"') if len(word) >= 3 else (float("nan"), 0))
        like = best_of(conn, "SELECT COUNT(*) FROM case_search_docs WHERE title LIKE ? OR body LIKE ?"
                       .replace("?", "?1"), f"%{word}%", times=1)
        assert bigram[1] == like[1] and (len(word) < 3 or trigram[1] == like[1]), word
        print(f"| {word} | {bigram[1]:,} | {bigram[0]:.1f} | "
              f"{'no answer (< 3 chars)' if len(word) < 3 else f'{trigram[0]:.1f}'} | {like[0]:.0f} |")
    conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--keep", metavar="PATH", help="build the board in PATH (kept), or reuse it")
    parser.add_argument("--compare", action="store_true",
                        help="also time the bare index: bigram phrases against a trigram table and LIKE")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "bench.db")
        reuse = os.path.exists(path)  # noqa: ASYNC240 (before the loop does anything)
        db = Database(str(path))
        await db.open()
        try:
            if reuse:
                made = await existing(db)
                args.cases = made["cases"]
            else:
                made = await build(db, args.cases, rng)
            async with db.read() as conn:
                pages = (await conn.fetchone("PRAGMA page_count"))[0]
                size = (await conn.fetchone("PRAGMA page_size"))[0]
            print(f"{'reused' if reuse else 'built'} {args.cases:,} cases in {made['build_seconds']:.1f} s "
                  f"({args.cases / made['build_seconds']:,.0f} cases/s, index kept by the triggers); "
                  f"store {pages * size / 2**20:.0f} MiB")
            units, tops, events = made["units"], made["tops"], made["events"]

            def days() -> dict[str, str]:
                first = datetime(2024, 1, 1) + timedelta(days=rng.randrange(600))
                return {"from": first.date().isoformat(), "to": (first + timedelta(days=90)).date().isoformat()}

            two, long, one = (lambda: rng.choice(TWO)), (lambda: rng.choice(LONG)), (lambda: rng.choice(ONE))
            scenarios: list[tuple[str, Any]] = [
                ("2 chars + unit", lambda: {"q": two(), "unit": str(rng.choice(units))}),
                ("2 chars + category (level 1)", lambda: {"q": two(), "category": str(rng.choice(tops))}),
                ("2 chars + status", lambda: {"q": two(), "status": rng.choice(["open", "replied"])}),
                ("2 chars + 90-day range", lambda: {"q": two(), **days()}),
                ("2 chars + event", lambda: {"q": two(), "event": f"ev-{rng.randrange(len(events))}"}),
                ("2 chars + unit + status + range", lambda: {"q": two(), "unit": str(rng.choice(units)),
                                                            "status": "replied", **days()}),
                ("2 chars + category + status, by date", lambda: {"q": two(), "category": str(rng.choice(tops)),
                                                                  "status": "replied", "sort": "date"}),
                ("2 chars, no filter (relevance)", lambda: {"q": two()}),
                ("2 chars, no filter, by date", lambda: {"q": two(), "sort": "date"}),
                ("2 chars, no filter, page 50", lambda: {"q": two(), "page": "50"}),
                ("two 2-char words", lambda: {"q": f"{two()} {two()}"}),
                ("3-4 chars, no filter", lambda: {"q": long()}),
                ("3-4 chars + unit", lambda: {"q": long(), "unit": str(rng.choice(units))}),
                ("1 char, no filter", lambda: {"q": one()}),
                ("no words, unit + status (list)", lambda: {"unit": str(rng.choice(units)), "status": "open"}),
                ("no words, most 同问 first", lambda: {"sort": "support"}),
                ("no words, 5+ 同问", lambda: {"min_support": "5"}),
                ("no words, unit, most 同问 first", lambda: {"unit": str(rng.choice(units)), "sort": "support"}),
                ("2 chars, most 同问 first", lambda: {"q": two(), "sort": "support"}),
                ("2 chars + 5+ 同问", lambda: {"q": two(), "min_support": "5"}),
            ]
            print(f"\n{args.queries} queries per scenario; times in ms (parse + count + page of 20 + highlight)\n")
            print("| scenario | median | p95 | max | median matches |")
            print("|---|---|---|---|---|")
            for name, make in scenarios:
                await scenario(db, name, make, args.queries)
            if args.compare:
                await compare(db)
        finally:
            await db.close()


if __name__ == "__main__":
    csv.field_size_limit(1 << 20)
    asyncio.run(main())
