"""Moving stored times: a demo store brought up to the present by shifting its times together.

Stored times are ISO 8601 text with an offset, in columns named ``at`` or
``…_at``; each keeps its offset when moved. Staff sessions and desk claims (real
logins and locks), the holiday calendar (real dates), the append-only audit log
(when things were really done) and ``meta`` are never moved; deadlines (``due_at``, ``due_before``, ``due_after``) are left to the
caller, who recomputes them in working days (:func:`deadlines`,
:func:`set_deadline`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from studio.store.database import Queryable, Tx

KEPT_TABLES = frozenset({"sessions", "claims", "calendar_days", "audit_log", "meta"})
"""Tables whose times are real (or are not times) and never move."""

DEADLINE_COLUMNS = {"cases": ("due_at",), "case_replies": ("due_at",),
                    "case_extensions": ("due_before", "due_after")}
"""Each table's deadlines, by column: moved by :func:`set_deadline`, not by :func:`shift_times`."""


async def time_columns(conn: Queryable) -> dict[str, tuple[list[str], list[str]]]:
    """Each table's stored times other than deadlines, with the columns that find a row (its
    primary key, else ``rowid``), from the schema itself (so new columns move too)."""
    tables = await conn.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name")
    found: dict[str, tuple[list[str], list[str]]] = {}
    for table in tables:
        name = table["name"]
        if name in KEPT_TABLES:
            continue
        columns = await conn.fetchall(f"SELECT name, type, pk FROM pragma_table_info('{name}')")
        times = [c["name"] for c in columns
                 if c["type"].upper() == "TEXT" and (c["name"] == "at" or c["name"].endswith("_at"))
                 and c["name"] not in DEADLINE_COLUMNS.get(name, ())]
        keys = [c["name"] for c in sorted(columns, key=lambda c: c["pk"]) if c["pk"]] or ["rowid"]
        if times:
            found[name] = (keys, times)
    return found


def moved(value: Any, delta: timedelta) -> Any:
    """An ISO time ``delta`` later, keeping its offset and precision; anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    try:
        return (datetime.fromisoformat(value) + delta).isoformat()
    except ValueError:
        return value


async def shift_times(tx: Tx, delta: timedelta) -> int:
    """Move every stored time except deadlines by ``delta``; how many values moved."""
    count = 0
    for table, (keys, columns) in (await time_columns(tx)).items():
        key_list = ", ".join(f'"{k}" AS "key_{n}"' for n, k in enumerate(keys))
        listed = ", ".join(f'"{c}"' for c in columns)
        assignments = ", ".join(f'"{c}" = ?' for c in columns)
        where = " AND ".join(f'"{k}" = ?' for k in keys)
        for row in await tx.fetchall(f'SELECT {key_list}, {listed} FROM "{table}"'):
            values = [moved(row[c], delta) for c in columns]
            changed = sum(1 for c, v in zip(columns, values, strict=True) if v != row[c])
            if changed:
                await tx.execute(f'UPDATE "{table}" SET {assignments} WHERE {where}',
                                 (*values, *(row[f"key_{n}"] for n in range(len(keys)))))
                count += changed
    return count


async def deadlines(conn: Queryable) -> list[Any]:
    """Every stored deadline as ``(tbl, row_id, col, due, routed_at)``, with its case's routing time."""
    return await conn.fetchall(
        """SELECT 'cases' AS tbl, id AS row_id, 'due_at' AS col, due_at AS due, routed_at
             FROM cases WHERE due_at IS NOT NULL
           UNION ALL
           SELECT 'case_replies', r.rowid, 'due_at', r.due_at, c.routed_at
             FROM case_replies r JOIN cases c ON c.id = r.case_id WHERE r.due_at IS NOT NULL
           UNION ALL
           SELECT 'case_extensions', e.rowid, 'due_before', e.due_before, c.routed_at
             FROM case_extensions e JOIN cases c ON c.id = e.case_id
           UNION ALL
           SELECT 'case_extensions', e.rowid, 'due_after', e.due_after, c.routed_at
             FROM case_extensions e JOIN cases c ON c.id = e.case_id""")


async def set_deadline(tx: Tx, table: str, column: str, row_id: int, value: str) -> None:
    """Store a moved deadline (``table`` and ``column`` as :func:`deadlines` named them)."""
    if column not in DEADLINE_COLUMNS.get(table, ()):
        raise ValueError(f"{table}.{column} is not a deadline")
    await tx.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (value, row_id))
