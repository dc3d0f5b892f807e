"""The append-only audit log: who did what, when, with the text before and after.

Each entry is chained to the one before (``studio.auditchain``): it is numbered
one past the last, carries the last entry's hash as ``prev_hash`` and its own
``hash``, computed here inside the write transaction (one writer, so the chain
has no fork).
"""

from __future__ import annotations

import json
from typing import Any

from studio.auditchain import FIELDS, GENESIS, Head, Link, Verdict, digest, walk
from studio.store.database import Queryable, Tx


async def record(
    tx: Tx,
    *,
    at: str,
    actor: str,
    role: str,
    action: str,
    event_id: int | None = None,
    question_id: int | None = None,
    case_id: int | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    before_text: str | None = None,
    after_text: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    last = await head(tx)
    number = last.entry + 1
    fields: dict[str, Any] = {
        "event_id": event_id, "question_id": question_id, "case_id": case_id, "actor": actor,
        "role": role, "action": action, "from_status": from_status, "to_status": to_status,
        "before_text": before_text, "after_text": after_text,
        "detail": json.dumps(detail or {}, ensure_ascii=False), "at": at,
    }
    await tx.execute(
        f"INSERT INTO audit_log (id, prev_hash, hash, {', '.join(FIELDS)}) "
        f"VALUES (?, ?, ?, {', '.join('?' for _ in FIELDS)})",
        (number, last.hash, digest(number, last.hash, fields), *(fields[name] for name in FIELDS)),
    )


async def head(conn: Queryable) -> Head:
    """The chain's last entry (number and hash); entry 0 and the genesis hash when empty."""
    row = await conn.fetchone("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    if row is None:
        return Head(0, GENESIS)
    return Head(int(row["id"]), str(row["hash"] or ""))


async def link(conn: Queryable, entry: int) -> Link | None:
    """Entry ``entry``'s number and hashes, without its content; None when there is no such entry."""
    found = await links(conn, entry - 1, 1)
    return found[0] if found and found[0].entry == entry else None


async def links(conn: Queryable, after: int, limit: int) -> list[Link]:
    """Up to ``limit`` entries after number ``after``, in order: numbers and hashes only."""
    rows = await conn.fetchall("SELECT id, prev_hash, hash FROM audit_log WHERE id > ? ORDER BY id LIMIT ?",
                               (after, limit))
    return [Link(int(row["id"]), str(row["prev_hash"] or ""), str(row["hash"] or "")) for row in rows]


async def verify(conn: Queryable) -> Verdict:
    """Walk the whole chain in stored order (``studio.auditchain.walk``)."""
    return walk(await conn.fetchall("SELECT * FROM audit_log ORDER BY id"))


async def entries(
    conn: Queryable, event_id: int, question_id: int | None = None
) -> list[dict[str, Any]]:
    sql = "SELECT * FROM audit_log WHERE event_id = ?"
    params: list[Any] = [event_id]
    if question_id is not None:
        sql += " AND question_id = ?"
        params.append(question_id)
    rows = await conn.fetchall(sql + " ORDER BY id", params)
    return [
        {
            "id": row["id"],
            "at": row["at"],
            "actor": row["actor"],
            "role": row["role"],
            "action": row["action"],
            "question_id": row["question_id"],
            "case_id": row["case_id"],
            "from_status": row["from_status"],
            "to_status": row["to_status"],
            "before_text": row["before_text"],
            "after_text": row["after_text"],
            "detail": json.loads(row["detail"]),
        }
        for row in rows
    ]


async def case_rows(conn: Queryable, case_id: int) -> list[Any]:
    """Every audit row about a board case, in order."""
    return await conn.fetchall("SELECT * FROM audit_log WHERE case_id = ? ORDER BY id", (case_id,))
