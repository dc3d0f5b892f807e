"""Staff photos in the store: one re-encoded JPEG per staff member, found by its token."""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx


async def set_photo(tx: Tx, staff_id: int, token: str, image: bytes, at: str) -> None:
    """Keep ``image`` as the staff member's photo (replacing any earlier one)."""
    await tx.execute(
        """INSERT INTO staff_photos (staff_id, token, image, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (staff_id) DO UPDATE SET token = excluded.token, image = excluded.image,
                                                updated_at = excluded.updated_at""",
        (staff_id, token, image, at),
    )


async def delete_photo(tx: Tx, staff_id: int) -> bool:
    """Remove the staff member's photo; whether there was one."""
    cursor = await tx.execute("DELETE FROM staff_photos WHERE staff_id = ?", (staff_id,))
    return bool(cursor.rowcount)


async def photo_by_token(conn: Queryable, token: str) -> Any:
    """The photo named ``token`` (``image``), or ``None``."""
    return await conn.fetchone("SELECT image FROM staff_photos WHERE token = ?", (token,))


async def photo_count(conn: Queryable) -> int:
    """How many photos are kept."""
    row = await conn.fetchone("SELECT COUNT(*) AS n FROM staff_photos")
    return int(row["n"]) if row is not None else 0
