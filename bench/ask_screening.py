"""What screening adds to an ask in the running studio (store lexicon, event duplicates, recent texts).

Method: a temporary store with the shipped lexicon plus N synthetic extra terms,
one event holding Q questions (real citizen messages when the data folder is
given, else generated text). Then, in one process and one core, for M new
questions: ``Screener.screen_ask`` (the reads it makes plus ``screen()``)
and, separately, the whole ask (``studio.events.questions.ask``) (screening and the write). Prints
the wall-clock mean and p99 and the process CPU time per question (CPU
time includes aiosqlite's thread, and is what to read on a busy machine).

    .venv/bin/python bench/ask_screening.py --data PATH/TO/wenzheng --questions 2000 --asks 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from moderation.lexicon import Term
from moderation.screening import screen
from studio.clock import Clock
from studio.desk import wordlist
from studio.desk.screener import Screener
from studio.events import questions
from studio.store import lexicon as lexicon_rows
from studio.store.database import Database

FILLER = "小区路灯公交站学校医院社保住房补贴招聘停车噪音垃圾分类供暖物业维修"


def texts(data: Path | None, count: int, length: int) -> list[str]:
    if data is not None and (data / "messages.jsonl").exists():
        found = [json.loads(line)["text"] for line in (data / "messages.jsonl").open(encoding="utf-8")]
        return [found[i % len(found)][:length] + f"（{i}）" for i in range(count)]
    rng = random.Random(7)
    return ["".join(rng.choice(FILLER) for _ in range(length)) for _ in range(count)]


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(str(Path(tmp) / "bench.db"))
        await db.open()
        clock = Clock("Asia/Shanghai")
        await wordlist.seed_defaults(db, clock.stamp())
        extra = [Term(f"词{i:05d}号", "ads", "review") for i in range(args.terms)]
        async with db.write() as tx:
            await lexicon_rows.insert_terms(tx, extra, by="bench", at=clock.stamp())
            await lexicon_rows.bump_version(tx)
            await tx.execute(
                "INSERT INTO events (slug, title, status, starts_at, ends_at, created_at) "
                "VALUES ('bench', 'bench', 'live', ?, ?, ?)", (clock.stamp(), clock.stamp(), clock.stamp()))
        corpus = texts(args.data, args.questions + args.asks, args.length)
        for text in corpus[: args.questions]:
            await questions.ask(db, clock, slug="bench", body={"text": text, "client_key": str(uuid.uuid4())},
                                max_chars=5000, viewer=f"v{random.randrange(500)}")
        screener = Screener(db)
        await screener.screen_ask("bench", "预热", viewer="", address="")
        lexicon = await screener.lexicon()
        index = await screener._duplicates_of("bench")
        pure_ms: list[float] = []
        cpu = time.process_time()
        for text in corpus[args.questions:]:
            start = time.perf_counter()
            screen(text, lexicon=lexicon, duplicates=index, recent=corpus[:5])
            pure_ms.append((time.perf_counter() - start) * 1000)
        pure_cpu = (time.process_time() - cpu) / args.asks * 1000
        screen_ms: list[float] = []
        cpu = time.process_time()
        for text in corpus[args.questions:]:
            start = time.perf_counter()
            await screener.screen_ask("bench", text, viewer="v1", address="127.0.0.1")
            screen_ms.append((time.perf_counter() - start) * 1000)
        screen_cpu = (time.process_time() - cpu) / args.asks * 1000
        ask_ms: list[float] = []
        cpu = time.process_time()
        for text in corpus[args.questions:]:
            start = time.perf_counter()
            await questions.ask(db, clock, slug="bench", body={"text": text, "client_key": str(uuid.uuid4())},
                                max_chars=5000, viewer="v2", address="127.0.0.1", screener=screener)
            ask_ms.append((time.perf_counter() - start) * 1000)
        ask_cpu = (time.process_time() - cpu) / args.asks * 1000
        await db.close()

    def line(name: str, values: list[float], cpu_ms: float) -> str:
        p99 = sorted(values)[int(len(values) * 0.99) - 1]
        return (f"{name:32} wall mean {statistics.mean(values):6.2f} ms  p99 {p99:6.2f} ms   "
                f"CPU {cpu_ms:5.2f} ms ({1000 / cpu_ms:5.0f} per CPU-second)")

    print(f"lexicon: shipped + {args.terms} terms; event: {args.questions} questions; "
          f"{args.asks} new questions of ≤{args.length} characters")
    print(line("screen() alone", pure_ms, pure_cpu))
    print(line("screen_ask (one read + screen)", screen_ms, screen_cpu))
    print(line("ask (screen + write)", ask_ms, ask_cpu))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder with messages.jsonl (real texts)")
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=2000)
    parser.add_argument("--asks", type=int, default=300)
    parser.add_argument("--length", type=int, default=500)
    asyncio.run(main(parser.parse_args()))
