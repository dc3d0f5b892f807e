"""``studio screen [FILE]``: screen texts outside a live event, with the store's lexicon.

Reads one text per line (plain text, or a JSON object with a ``text`` field and
optionally ``id`` and ``client``) from FILE or standard input, and prints one
JSON object per input line: ``{"line": N, "id": …, "flags": [...], "priority": P}``
(``id`` only when the input gave one). Earlier lines of the same input are the
near-duplicate candidates (``duplicate`` flags name their ``id``, else their
line number); lines with the same ``client`` are each other's recent texts for
flood detection. Blank lines are skipped; a JSON line without a text string is
reported on standard error with its line number and the exit status is 1.
Nothing is written to the store: before the first server start (no lexicon
stored yet) the shipped default lexicon is used.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import IO, Any

from moderation.lexicon import Lexicon, default_terms
from moderation.screening import screen
from moderation.similarity import DuplicateIndex
from studio.desk import wordlist
from studio.desk.screener import RECENT_TEXTS
from studio.settings import Settings
from studio.store import lexicon as stored_lexicon
from studio.store.database import Database


async def store_lexicon(settings: Settings) -> Lexicon:
    db = Database(settings.db_path)
    await db.open()
    try:
        async with db.read() as conn:
            terms = await wordlist.all_terms(conn) if await stored_lexicon.seeded(conn) else default_terms()
    finally:
        await db.close()
    return Lexicon.build(terms)


def parse_line(raw: str) -> tuple[str, Any, str] | str:
    """``(text, id, client)`` of one input line, or an error message."""
    line = raw.rstrip("\n").rstrip("\r")
    if line.lstrip().startswith("{"):
        try:
            item = json.loads(line)
        except ValueError:
            item = None
        if isinstance(item, dict):
            text = item.get("text")
            if not isinstance(text, str):
                return "JSON object without a text string"
            return text, item.get("id"), str(item.get("client", ""))
    return line, None, ""


def screen_lines(lines: Iterable[str], lexicon: Lexicon, out: IO[str], err: IO[str]) -> int:
    """Screen each line and print its result; the exit status (1 if any line was bad)."""
    duplicates = DuplicateIndex()
    recent: defaultdict[str, deque[str]] = defaultdict(lambda: deque(maxlen=RECENT_TEXTS))
    ids: dict[int, Any] = {}
    status = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        parsed = parse_line(raw)
        if isinstance(parsed, str):
            print(f"line {number}: {parsed}", file=err)
            status = 1
            continue
        text, given_id, client = parsed
        history = recent[client] if client else ()
        result = screen(text, lexicon=lexicon, duplicates=duplicates, recent=tuple(history))
        flags = result.flags_json()
        for flag in flags:
            if flag.get("kind") == "duplicate" and flag.get("question_id") in ids:
                flag["question_id"] = ids[int(str(flag["question_id"]))]
        answer: dict[str, Any] = {"line": number}
        if given_id is not None:
            answer["id"] = given_id
        answer.update({"flags": flags, "priority": result.priority})
        print(json.dumps(answer, ensure_ascii=False), file=out)
        duplicates.add(number, text)
        ids[number] = given_id if given_id is not None else number
        if client:
            recent[client].append(text)
    return status


def run(settings: Settings, path: str | None) -> int:
    lexicon = asyncio.run(store_lexicon(settings))
    if path is None or path == "-":
        return screen_lines(sys.stdin, lexicon, sys.stdout, sys.stderr)
    try:
        with open(path, encoding="utf-8") as handle:
            return screen_lines(handle, lexicon, sys.stdout, sys.stderr)
    except OSError as exc:
        print(f"错误：无法读取 {path}：{exc.strerror}", file=sys.stderr)
        return 2
