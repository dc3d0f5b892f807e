"""Direct submissions (我要留言): netizens write to the board outside any event.

A submission waits in its own moderation queue (先审后发) with the same
screening as live questions; nothing of it is public until a moderator
approves it, which opens a board case (routed to a unit, or to the routing
queue). The asker keeps a tracking code and a rating code, as for questions.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any

from moderation.lifecycle import Role
from studio.accounts.directory import Staff, resolve_unit
from studio.board import records
from studio.board.life import Stage
from studio.clock import Clock
from studio.codes import new_rating_code, same_secret
from studio.desk import reasons
from studio.desk.screener import Screener, screen_board_submission
from studio.errors import ApiError, invalid
from studio.inputs import MAX_NICKNAME, clean_client_key, clean_text
from studio.shapes import DEFAULT_NICKNAME, unit_ref
from studio.store import audit, cases
from studio.store import submissions as submission_rows
from studio.store.database import Database, Queryable

MAX_REASON = reasons.MAX_NOTE
"""The longest note after a rejection reason of the catalogue (the live desk's)."""


RECENT_SUBMISSIONS = 5


async def screen_submission(screener: Screener, db: Database, text: str, address: str) -> list[dict[str, Any]]:
    """Screening flags for a direct submission, in the ``flags`` shape of docs/api.md.

    The same screening as live questions: personal data, the store's lexicon,
    spam (the address's latest submissions as the flood reference) and
    near-duplicates of the board's cases (``duplicate`` flags name the case id).
    """
    recent: list[str] = []
    if address:
        async with db.read() as conn:
            latest = await submission_rows.texts_from_address(conn, address, RECENT_SUBMISSIONS)
        recent = list(reversed(latest))
    screening = await screen_board_submission(screener, text, recent=recent,
                                              duplicates=await screener.board_duplicates())
    return screening.flags_json()


async def submit(db: Database, clock: Clock, screener: Screener, body: dict[str, Any], *,
                 max_chars: int, address: str = "") -> tuple[dict[str, Any], bool]:
    """Store a pending submission; idempotent per ``client_key``. Returns (receipt, created)."""
    client_key = clean_client_key(body.get("client_key"))
    text = clean_text(body.get("text"), "text", max_chars)
    nickname = body.get("nickname") or ""
    if not isinstance(nickname, str) or len(nickname.strip()) > MAX_NICKNAME:
        raise invalid("nickname", f"昵称不能超过 {MAX_NICKNAME} 个字")
    flags = await screen_submission(screener, db, text, address)
    async with db.write() as tx:
        existing = await submission_rows.submission_by_client_key(tx, client_key)
        if existing is not None:
            return _receipt(existing), False
        unit_id = await resolve_unit(tx, body.get("unit"))
        now = clock.stamp()
        try:
            submission_id = await submission_rows.insert_submission(
                tx, original_text=text, nickname=nickname.strip(), unit_id=unit_id,
                client_key=client_key, tracking_code=secrets.token_urlsafe(12),
                rating_code=new_rating_code(), address=address,
                flags=json.dumps(flags, ensure_ascii=False), submitted_at=now,
            )
        except sqlite3.IntegrityError:
            raise ApiError("conflict", "请重试") from None
        await audit.record(tx, at=now, actor=nickname.strip() or DEFAULT_NICKNAME,
                           role=Role.AUDIENCE.value, action="board.submit", to_status="pending",
                           after_text=text, detail={"submission": submission_id})
        row = await submission_rows.submission_row(tx, submission_id)
    return _receipt(row), True


def _receipt(row: Any) -> dict[str, Any]:
    return {"submission_id": row["id"], "tracking_code": row["tracking_code"],
            "rating_code": row["rating_code"]}


def staff_submission(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "status": row["status"],
        "text": row["public_text"] or row["original_text"],
        "original_text": row["original_text"],
        "flags": json.loads(row["flags"]),
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "submitted_at": row["submitted_at"],
        "reason": row["reason"],
        "case_id": row["case_id"],
        "retractable": row["status"] == "pending",
    }


async def pending(conn: Queryable) -> list[dict[str, Any]]:
    """The moderation queue of direct submissions, oldest first."""
    rows = await submission_rows.pending_rows(conn)
    return [staff_submission(row) for row in rows]


async def decide(db: Database, clock: Clock, staff: Staff, submission_id: int, action: str,
                 body: dict[str, Any], *, max_chars: int) -> dict[str, Any]:
    """Approve (optionally with edited text, unit, hard) or reject (with a reason) a submission.

    Approving opens a board case with the public ``text`` (the moderator's
    edit, say with personal data redacted; the original text when absent):
    routed to the chosen unit, else the routing queue. The original stays
    staff-only, in the submission and in the audit log (before/after).
    Rejecting names a ``reason`` of the live desk's catalogue and an optional
    ``note`` (:func:`studio.desk.reasons.resolve_reason`); the asker's tracker
    shows its wording. Moderators and admins only; 409 when it was already
    handled.
    """
    if staff.role not in (Role.MODERATOR, Role.ADMIN):
        raise ApiError("forbidden", "只有审核员或管理员可以审核留言")
    if action not in ("approve", "reject"):
        raise ApiError("not_found", "未知操作")
    async with db.write() as tx:
        row = await submission_rows.submission_row(tx, submission_id)
        if row is None:
            raise ApiError("not_found", "没有这条留言")
        if row["status"] != "pending":
            raise ApiError("not_allowed", "这条留言已经审核过了", submission=staff_submission(row))
        now = clock.now()
        stamp = now.isoformat()
        if action == "reject":
            code, wording, note = await reasons.resolve_reason(tx, body.get("reason"), body.get("note"))
            reason = reasons.public_wording(wording, note)
            await submission_rows.set_rejected(tx, submission_id, reason=reason,
                                               by=staff.username, at=stamp)
            await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value,
                               action="board.reject", from_status="pending", to_status="rejected",
                               before_text=row["original_text"],
                               detail={"submission": submission_id, "reason": reason,
                                       "reason_code": code})
        else:
            text = body.get("text")
            public_text = clean_text(text, "text", max_chars) if text else row["original_text"]
            unit_id = await resolve_unit(tx, body["unit"]) if "unit" in body else row["unit_id"]
            hard = body.get("hard", False)
            if not isinstance(hard, bool):
                raise invalid("hard", "hard 须为 true 或 false")
            case_id = await cases.insert_case(
                tx, kind="case", origin="direct", stage=Stage.ROUTING.value,
                title=records.title_of(public_text), text=public_text, nickname=row["nickname"],
                hard=hard, rating_code=row["rating_code"], created_at=stamp,
                submission_id=submission_id,
            )
            await cases.add_timeline(tx, case_id, "received", "网友在留言板留言", row["submitted_at"])
            await cases.add_timeline(tx, case_id, "screened", "审核通过，公开", stamp)
            if unit_id is not None:
                await records.route_case(tx, case_id, unit_id, hard, now, actor=staff.username)
            else:
                await cases.add_timeline(tx, case_id, "routing", "等待分派办理单位", stamp)
            await submission_rows.set_approved(tx, submission_id, public_text=public_text,
                                               case_id=case_id, hard=hard, by=staff.username,
                                               at=stamp)
            await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value,
                               action="board.approve", case_id=case_id, from_status="pending",
                               to_status="approved", before_text=row["original_text"],
                               after_text=public_text,
                               detail={"submission": submission_id, "unit": unit_id, "hard": hard,
                                       "edited": public_text != row["original_text"]})
        row = await submission_rows.submission_row(tx, submission_id)
        return staff_submission(row)


async def retract(db: Database, clock: Clock, code: str) -> dict[str, Any]:
    """The author retracts their message with its tracking code while it is pending (never
    reviewed): it leaves the queue and is never published; audited (actor: the nickname).
    404 ``not_found`` for an unknown code, 409 ``not_allowed`` once it was reviewed."""
    async with db.write() as tx:
        row = await submission_rows.submission_by_tracking_code(tx, code) if code.isascii() else None
        if row is None or not same_secret(row["tracking_code"], code):
            raise ApiError("not_found", "查询码无效")
        stamp = clock.stamp()
        if not await submission_rows.set_retracted(tx, row["id"], at=stamp):
            raise ApiError("not_allowed", "只有尚未审核的留言可以撤回")
        await audit.record(tx, at=stamp, actor=row["nickname"] or DEFAULT_NICKNAME, role=Role.AUDIENCE.value,
                           action="board.retract", from_status="pending", to_status="retracted",
                           detail={"submission": row["id"]})
    return {"submission_id": row["id"], "status": "retracted"}


async def track(conn: Queryable, code: str) -> dict[str, Any] | None:
    """What the asker sees with their tracking code: status, the reason or the case."""
    row = await submission_rows.submission_by_tracking_code(conn, code)
    if row is None:
        return None
    return {
        "tracking_code": code,
        "status": row["status"],
        "submitted_at": row["submitted_at"],
        "text_public": row["public_text"] if row["status"] == "approved" else None,
        "reason": row["reason"] if row["status"] == "rejected" else None,
        "case_id": row["case_id"],
        "retractable": row["status"] == "pending",
    }
