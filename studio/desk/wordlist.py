"""The sensitive-word lexicon in the store: list, add, remove, import, export — audited.

Terms live in ``lexicon_terms`` (term, category, level, who added it and
when). Every change bumps ``meta.lexicon_version`` in the same transaction;
each server process compares it before screening and rebuilds its compiled
automaton when it moved, so an edit applies to the very next question on
every process. The shipped default lexicon is written once, on the first
start with an empty table (``meta.lexicon_seeded``), so an admin who empties
the lexicon on purpose does not get it back on restart.

The file format is :func:`moderation.lexicon.parse_lexicon`'s
(``term<TAB>category<TAB>level``, ``#`` comments); see docs/moderation.md.
"""

from __future__ import annotations

import re
from typing import Any

from moderation.lexicon import Term, default_terms, parse_lexicon
from moderation.lifecycle import Role
from studio.errors import ApiError, invalid
from studio.store import audit
from studio.store import lexicon as lexicon_rows
from studio.store.database import Database, Queryable

LEVELS = ("block", "review")
CATEGORY = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_TERM = 50
MAX_IMPORT_CHARS = 60_000
LINE_NUMBER = re.compile(r"line (\d+)")


def term_view(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "term": row["term"], "category": row["category"], "level": row["level"],
            "added_by": row["added_by"], "added_at": row["added_at"]}


async def version(conn: Queryable) -> str:
    """The lexicon's version: it moves with every change, on whichever process made it."""
    return await lexicon_rows.version(conn)


async def all_terms(conn: Queryable) -> list[Term]:
    """Every term of the store's lexicon, in the order added."""
    return await lexicon_rows.terms(conn)


async def seed_defaults(db: Database, at: str) -> int:
    """Write the shipped lexicon on the first start with an empty table; the number of terms written."""
    async with db.write() as tx:
        if await lexicon_rows.seeded(tx):
            return 0
        await lexicon_rows.mark_seeded(tx, at)
        if await lexicon_rows.has_terms(tx):
            return 0
        added = await lexicon_rows.insert_terms(tx, default_terms(), by="default", at=at)
        await lexicon_rows.bump_version(tx)
        return added


async def list_terms(conn: Queryable, *, q: str = "", category: str = "", level: str = "",
                     limit: int = 500, offset: int = 0) -> dict[str, Any]:
    """Terms matching the filters (``q`` a substring of the term), newest first, with the categories."""
    total, rows = await lexicon_rows.term_page(conn, q=q, category=category, level=level,
                                               limit=limit, offset=offset)
    categories = await lexicon_rows.category_counts(conn)
    return {"terms": [term_view(row) for row in rows], "total": total,
            "categories": [{"category": row["category"], "count": row["n"]} for row in categories]}


def clean_term(body: dict[str, Any]) -> Term:
    """A term from an API body; 400 ``invalid`` naming the field."""
    text = body.get("term")
    if not isinstance(text, str) or not text.strip() or len(text.strip()) > MAX_TERM:
        raise invalid("term", f"词条须为 1–{MAX_TERM} 个字")
    category = body.get("category")
    if not isinstance(category, str) or not CATEGORY.match(category):
        raise invalid("category", "类别须为小写英文单词，如 abuse、ads、illegal、rumour")
    level = body.get("level", "review")
    if level not in LEVELS:
        raise invalid("level", "级别须为 block（建议驳回）或 review（需留意）")
    try:
        parsed = parse_lexicon(f"{text.strip()}\t{category}\t{level}")
    except ValueError:
        raise invalid("term", "词条须含有文字或数字") from None
    if len(parsed) != 1:
        raise invalid("term", "词条不能含有制表符或换行")
    return parsed[0]


async def add_term(db: Database, body: dict[str, Any], *, by: str, at: str) -> dict[str, Any]:
    """Add one term (admin); 409 ``exists`` when the same term is already in that category."""
    term = clean_term(body)
    async with db.write() as tx:
        if not await lexicon_rows.insert_terms(tx, [term], by=by, at=at):
            raise ApiError("exists", f"词条“{term.text}”已在类别 {term.category} 中")
        await lexicon_rows.bump_version(tx)
        row = await lexicon_rows.term_row(tx, term.text, term.category)
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="lexicon.add",
                           detail={"term": term.text, "category": term.category, "level": term.level})
        return term_view(row)


async def remove_term(db: Database, term_id: int, *, by: str, at: str) -> None:
    async with db.write() as tx:
        row = await lexicon_rows.delete_term(tx, term_id)
        if row is None:
            raise ApiError("not_found", "没有这个词条")
        await lexicon_rows.bump_version(tx)
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="lexicon.remove",
                           detail={"term": row["term"], "category": row["category"],
                                   "level": row["level"]})


async def import_terms(db: Database, text: Any, *, replace: bool, by: str, at: str) -> dict[str, Any]:
    """Import a lexicon file; nothing is written when any line is bad (400 with ``line``).

    Terms already present (same term and category) are skipped; with ``replace``
    the whole lexicon is replaced by the file.
    """
    if not isinstance(text, str) or not text.strip():
        raise invalid("text", "请提供词库文件内容")
    if len(text) > MAX_IMPORT_CHARS:
        raise ApiError("too_large", f"词库文件不能超过 {MAX_IMPORT_CHARS} 个字符")
    try:
        terms = parse_lexicon(text)
    except ValueError as exc:
        found = LINE_NUMBER.search(str(exc))
        line = int(found.group(1)) if found else None
        raise ApiError("invalid", f"第 {line} 行格式错误：{exc}" if line else str(exc),
                       field="text", line=line) from None
    async with db.write() as tx:
        removed = 0
        if replace:
            removed = await lexicon_rows.delete_all(tx)
        added = await lexicon_rows.insert_terms(tx, terms, by=by, at=at)
        await lexicon_rows.bump_version(tx)
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="lexicon.import",
                           detail={"lines": len(terms), "added": added, "removed": removed,
                                   "replace": replace})
    return {"added": added, "skipped": len(terms) - added, "removed": removed}


async def export_text(conn: Queryable) -> str:
    """The whole lexicon in the file format, by category."""
    terms = await lexicon_rows.terms(conn, by_category=True)
    header = "# 词库导出：词条<TAB>类别<TAB>级别（block 建议驳回，review 需留意）\n"
    return header + "".join(f"{term.text}\t{term.category}\t{term.level}\n" for term in terms)
