"""Personal data past its retention: blanked or removed where it is stored.

What is personal here (docs/privacy.md): a client's address and viewer key on
each question, the address and viewer key on each board submission, the voter of
each +1 and the supporter of each 同问 (a viewer key or a connection id), expired
staff sessions. The audit log and
the change log hold none of them, so nothing in the hash chain changes.
"""

from __future__ import annotations

from studio.store.database import Tx

PURGED_VOTER = "purged:"
"""The prefix of a voter once forgotten: ``purged:`` and the row's number, unique per question."""


async def purge(tx: Tx, cutoff: str, now: str) -> dict[str, int]:
    """Blank or remove personal data stored at or before ``cutoff``; counts by what was removed.

    Questions asked at or before the cutoff lose their address and viewer key;
    board submissions their address and viewer key; +1s their voter and 同问 their
    supporter (replaced by a unique ``purged:N`` so the count and the one-per-voter
    rule stay); staff sessions
    expired at ``now`` are deleted.
    """
    counts: dict[str, int] = {}
    cursor = await tx.execute(
        "UPDATE questions SET address = '', viewer_key = '' "
        "WHERE asked_at <= ? AND (address != '' OR viewer_key != '')", (cutoff,))
    counts["questions"] = cursor.rowcount
    cursor = await tx.execute(
        "UPDATE board_submissions SET address = '', viewer_key = '' "
        "WHERE submitted_at <= ? AND (address != '' OR viewer_key != '')", (cutoff,))
    counts["submissions"] = cursor.rowcount
    cursor = await tx.execute(
        "UPDATE votes SET voter = ? || rowid WHERE at <= ? AND voter NOT LIKE ? || '%'",
        (PURGED_VOTER, cutoff, PURGED_VOTER))
    counts["votes"] = cursor.rowcount
    cursor = await tx.execute(
        "UPDATE case_supports SET supporter = ? || rowid WHERE at <= ? AND supporter NOT LIKE ? || '%'",
        (PURGED_VOTER, cutoff, PURGED_VOTER))
    counts["supports"] = cursor.rowcount
    cursor = await tx.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
    counts["sessions"] = cursor.rowcount
    return counts
