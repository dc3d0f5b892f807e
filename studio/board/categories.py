"""The board's category tree (诉求分类): any depth, three levels in practice (一级/二级/三级).

Categories are loaded from a taxonomy file by ``studio import-categories`` (or
``studio import-board --taxonomy``): a CSV whose every row is one path from
the top level down (``level1,level2,level3``; empty trailing cells end a
shorter path). Loading is idempotent: a name is unique among its siblings.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from studio.store import categories as category_rows
from studio.store.database import Queryable, Tx

PATH_SEPARATORS = re.compile(r"\s*(?:/|>|›|＞|／)\s*")


class Categories:
    """Finds or creates categories by path inside one write transaction (cached)."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx
        self.ids: dict[tuple[int, str], int] = {}
        self.by_name: dict[str, list[tuple[int, int]]] | None = None
        self.created = 0

    async def child(self, parent: int | None, name: str) -> int:
        """The id of ``name`` under ``parent`` (None: top level), created when missing."""
        key = (parent or 0, name)
        if key in self.ids:
            return self.ids[key]
        found = await category_rows.child_id(self.tx, parent, name)
        if found is None:
            position = await category_rows.child_count(self.tx, parent)
            found = await category_rows.insert_category(self.tx, parent, name, position)
            self.created += 1
            self.by_name = None
        self.ids[key] = found
        return found

    async def path(self, names: list[str]) -> int | None:
        """The id of the last category of a path from the top, creating what is missing."""
        parent: int | None = None
        for name in names:
            parent = await self.child(parent, name)
        return parent

    async def resolve(self, label: str) -> int | None:
        """A record's category label: a path ('城乡建设/安全生产'), or one name.

        One name is looked up anywhere in the tree, the shallowest match first
        (so a top-level '城乡建设' wins over a deeper namesake); an unknown name
        becomes a new top-level category, so nothing imported loses its label.
        """
        names = [part for part in PATH_SEPARATORS.split(label.strip()) if part]
        if not names:
            return None
        if len(names) > 1:
            return await self.path(names)
        if self.by_name is None:
            self.by_name = {}
            for row in await category_rows.levels(self.tx):
                self.by_name.setdefault(row["name"], []).append((int(row["level"]), int(row["id"])))
        matches = sorted(self.by_name.get(names[0], []))
        if matches:
            return matches[0][1]
        return await self.child(None, names[0])


def read_taxonomy(path: Path) -> list[list[str]]:
    """Paths from a taxonomy CSV (a header row whose cells start with 'level' is skipped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if rows and all(cell.strip().lower().startswith("level") or "级" in cell for cell in rows[0] if cell):
        rows = rows[1:]
    paths = []
    for row in rows:
        names = [cell.strip() for cell in row]
        while names and not names[-1]:
            names.pop()
        if names and all(names):
            paths.append(names)
    return paths


async def load_taxonomy(tx: Tx, paths: list[list[str]]) -> int:
    """Create every category of ``paths`` that is missing; the number created."""
    categories = Categories(tx)
    for names in paths:
        await categories.path(names)
    return categories.created


async def tree(conn: Queryable) -> list[dict[str, Any]]:
    """Every category as ``{id, name, parent, level, path}``, depth first in file order."""
    rows = await category_rows.category_rows(conn)
    children: dict[int, list[Any]] = {}
    for row in rows:
        children.setdefault(row["parent_id"] or 0, []).append(row)
    flat: list[dict[str, Any]] = []

    def walk(parent: int, trail: list[str]) -> None:
        for row in children.get(parent, []):
            path = [*trail, row["name"]]
            flat.append({"id": row["id"], "name": row["name"], "parent": row["parent_id"],
                         "level": len(path), "path": "/".join(path)})
            walk(row["id"], path)

    walk(0, [])
    return flat


async def subtree_ids(conn: Queryable, category_id: int) -> list[int]:
    """``category_id`` and every category below it."""
    return [int(row["id"]) for row in await category_rows.subtree(conn, category_id)]


async def path_of(conn: Queryable, category_id: int | None) -> list[dict[str, Any]]:
    """The categories from the top down to ``category_id``."""
    if category_id is None:
        return []
    rows = await category_rows.ancestry(conn, category_id)
    return [{"id": row["id"], "name": row["name"]} for row in rows]
