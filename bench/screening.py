"""Screening throughput: questions per second on one core, 10,000-term lexicon.

Method: builds a lexicon of 10,000 terms (the shipped default terms plus
generated ones: two to five characters drawn from the characters of real
citizen messages, weighted towards rarer combinations as real lexicons are),
and N questions of about 500 characters cut from the real messages in
``../shared/data/wenzheng/`` next to the project (or generated from common
characters when that folder is absent); one question in ten gets a mobile
number, an ID number and a lexicon term mixed in. Then it times ``screen()``
over all questions, single-threaded, in three settings: lexicon only;
lexicon + a DuplicateIndex of 300 live questions + 5 recent texts of the same
client; and (separately) the near-duplicate query alone against 100,000
indexed board posts (LSH), with the memory the index takes (RSS growth).
The first pass is a warm-up; the figure is the best
of ``--repeat`` passes, given both per wall-clock second and per CPU second of
the process (the latter is steadier on a shared machine). Pin it to one core:

    taskset -c 1 .venv/bin/python bench/screening.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation.lexicon import Lexicon, Term, default_terms  # noqa: E402
from moderation.pii import id_check_character  # noqa: E402
from moderation.screening import screen  # noqa: E402
from moderation.similarity import DuplicateIndex  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "wenzheng"
CATEGORIES = ("abuse", "ads", "illegal", "rumour", "topic")


def real_texts() -> list[str]:
    texts: list[str] = []
    for name in ("messages.jsonl", "hot-messages.jsonl", "replies.jsonl"):
        path = DATA / name
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                texts.extend(str(row[k]) for k in ("title", "text") if row.get(k))
    return texts


def make_lexicon(chars: str, size: int, rng: random.Random) -> list[Term]:
    terms = list(default_terms())
    seen = {t.text for t in terms}
    while len(terms) < size:
        text = "".join(rng.choices(chars, k=rng.choice((2, 3, 3, 4, 4, 5))))
        if text in seen:
            continue
        seen.add(text)
        terms.append(Term(text, rng.choice(CATEGORIES), rng.choice(("block", "review", "review"))))
    return terms


def make_questions(corpus: str, count: int, length: int, rng: random.Random, terms: list[Term]) -> list[str]:
    questions = []
    for i in range(count):
        at = rng.randrange(0, max(1, len(corpus) - length))
        text = corpus[at : at + length]
        if i % 10 == 0:
            d17 = f"430102198{rng.randrange(10)}0{rng.randrange(1, 10)}1{rng.randrange(10)}{rng.randrange(100, 999)}"
            extras = [f"我的电话是138 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
                      f"身份证{d17}{id_check_character(d17)}", rng.choice(terms).text]
            cut = rng.randrange(0, len(text))
            text = text[:cut] + "，".join(extras) + text[cut:]
        questions.append(text)
    return questions


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def rate(fn: Callable[[str], object], questions: list[str], repeat: int) -> tuple[float, float]:
    """Best of ``repeat`` passes: (questions per wall-clock second, per CPU second)."""
    for q in questions[: len(questions) // 10]:
        fn(q)
    wall = cpu = 0.0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        for q in questions:
            fn(q)
        wall = max(wall, len(questions) / (time.perf_counter() - started))
        cpu = max(cpu, len(questions) / (time.process_time() - started_cpu))
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--length", type=int, default=500)
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)

    texts = real_texts()
    if texts:
        corpus = "\n".join(texts)
        source = f"{len(texts)} real titles and messages"
    else:
        common = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000))
        corpus = "".join(rng.choices(common + "，。？！ 0123456789", k=200_000))
        source = "generated text (real messages not found)"
    freq = Counter(ch for ch in corpus if "\u4e00" <= ch <= "\u9fff")
    chars = "".join(ch for ch, _ in freq.most_common(3000))

    started = time.perf_counter()
    terms = make_lexicon(chars, args.terms, rng)
    lexicon = Lexicon.build(terms)
    build_s = time.perf_counter() - started
    questions = make_questions(corpus, args.questions, args.length, rng, terms)

    live = DuplicateIndex()
    for i, q in enumerate(make_questions(corpus, 300, 120, rng, terms)):
        live.add(i, q)
    recent = make_questions(corpus, 5, 200, rng, terms)

    plain = rate(lambda q: screen(q, lexicon=lexicon), questions, args.repeat)
    full = rate(lambda q: screen(q, lexicon=lexicon, duplicates=live, recent=recent), questions, args.repeat)
    flagged = sum(1 for q in questions if screen(q, lexicon=lexicon).flags)

    posts = make_questions(corpus, args.posts, 200, rng, terms)
    rss_before = rss_mib()
    board = DuplicateIndex()
    started = time.perf_counter()
    for i, post in enumerate(posts):
        board.add(i, post)
    index_s = time.perf_counter() - started
    index_mib = rss_mib() - rss_before
    board_q = rate(lambda q: board.query(q), questions[:1000], args.repeat)

    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"pinned to {affinity}, load average {os.getloadavg()[0]:.1f}")
    print(f"corpus: {source}")
    print(f"lexicon: {len(terms)} terms, built in {build_s * 1000:.0f} ms")
    print(f"questions: {len(questions)} of {args.length} characters; {flagged} have flags")
    print("                                             questions/s   per CPU-second")
    print(f"screen(), lexicon only:                      {plain[0]:8.0f}      {plain[1]:8.0f}")
    print(f"screen(), + 300 live questions + 5 recent:   {full[0]:8.0f}      {full[1]:8.0f}")
    print(f"DuplicateIndex.query, {len(board)} board posts (LSH): "
          f"{board_q[0]:.0f}/s, {board_q[1]:.0f} per CPU-second; indexed in {index_s:.1f} s, "
          f"+{index_mib:.0f} MiB")

if __name__ == "__main__":
    main()
