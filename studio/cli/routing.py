"""``studio train-routing`` and ``studio suggest [FILE]``: the routing model from the command line.

``train-routing`` trains the model on the store's categorised and routed cases,
prints what it learned from, and stamps the store so every running server
retrains on its next suggestion. ``suggest`` trains once on the store, then
reads JSON Lines of ``{title, text}`` from FILE or standard input and prints one
JSON line per input line, in order, of the same shape as
``POST /api/board/suggest``: ``{"categories": [{id, path, score}], "units":
[{id, name, score}]}``. A line that is not such an object gets
``{"line": N, "error": {"code", "message"}}`` in its place (and on standard
error), and the exit status is 1. Blank lines are skipped. With no categorised
case in the store both commands say so and exit with status 2.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import IO, Any

from studio.board import suggest
from studio.errors import ApiError
from studio.inputs import load_json
from studio.settings import Settings
from studio.store.database import Database


async def _train(settings: Settings, stamp: str) -> dict[str, int]:
    db = Database(settings.db_path)
    await db.open()
    try:
        router = await suggest.train_from(db)
        async with db.write() as tx:
            await suggest.mark_trained(tx, stamp)
        return router.counts
    finally:
        await db.close()


def train_command(settings: Settings, stamp: str) -> int:
    """Train, report the counts, stamp the store; 2 when there is nothing to learn from."""
    try:
        counts = asyncio.run(_train(settings, stamp))
    except ApiError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    print(f"分办模型已训练：已分类留言 {counts['cases']} 条，已分办 {counts['routed']} 条，"
          f"分类 {counts['categories']} 个；运行中的服务将在下一次建议时重新训练")
    return 0


def _answer(router: Any, number: int, line: str) -> tuple[dict[str, Any], bool]:
    try:
        body = load_json(line)
        if not isinstance(body, dict):
            raise ApiError("bad_json", "每行须为 JSON 对象 {title, text}")
        title, text = suggest.clean_message(body)
    except ApiError as exc:
        return {"line": number, "error": {"code": exc.code, "message": exc.message}}, False
    return router.suggest(title, text).as_json(), True


async def _router(settings: Settings) -> Any:
    db = Database(settings.db_path)
    await db.open()
    try:
        return await suggest.train_from(db)
    finally:
        await db.close()


def suggest_command(settings: Settings, file: str | None) -> int:
    """One suggestion per input line, in order; see the module's docstring for the contract."""
    try:
        router = asyncio.run(_router(settings))
    except ApiError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    try:
        handle: IO[str] = open(file, encoding="utf-8") if file else sys.stdin
    except OSError as exc:
        print(f"错误：无法读取 {file}：{exc.strerror}", file=sys.stderr)
        return 2
    ok = True
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            answer, good = _answer(router, number, line)
            if not good:
                ok = False
                print(f"第 {number} 行：{answer['error']['message']}", file=sys.stderr)
            print(json.dumps(answer, ensure_ascii=False), flush=True)
    finally:
        if file:
            handle.close()
    return 0 if ok else 1
