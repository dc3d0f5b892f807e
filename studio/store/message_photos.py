"""Photos on messages in the store: one row per kept JPEG (its file is in the media folder), whose
message it belongs to and where it stands.

States: ``upload`` (sent, not yet attached to a message), ``visible`` (part of its message:
public once the message is), ``pending`` (added to an open case later, awaiting a moderator),
``hidden`` (a moderator hid it; the reason is in the audit log).
"""

from __future__ import annotations

import json
from typing import Any

from moderation.lifecycle import PUBLIC_STATUSES
from studio.store.database import Queryable, Tx

PHOTO_SELECT = """SELECT p.*, q.status AS question_status, q.event_id AS event_id,
    s.status AS submission_status, c.withdrawn_at AS case_withdrawn_at,
    COALESCE(p.case_id, s.case_id) AS owner_case_id
    FROM message_photos p
    LEFT JOIN questions q ON q.id = p.question_id
    LEFT JOIN board_submissions s ON s.id = p.submission_id
    LEFT JOIN cases c ON c.id = COALESCE(p.case_id, s.case_id)"""
PUBLIC_QUESTION = tuple(sorted(status.value for status in PUBLIC_STATUSES))


async def insert_upload(tx: Tx, *, token: str, width: int, height: int, size: int, at: str) -> int:
    """A kept upload not attached to any message yet; its id."""
    return await tx.insert(
        "INSERT INTO message_photos (token, state, width, height, bytes, uploaded_at) "
        "VALUES (?, 'upload', ?, ?, ?, ?)", (token, width, height, size, at))


async def attach(tx: Tx, tokens: list[str], *, state: str, at: str, question_id: int | None = None,
                 submission_id: int | None = None, case_id: int | None = None) -> int:
    """Attach the uploads named ``tokens`` (still unattached) to one message; how many were."""
    marks = ", ".join("?" * len(tokens))
    cursor = await tx.execute(
        f"UPDATE message_photos SET state = ?, question_id = ?, submission_id = ?, case_id = ?, "
        f"attached_at = ? WHERE state = 'upload' AND token IN ({marks})",
        (state, question_id, submission_id, case_id, at, *tokens))
    return int(cursor.rowcount)


async def photo_by_token(conn: Queryable, token: str) -> Any:
    """The photo named ``token`` with the state of its message, or ``None``."""
    return await conn.fetchone(PHOTO_SELECT + " WHERE p.token = ?", (token,))


def is_public(row: Any) -> bool:
    """Whether a photo row of :data:`PHOTO_SELECT` may be shown to anyone: visible, and its
    message public (a question in a public state; a submission's or added photo's case not
    withdrawn)."""
    if row["state"] != "visible":
        return False
    if row["question_id"] is not None:
        return bool(row["question_status"] in PUBLIC_QUESTION)
    if row["owner_case_id"] is None:
        return False
    return row["case_withdrawn_at"] is None and (
        row["submission_id"] is None or row["submission_status"] == "approved")


async def set_state(tx: Tx, photo_id: int, state: str, *, by: str, at: str,
                    reason: str | None = None) -> None:
    """A moderator's decision on one photo."""
    await tx.execute(
        "UPDATE message_photos SET state = ?, reason = ?, handled_by = ?, handled_at = ? WHERE id = ?",
        (state, reason, by, at, photo_id))


async def set_size(tx: Tx, photo_id: int, size: int, *, by: str, at: str) -> None:
    """The photo's file was rewritten (a region blurred)."""
    await tx.execute("UPDATE message_photos SET bytes = ?, handled_by = ?, handled_at = ? WHERE id = ?",
                     (size, by, at, photo_id))


async def question_photos(conn: Queryable, question_id: int) -> list[Any]:
    """A question's photos, in the order they were sent."""
    return await conn.fetchall(
        "SELECT token, state, width, height FROM message_photos WHERE question_id = ? ORDER BY id",
        (question_id,))


async def keep_question_photos(tx: Tx, question_id: int, photos: list[dict[str, Any]]) -> None:
    """The question's list of photos (JSON), which its frames carry."""
    await tx.execute("UPDATE questions SET photos = ? WHERE id = ?",
                     (json.dumps(photos, ensure_ascii=False), question_id))


async def link_submission_case(tx: Tx, submission_id: int, case_id: int) -> None:
    """An approved submission's photos belong to the case it opened too."""
    await tx.execute("UPDATE message_photos SET case_id = ? WHERE submission_id = ?",
                     (case_id, submission_id))


async def submission_photos(conn: Queryable, submission_ids: list[int]) -> list[Any]:
    """The photos of these submissions (``submission_id``, token, state, size), in order."""
    if not submission_ids:
        return []
    marks = ", ".join("?" * len(submission_ids))
    return await conn.fetchall(
        f"SELECT submission_id, token, state, width, height FROM message_photos "
        f"WHERE submission_id IN ({marks}) ORDER BY id", tuple(submission_ids))


async def case_photos(conn: Queryable, case_id: int, question_id: int | None) -> list[Any]:
    """A case's photos: sent with its submission or its question (with the question's
    ``event_id``), or added to it later."""
    return await conn.fetchall(
        "SELECT p.token, p.state, p.width, p.height, p.submission_id, p.question_id, q.event_id "
        "FROM message_photos p LEFT JOIN questions q ON q.id = p.question_id "
        "WHERE p.case_id = ? OR (? IS NOT NULL AND p.question_id = ?) ORDER BY p.id",
        (case_id, question_id, question_id))


async def count_for_case(conn: Queryable, case_id: int) -> int:
    """Photos a case has, whatever their state."""
    row = await conn.fetchone("SELECT COUNT(*) AS n FROM message_photos WHERE case_id = ?", (case_id,))
    return int(row["n"]) if row is not None else 0


async def added_pending(conn: Queryable) -> list[Any]:
    """Photos askers added to their open cases, waiting for a moderator, oldest first."""
    return await conn.fetchall(
        "SELECT p.token, p.width, p.height, p.case_id, p.attached_at, c.title AS case_title "
        "FROM message_photos p JOIN cases c ON c.id = p.case_id "
        "WHERE p.state = 'pending' ORDER BY p.id")


async def drop_unattached(tx: Tx, cutoff: str) -> list[str]:
    """Forget the rows of uploads never attached to a message, sent at or before ``cutoff``; their
    tokens (the caller removes the files once the transaction is committed)."""
    rows = await tx.fetchall(
        "DELETE FROM message_photos WHERE state = 'upload' AND uploaded_at <= ? RETURNING token", (cutoff,))
    return [row["token"] for row in rows]


async def delete_photos(tx: Tx, tokens: list[str]) -> int:
    """Forget the rows of these photos (their files are removed by the caller)."""
    if not tokens:
        return 0
    marks = ", ".join("?" * len(tokens))
    cursor = await tx.execute(f"DELETE FROM message_photos WHERE token IN ({marks})", tuple(tokens))
    return int(cursor.rowcount)


async def submission_tokens(conn: Queryable, submission_id: int) -> list[str]:
    """Tokens of a submission's photos."""
    rows = await conn.fetchall("SELECT token FROM message_photos WHERE submission_id = ?",
                               (submission_id,))
    return [row["token"] for row in rows]


async def question_tokens(conn: Queryable, question_id: int) -> list[str]:
    """Tokens of a question's photos."""
    rows = await conn.fetchall("SELECT token FROM message_photos WHERE question_id = ?",
                               (question_id,))
    return [row["token"] for row in rows]
