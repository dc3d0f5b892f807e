"""Routing suggestions from the store's own cases (the model is in ``studio.routing``).

One ``Suggester`` per process keeps a trained router. It trains on the first
suggestion, again when ``routing_retrain_after`` more categorised or routed
cases have arrived since, and when ``studio train-routing`` has run since (it
stamps the store's meta table). Training runs in a worker thread, so the event
loop keeps serving meanwhile; one training at a time.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from studio import routing
from studio.errors import ApiError, invalid
from studio.inputs import clean_text
from studio.store import categories as category_rows
from studio.store import meta
from studio.store import routing as routing_rows
from studio.store.database import Database, Queryable, Tx

TRAINED_KEY = "routing.trained_at"
MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20000


def nothing_to_learn() -> ApiError:
    """The refusal when no case has a category yet."""
    return ApiError("nothing_to_learn", "还没有已分类的留言，无法给出分办建议：请先导入或分类一些留言")


async def training_data(conn: Queryable) -> tuple[list[routing.Node], list[routing.Example], dict[int, str]]:
    """The tree, the cases and the units the model learns from."""
    nodes = [routing.Node(int(row["id"]), row["parent_id"], row["name"])
             for row in await category_rows.category_rows(conn)]
    cases = [routing.Example(row["title"], row["text"], row["category_id"], row["unit_id"])
             for row in await routing_rows.training_cases(conn)]
    units = {int(row["id"]): row["name"] for row in await routing_rows.unit_names(conn)}
    return nodes, cases, units


async def train_from(db: Database) -> routing.Router:
    """A router trained on the store as it is now (in a worker thread); ``nothing_to_learn`` if empty."""
    async with db.read() as conn:
        nodes, cases, units = await training_data(conn)
    try:
        return await asyncio.to_thread(routing.train, nodes, cases, units)
    except routing.NothingToLearn:
        raise nothing_to_learn() from None


async def mark_trained(tx: Tx, stamp: str) -> None:
    """Record that the model was retrained on command: every server retrains on its next suggestion."""
    await meta.put_value(tx, TRAINED_KEY, stamp)


async def can_learn(conn: Queryable) -> bool:
    """Whether there is anything to learn from (a case with a category): pages offer suggestions then."""
    return await routing_rows.has_categorised(conn)


def clean_message(body: dict[str, Any]) -> tuple[str, str]:
    """``(title, text)`` from a ``{title, text}`` object: text required, title optional; 400 otherwise."""
    title = body.get("title", "")
    if title is None:
        title = ""
    if not isinstance(title, str):
        raise invalid("title", "title 须为文字")
    if len(title.strip()) > MAX_TITLE_CHARS:
        raise invalid("title", f"标题不能超过 {MAX_TITLE_CHARS} 个字")
    text = clean_text(body.get("text"), "text", MAX_TEXT_CHARS)
    return title.strip(), text


@dataclass
class Suggester:
    """This process's trained router and when it was trained."""

    router: routing.Router | None = None
    trained_on: int = 0
    stamp: str | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def current(self, db: Database, retrain_after: int) -> routing.Router:
        """The router, (re)trained first when missing, stale by ``retrain_after`` cases, or re-stamped."""
        async with db.read() as conn:
            count = await routing_rows.learnable_count(conn)
            stamp = await meta.value(conn, TRAINED_KEY)
        async with self.lock:
            stale = (self.router is None or stamp != self.stamp
                     or count - self.trained_on >= max(1, retrain_after))
            if stale:
                self.router = await train_from(db)
                self.trained_on, self.stamp = count, stamp
            assert self.router is not None
            return self.router

    async def suggest(self, db: Database, body: dict[str, Any], retrain_after: int) -> dict[str, Any]:
        """The suggestion for one ``{title, text}``: categories and units, best first."""
        title, text = clean_message(body)
        router = await self.current(db, retrain_after)
        found = await asyncio.to_thread(router.suggest, title, text)
        return found.as_json()
