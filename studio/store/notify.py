"""Notifications' rows: askers' contacts and their one-time codes, the outbox, units' e-mail.

The outbox (``notifications``) is written in the transaction of the action it
reports; the deliverer claims due rows with a lease (so two processes never
send one row at once), then marks each sent, retried later, or dead.
"""

from __future__ import annotations

from typing import Any

from studio.store.database import Queryable, Tx

CONTACT_COLUMNS = ("id, tracking_code, track_path, question_id, submission_id, channel, address, "
                   "code_hash, code_expires_at, attempts, verified_at, created_at, purged_at")
NOTIFICATION_COLUMNS = ("id, kind, channel, recipient, contact_id, unit_id, subject, body, link_path, "
                        "status, attempts, next_at, last_error, created_at, sent_at")


async def insert_contact(tx: Tx, *, tracking_code: str, track_path: str, question_id: int | None,
                         submission_id: int | None, channel: str, address: str, client: str,
                         created_at: str) -> int:
    """A new, unverified contact for the question or submission of ``tracking_code``; its id."""
    return await tx.insert(
        "INSERT INTO contacts (tracking_code, track_path, question_id, submission_id, channel, address, "
        "client, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (tracking_code, track_path, question_id, submission_id, channel, address, client, created_at))


async def contact_by_tracking_code(conn: Queryable, tracking_code: str) -> Any:
    """The contact left with the question or submission of ``tracking_code``, or ``None``."""
    return await conn.fetchone(f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE tracking_code = ?",
                               (tracking_code,))


async def set_code(tx: Tx, contact_id: int, code_hash: str, expires_at: str) -> None:
    """A fresh one-time code (its hash) with its expiry; the wrong attempts start again."""
    await tx.execute("UPDATE contacts SET code_hash = ?, code_expires_at = ?, attempts = 0 WHERE id = ?",
                     (code_hash, expires_at, contact_id))


async def add_attempt(tx: Tx, contact_id: int) -> None:
    await tx.execute("UPDATE contacts SET attempts = attempts + 1 WHERE id = ?", (contact_id,))


async def set_verified(tx: Tx, contact_id: int, at: str) -> None:
    """Verified: the code is spent."""
    await tx.execute("UPDATE contacts SET verified_at = ?, code_hash = '', code_expires_at = '' WHERE id = ?",
                     (at, contact_id))


async def codes_sent_to(conn: Queryable, address: str, since: str) -> int:
    """Verification codes queued for ``address`` since ``since``."""
    row = await conn.fetchone(
        "SELECT COUNT(*) FROM notifications WHERE kind = 'verify' AND recipient = ? AND created_at >= ?",
        (address, since))
    return int(row[0])


async def codes_sent_for(conn: Queryable, client: str, since: str) -> int:
    """Verification codes queued for contacts left from ``client`` (a client address) since ``since``."""
    row = await conn.fetchone(
        "SELECT COUNT(*) FROM notifications n JOIN contacts c ON c.id = n.contact_id "
        "WHERE n.kind = 'verify' AND c.client = ? AND n.created_at >= ?", (client, since))
    return int(row[0])


async def verified_for_question(conn: Queryable, question_id: int) -> Any:
    """The verified, not yet purged contact of a live question, or ``None``."""
    return await conn.fetchone(
        f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE question_id = ? AND verified_at IS NOT NULL "
        "AND purged_at IS NULL", (question_id,))


async def verified_for_submission(conn: Queryable, submission_id: int) -> Any:
    """The verified, not yet purged contact of a board submission, or ``None``."""
    return await conn.fetchone(
        f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE submission_id = ? AND verified_at IS NOT NULL "
        "AND purged_at IS NULL", (submission_id,))


async def verified_for_case(conn: Queryable, case_id: int) -> list[Any]:
    """The verified, not yet purged contacts of a case's askers: the asker of its question or
    submission, and of every board submission merged into it (合并同问), oldest first."""
    return await conn.fetchall(
        f"SELECT {', '.join('c.' + c.strip() for c in CONTACT_COLUMNS.split(','))} "
        "FROM cases k JOIN contacts c ON (c.question_id = k.question_id OR c.submission_id = k.submission_id "
        "  OR c.submission_id IN (SELECT s.id FROM board_submissions s WHERE s.case_id = k.id "
        "                          AND s.merged_at IS NOT NULL)) "
        "WHERE k.id = ? AND c.verified_at IS NOT NULL AND c.purged_at IS NULL ORDER BY c.id", (case_id,))


async def insert_notification(tx: Tx, *, kind: str, channel: str, recipient: str, subject: str,
                              body: str, link_path: str, at: str, contact_id: int | None = None,
                              unit_id: int | None = None) -> int:
    """Queue a message, due now; its id."""
    return await tx.insert(
        "INSERT INTO notifications (kind, channel, recipient, contact_id, unit_id, subject, body, "
        "link_path, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (kind, channel, recipient, contact_id, unit_id, subject, body, link_path, at, at))


async def claim_due(tx: Tx, now: str, lease_until: str, limit: int) -> list[Any]:
    """Pending messages due at ``now`` and not leased, oldest first, leased until ``lease_until``."""
    rows = await tx.fetchall(
        "SELECT id FROM notifications WHERE status = 'pending' AND next_at <= ? AND lease_until <= ? "
        "ORDER BY next_at, id LIMIT ?", (now, now, limit))
    claimed = []
    for row in rows:
        found = await tx.fetchone(
            f"UPDATE notifications SET lease_until = ? WHERE id = ? RETURNING {NOTIFICATION_COLUMNS}",
            (lease_until, row["id"]))
        claimed.append(found)
    return claimed


async def mark_sent(tx: Tx, notification_id: int, at: str) -> None:
    await tx.execute(
        "UPDATE notifications SET status = 'sent', sent_at = ?, attempts = attempts + 1, lease_until = '', "
        "last_error = '' WHERE id = ?", (at, notification_id))


async def mark_failed(tx: Tx, notification_id: int, *, error: str, next_at: str, dead: bool) -> None:
    """One more failed attempt: due again at ``next_at``, or dead (the dead-letter list)."""
    await tx.execute(
        "UPDATE notifications SET attempts = attempts + 1, last_error = ?, next_at = ?, lease_until = '', "
        "status = ? WHERE id = ?", (error[:500], next_at, "dead" if dead else "pending", notification_id))


async def retry(tx: Tx, notification_id: int, now: str) -> bool:
    """A dead message back in the outbox, due now, its attempts counted afresh; false unless dead."""
    cursor = await tx.execute(
        "UPDATE notifications SET status = 'pending', attempts = 0, next_at = ?, lease_until = '' "
        "WHERE id = ? AND status = 'dead'", (now, notification_id))
    return cursor.rowcount == 1


async def notification_rows(conn: Queryable, status: str | None, limit: int) -> list[Any]:
    """The latest messages, newest first (of one status when given)."""
    if status:
        return await conn.fetchall(
            f"SELECT {NOTIFICATION_COLUMNS} FROM notifications WHERE status = ? ORDER BY id DESC LIMIT ?",
            (status, limit))
    return await conn.fetchall(
        f"SELECT {NOTIFICATION_COLUMNS} FROM notifications ORDER BY id DESC LIMIT ?", (limit,))


async def notification_counts(conn: Queryable) -> dict[str, int]:
    """Messages by status."""
    rows = await conn.fetchall("SELECT status, COUNT(*) FROM notifications GROUP BY status")
    return {row[0]: int(row[1]) for row in rows}


async def units_with_email(conn: Queryable) -> list[Any]:
    """Units that gave an e-mail address for their digest, as ``(id, name, email)``."""
    return await conn.fetchall("SELECT id, name, email FROM units WHERE email != '' ORDER BY id")


async def set_unit_email(tx: Tx, unit_id: int, email: str) -> bool:
    """The unit's digest address ('' for none); false when there is no such unit."""
    cursor = await tx.execute("UPDATE units SET email = ? WHERE id = ?", (email, unit_id))
    return cursor.rowcount == 1


async def unit_email(conn: Queryable, unit_id: int) -> str:
    row = await conn.fetchone("SELECT email FROM units WHERE id = ?", (unit_id,))
    return str(row[0]) if row else ""


async def digest_queued_since(conn: Queryable, unit_id: int, since: str) -> bool:
    """Whether the unit's digest was queued at or after ``since``."""
    row = await conn.fetchone(
        "SELECT 1 FROM notifications WHERE kind = 'digest' AND unit_id = ? AND created_at >= ? LIMIT 1",
        (unit_id, since))
    return row is not None


async def due_case_rows(conn: Queryable, unit_id: int, until: str) -> list[Any]:
    """A unit's open cases due at or before ``until`` (overdue ones included), soonest first."""
    return await conn.fetchall(
        "SELECT id, title, stage, due_at FROM cases WHERE unit_id = ? AND kind = 'case' "
        "AND stage IN ('assigned', 'accepted', 'reopened') AND due_at IS NOT NULL AND due_at <= ? "
        "AND withdrawn_at IS NULL ORDER BY due_at, id", (unit_id, until))
