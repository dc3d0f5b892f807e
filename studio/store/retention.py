"""Personal data past its retention: blanked or removed where it is stored.

What is personal here (docs/privacy.md): a client's address and viewer key on
each question, the address and viewer key on each board submission, the voter of
each +1 and the supporter of each 同问 (a viewer key or a connection id), expired
staff sessions, and an asker's contact (a phone number or e-mail address left for
notifications) with the recipient of its messages. The audit log and
the change log hold none of them, so nothing in the hash chain changes.
"""

from __future__ import annotations

from studio.store.database import Tx

PURGED_VOTER = "purged:"
"""The prefix of a voter once forgotten: ``purged:`` and the row's number, unique per question."""


async def purge(tx: Tx, cutoff: str, now: str, contact_cutoff: str | None = None) -> dict[str, int]:
    """Blank or remove personal data stored at or before ``cutoff``; counts by what was removed.

    Questions asked at or before the cutoff lose their address and viewer key;
    board submissions their address and viewer key; +1s their voter and 同问 their
    supporter (replaced by a unique ``purged:N`` so the count and the one-per-voter
    rule stay); staff sessions expired at ``now`` are deleted. With ``contact_cutoff``,
    contacts are blanked (:func:`purge_contacts`).
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
    await tx.execute("UPDATE contacts SET client = '' WHERE created_at <= ? AND client != ''", (cutoff,))
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
    if contact_cutoff is not None:
        counts["contacts"] = await purge_contacts(tx, contact_cutoff, now)
    return counts


async def purge_contacts(tx: Tx, cutoff: str, now: str) -> int:
    """Blank the contacts whose case was replied or closed and has had no timeline line since
    ``cutoff``, and those of no case left at or before ``cutoff``; the recipient of their
    messages is blanked too (a message still pending is dropped: it is marked dead)."""
    cursor = await tx.execute(
        "UPDATE contacts SET address = '', code_hash = '', client = '', purged_at = ? WHERE purged_at IS NULL AND id IN ("
        " SELECT c.id FROM contacts c"
        " LEFT JOIN questions q ON q.id = c.question_id"
        " LEFT JOIN board_submissions s ON s.id = c.submission_id"
        " LEFT JOIN cases k ON k.id = COALESCE(q.case_id, s.case_id)"
        " WHERE (k.id IS NULL AND c.created_at <= ?)"
        " OR (k.stage IN ('replied', 'closed')"
        "     AND (SELECT MAX(at) FROM case_timeline t WHERE t.case_id = k.id) <= ?))",
        (now, cutoff, cutoff))
    count = cursor.rowcount
    await tx.execute(
        "UPDATE notifications SET recipient = '', status = CASE status WHEN 'pending' THEN 'dead' "
        "ELSE status END WHERE recipient != '' AND contact_id IN "
        "(SELECT id FROM contacts WHERE purged_at IS NOT NULL)")
    return count
