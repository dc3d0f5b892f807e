"""The holiday calendar's rows: public holidays and make-up working days, by ISO date."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx


async def day_rows(conn: Queryable, year: int | None = None) -> list[Any]:
    """The calendar's days as ``(day, kind, name)`` in date order (of one year when given)."""
    if year is None:
        return await conn.fetchall("SELECT day, kind, name FROM calendar_days ORDER BY day")
    return await conn.fetchall(
        "SELECT day, kind, name FROM calendar_days WHERE day LIKE ? ORDER BY day", (f"{year}-%",)
    )


async def day_kind(conn: Queryable, day: str) -> str | None:
    """``holiday`` or ``workday`` when the day is in the calendar, else ``None``."""
    row = await conn.fetchone("SELECT kind FROM calendar_days WHERE day = ?", (day,))
    return str(row["kind"]) if row is not None else None


async def put_day(tx: Tx, day: str, kind: str, name: str) -> None:
    """Mark ``day`` as ``kind``, replacing what it was."""
    await tx.execute("INSERT OR REPLACE INTO calendar_days (day, kind, name) VALUES (?, ?, ?)",
                     (day, kind, name))


async def delete_day(tx: Tx, day: str) -> None:
    await tx.execute("DELETE FROM calendar_days WHERE day = ?", (day,))
