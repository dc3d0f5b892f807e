"""The append-only audit log: who did what, when, with the text before and after."""

from __future__ import annotations

import json
from typing import Any

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
    await tx.execute(
        """INSERT INTO audit_log (event_id, question_id, case_id, actor, role, action,
           from_status, to_status, before_text, after_text, detail, at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (event_id, question_id, case_id, actor, role, action, from_status, to_status,
         before_text, after_text, json.dumps(detail or {}, ensure_ascii=False), at),
    )


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
