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
from studio.board.support import asker_actions, nudge_askers
from studio.clock import Clock
from studio.codes import new_rating_code, same_secret
from studio.desk import photos as message_photos
from studio.desk import reasons
from studio.desk.screener import Screener, screen_board_submission
from studio.errors import ApiError, invalid, whole_number
from studio.inputs import MAX_NICKNAME, clean_client_key, clean_text
from studio.notify import contacts, notices
from studio.photos import MAX_MESSAGE_PHOTOS
from studio.shapes import DEFAULT_NICKNAME, unit_ref
from studio.store import audit, cases, supports
from studio.store import message_photos as photo_rows
from studio.store import submissions as submission_rows
from studio.store.database import Database, Queryable, Tx

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
                 max_chars: int, address: str = "", viewer: str | None = None) -> tuple[dict[str, Any], bool]:
    """Store a pending submission; idempotent per ``client_key``. Returns (receipt, created).

    ``viewer`` (the viewer cookie's id, when the browser has one) is kept so that,
    merged into a case, the asker's voice and their own 同问 count once."""
    client_key = clean_client_key(body.get("client_key"))
    text = clean_text(body.get("text"), "text", max_chars)
    nickname = body.get("nickname") or ""
    if not isinstance(nickname, str) or len(nickname.strip()) > MAX_NICKNAME:
        raise invalid("nickname", f"昵称不能超过 {MAX_NICKNAME} 个字")
    contact = contacts.parse_contact(body.get("contact"))
    photo_tokens = message_photos.clean_tokens(body.get("photos"))
    flags = await screen_submission(screener, db, text, address)
    async with db.write() as tx:
        existing = await submission_rows.submission_by_client_key(tx, client_key)
        if existing is not None:
            return _receipt(existing), False
        unit_id = await resolve_unit(tx, body.get("unit"))
        moment = clock.now()
        now = moment.isoformat()
        tracking_code = secrets.token_urlsafe(12)
        try:
            submission_id = await submission_rows.insert_submission(
                tx, original_text=text, nickname=nickname.strip(), unit_id=unit_id,
                client_key=client_key, tracking_code=tracking_code,
                rating_code=new_rating_code(), address=address,
                flags=json.dumps(flags, ensure_ascii=False), submitted_at=now,
                viewer_key=viewer or "",
            )
        except sqlite3.IntegrityError:
            raise ApiError("conflict", "请重试") from None
        await message_photos.attach(tx, photo_tokens, now, submission_id=submission_id)
        await audit.record(tx, at=now, actor=nickname.strip() or DEFAULT_NICKNAME,
                           role=Role.AUDIENCE.value, action="board.submit", to_status="pending",
                           after_text=text, detail={"submission": submission_id,
                                                    "photos": len(photo_tokens)})
        left = await contacts.attach(tx, contact, tracking_code=tracking_code,
                                     track_path=f"/board/track/{tracking_code}",
                                     submission_id=submission_id, client=address, now=moment)
        row = await submission_rows.submission_row(tx, submission_id)
    receipt = _receipt(row)
    if left and contact is not None:
        receipt["contact"] = contacts.mask(contact.address)
    return receipt, True


def _receipt(row: Any) -> dict[str, Any]:
    return {"submission_id": row["id"], "tracking_code": row["tracking_code"],
            "rating_code": row["rating_code"]}


def status_of(row: Any) -> str:
    """A submission's status as shown: ``merged`` for one merged into a case (stored as approved)."""
    return "merged" if row["merged_at"] else str(row["status"])


def staff_submission(row: Any, photos: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A submission as moderators see it, with its ``photos`` when they were read."""
    return {
        "id": row["id"],
        "status": status_of(row),
        "text": row["public_text"] or row["original_text"],
        "original_text": row["original_text"],
        "flags": json.loads(row["flags"]),
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "submitted_at": row["submitted_at"],
        "reason": row["reason"],
        "case_id": row["case_id"],
        "retractable": row["status"] == "pending",
        "photos": photos or [],
    }


async def pending(conn: Queryable) -> list[dict[str, Any]]:
    """The moderation queue of direct submissions, oldest first; each with ``merge_candidates``:
    the open, public board cases its ``duplicate`` flags name, best first (``id``, ``title``,
    ``supports``), into which a moderator may merge it."""
    rows = await submission_rows.pending_rows(conn)
    photos = await message_photos.submission_photos(conn, [row["id"] for row in rows])
    queue = []
    for row in rows:
        item = staff_submission(row, photos.get(row["id"]))
        candidates: list[dict[str, Any]] = []
        for flag in item["flags"]:
            case_id = flag.get("question_id") if flag.get("kind") == "duplicate" else None
            case = await cases.case_row(conn, case_id) if isinstance(case_id, int) else None
            if (case is not None and case["kind"] == "case" and case["status"] == "open"
                    and not case["withdrawn_at"] and all(c["id"] != case["id"] for c in candidates)):
                candidates.append({"id": case["id"], "title": case["title"], "supports": case["supports"]})
        item["merge_candidates"] = candidates
        queue.append(item)
    return queue


async def decide(db: Database, clock: Clock, staff: Staff, submission_id: int, action: str,
                 body: dict[str, Any], *, max_chars: int) -> dict[str, Any]:
    """Approve (optionally with edited text, unit, hard), reject (with a reason) or merge a submission.

    Approving opens a board case with the public ``text`` (the moderator's
    edit, say with personal data redacted; the original text when absent):
    routed to the chosen unit, else the routing queue. The original stays
    staff-only, in the submission and in the audit log (before/after).
    Rejecting names a ``reason`` of the live desk's catalogue and an optional
    ``note`` (:func:`studio.desk.reasons.resolve_reason`); the asker's tracker
    shows its wording. Merging (``{"case": id}``) makes it a 同问 of an open
    board case instead of a new case (:func:`_merge`). Moderators and admins
    only; 409 when it was already handled.
    """
    if staff.role not in (Role.MODERATOR, Role.ADMIN):
        raise ApiError("forbidden", "只有审核员或管理员可以审核留言")
    if action not in ("approve", "reject", "merge"):
        raise ApiError("not_found", "未知操作")
    async with db.write() as tx:
        row = await submission_rows.submission_row(tx, submission_id)
        if row is None:
            raise ApiError("not_found", "没有这条留言")
        if row["status"] != "pending":
            raise ApiError("not_allowed", "这条留言已经审核过了", submission=staff_submission(row))
        now = clock.now()
        stamp = now.isoformat()
        if action == "merge":
            await _merge(tx, row, staff, body, stamp)
        elif action == "reject":
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
            await photo_rows.link_submission_case(tx, submission_id, case_id)
            await submission_rows.set_approved(tx, submission_id, public_text=public_text,
                                               case_id=case_id, hard=hard, by=staff.username,
                                               at=stamp)
            await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value,
                               action="board.approve", case_id=case_id, from_status="pending",
                               to_status="approved", before_text=row["original_text"],
                               after_text=public_text,
                               detail={"submission": submission_id, "unit": unit_id, "hard": hard,
                                       "edited": public_text != row["original_text"]})
            await notices.queue(tx, notices.SubmissionApproved(submission_id, case_id), stamp)
        row = await submission_rows.submission_row(tx, submission_id)
        photos = await message_photos.submission_photos(tx, [submission_id])
        return staff_submission(row, photos.get(submission_id))


async def _merge(tx: Tx, row: Any, staff: Staff, body: dict[str, Any], stamp: str) -> None:
    """Merge a pending submission into the open board case ``body["case"]`` (a near-duplicate).

    Nothing of the submission becomes public: the case gains the asker as a
    同问 (their viewer id when they had one, so their own +1 does not count
    twice) and a public timeline line; the asker's tracking code shows the case
    and their rating code rates it. 404 ``not_found`` for no such case, 409
    ``withdrawn`` for a case withdrawn for review, 409 ``not_allowed`` unless it
    is an open case. Audited as ``board.merge`` with the original text.
    """
    case_id = whole_number(body.get("case"), "case", "请选择要合并到的诉求件")
    case = await cases.case_row(tx, case_id)
    if case is None:
        raise ApiError("not_found", "没有这件诉求")
    if case["withdrawn_at"]:
        raise ApiError("withdrawn", "这件诉求已撤回复核，不能合并")
    if case["kind"] != "case" or case["status"] != "open":
        raise ApiError("not_allowed", "只能合并到办理中的诉求件")
    submission_id = row["id"]
    await submission_rows.set_merged(tx, submission_id, case_id=case_id, by=staff.username, at=stamp)
    await supports.add_support(tx, case_id, row["viewer_key"] or f"asker:submission:{submission_id}", stamp)
    count = await supports.supports_of(tx, case_id)
    await cases.add_timeline(tx, case_id, "merged", f"合并网友的相同留言，共 {count} 人同问", stamp)
    await nudge_askers(tx, case_id)
    await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value, action="board.merge",
                       case_id=case_id, from_status="pending", to_status="merged",
                       before_text=row["original_text"],
                       detail={"submission": submission_id, "case": case_id, "supports": count})


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
    """What the asker sees with their tracking code: status, the reason or the case (for a
    merged message, the case it was merged into), what they can do now (``actions``) and whether
    they may add photos to it (an open case with fewer than ``MAX_MESSAGE_PHOTOS``)."""
    row = await submission_rows.submission_by_tracking_code(conn, code)
    if row is None:
        return None
    photos: dict[str, Any] = {"can_add_photos": False, "photos_shown": 0, "photos_waiting": 0}
    case = None
    case_row = await cases.case_row(conn, row["case_id"]) if row["case_id"] is not None else None
    if case_row is not None and not case_row["withdrawn_at"]:
        case = {"id": case_row["id"], "kind": case_row["kind"], "status": case_row["status"],
                "stage": case_row["stage"], "due_at": case_row["due_at"],
                "unit": unit_ref(case_row["unit_id"], case_row["unit_name"]),
                "title": case_row["title"], "supports": case_row["supports"]}
        kept = await photo_rows.case_photos(conn, case_row["id"], case_row["question_id"])
        photos = {"can_add_photos": case_row["status"] == "open" and len(kept) < MAX_MESSAGE_PHOTOS,
                  "photos_shown": sum(1 for p in kept if p["state"] == "visible"),
                  "photos_waiting": sum(1 for p in kept if p["state"] == "pending")}
    return {**photos,
        "tracking_code": code,
        "status": status_of(row),
        "submitted_at": row["submitted_at"],
        "text_public": row["public_text"] if status_of(row) == "approved" else None,
        "reason": row["reason"] if row["status"] == "rejected" else None,
        "case_id": row["case_id"],
        "case": case,
        "actions": asker_actions(case, retractable=row["status"] == "pending"),
        "retractable": row["status"] == "pending",
    }
