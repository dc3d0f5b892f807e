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
from studio.errors import ApiError, invalid, whole_number
from studio.inputs import clean_text
from studio.store import categories as category_rows
from studio.store import meta
from studio.store import routing as routing_rows
from studio.store.database import Database, Queryable, Tx
from studio.store.units import unit_by_id

TRAINED_KEY = "routing.trained_at"
MAX_TITLE_CHARS = 200
MAX_TEXT_CHARS = 20000
MAX_MAPPED = 200


def nothing_to_learn() -> ApiError:
    """The refusal when no case has a category yet."""
    return ApiError("nothing_to_learn", "还没有已分类的留言，无法给出分办建议：请先导入或分类一些留言")


Training = tuple[list[routing.Node], list[routing.Example], dict[int, str], list[tuple[int, int]]]


async def training_data(conn: Queryable) -> Training:
    """The tree, the cases, the units and the admin-given unit → category mapping the model learns from."""
    nodes = [routing.Node(int(row["id"]), row["parent_id"], row["name"])
             for row in await category_rows.category_rows(conn)]
    cases = [routing.Example(row["title"], row["text"], row["category_id"], row["unit_id"])
             for row in await routing_rows.training_cases(conn)]
    units = {int(row["id"]): row["name"] for row in await routing_rows.unit_names(conn)}
    mapping = [(int(row["unit_id"]), int(row["category_id"])) for row in await routing_rows.unit_categories(conn)]
    return nodes, cases, units, mapping


async def train_from(db: Database) -> routing.Router:
    """A router trained on the store as it is now (in a worker thread); ``nothing_to_learn`` if empty."""
    async with db.read() as conn:
        nodes, cases, units, mapping = await training_data(conn)
    try:
        return await asyncio.to_thread(routing.train, nodes, cases, units, mapping)
    except routing.NothingToLearn:
        raise nothing_to_learn() from None


async def mark_trained(tx: Tx, stamp: str) -> None:
    """Record that the model was retrained on command: every server retrains on its next suggestion."""
    await meta.put_value(tx, TRAINED_KEY, stamp)


async def can_learn(conn: Queryable) -> bool:
    """Whether there is anything to learn from (a case with a category): pages offer suggestions then."""
    return await routing_rows.has_categorised(conn)


async def _paths(conn: Queryable) -> dict[int, str]:
    rows = {int(row["id"]): row for row in await category_rows.category_rows(conn)}

    def path(category_id: int) -> str:
        names: list[str] = []
        current: int | None = category_id
        while current is not None and current in rows:
            names.append(rows[current]["name"])
            current = rows[current]["parent_id"]
        return "/".join(reversed(names))

    return {category_id: path(category_id) for category_id in rows}


async def category_choices(conn: Queryable, max_level: int = 2) -> list[dict[str, Any]]:
    """The categories down to ``max_level`` as ``{id, path}`` in tree order (for the mapping form)."""
    paths = await _paths(conn)
    return sorted(({"id": i, "path": p} for i, p in paths.items() if p.count("/") < max_level),
                  key=lambda c: c["path"])


async def unit_mapping(conn: Queryable) -> list[dict[str, Any]]:
    """Every unit with the categories an admin says it handles: ``[{unit: {id, name}, categories: [{id, path}]}]``."""
    paths = await _paths(conn)

    def path(category_id: int) -> str:
        return paths.get(category_id, "")

    handled: dict[int, list[dict[str, Any]]] = {}
    for row in await routing_rows.unit_categories(conn):
        handled.setdefault(int(row["unit_id"]), []).append(
            {"id": int(row["category_id"]), "path": path(int(row["category_id"]))})
    return [{"unit": {"id": int(u["id"]), "name": u["name"]}, "categories": handled.get(int(u["id"]), [])}
            for u in await routing_rows.unit_names(conn)]


async def set_unit_categories(db: Database, unit_id: int, body: dict[str, Any], stamp: str) -> list[dict[str, Any]]:
    """Replace the categories a unit handles (``{categories: [id, …]}``, at most 200) and have every
    server retrain; 404 for an unknown unit, 400 ``invalid`` for a bad or unknown category id."""
    given = body.get("categories")
    if not isinstance(given, list) or len(given) > MAX_MAPPED:
        raise invalid("categories", f"categories 须为分类编号的列表（最多 {MAX_MAPPED} 个）")
    ids = list(dict.fromkeys(whole_number(v, "categories", "分类编号无效") for v in given))
    async with db.write() as tx:
        if await unit_by_id(tx, unit_id) is None:
            raise ApiError("not_found", "单位不存在")
        for category_id in ids:
            if not await routing_rows.category_exists(tx, category_id):
                raise invalid("categories", f"分类 {category_id} 不存在")
        await routing_rows.replace_unit_categories(tx, unit_id, ids)
        await mark_trained(tx, stamp)
    async with db.read() as conn:
        return [row for row in await unit_mapping(conn) if row["unit"]["id"] == unit_id]


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
