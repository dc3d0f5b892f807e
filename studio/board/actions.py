"""Acting on board cases: route, accept, reply, extend, send back (out of scope), rate.

Each action runs in one write transaction: :func:`studio.board.life.decide`
says whether it is allowed, the case row changes (through
:mod:`studio.store.cases`), the public timeline and the audit log get their
lines, and the live trackers of the case's askers are nudged to read it again. Staff lists (routing queue, a unit's cases, overdue cases) live here too.
"""

from __future__ import annotations

import json
from typing import Any

from moderation.lifecycle import Refusal, Role
from studio.accounts.directory import Staff, resolve_unit
from studio.board import records
from studio.board.life import (
    RATING_LABELS,
    CaseAction,
    Stage,
    after_rating,
    decide,
    extended,
    may_extend,
    parse_rating,
    public_status,
)
from studio.board.quality import add_quality
from studio.board.support import nudge_askers
from studio.clock import Clock
from studio.codes import same_secret
from studio.errors import ApiError, invalid
from studio.inputs import clean_text
from studio.notify import notices
from studio.store import audit, cases, supports
from studio.store.database import Database, Queryable

MAX_REPLY_CHARS = 10_000
MAX_REASON_CHARS = 500
MAX_COMMENT_CHARS = 500


async def _case_for(tx: Queryable, case_id: int) -> Any:
    row = await cases.case_row(tx, case_id)
    if row is None or row["kind"] != "case":
        raise ApiError("not_found", "没有这件诉求")
    if row["withdrawn_at"]:
        raise ApiError("not_allowed", "这件诉求已撤回复核，复核通过后才能继续办理")
    return row


async def _asker_of(tx: Queryable, case_id: int, code: str) -> dict[str, Any]:
    """Whose rating code ``code`` is (``{}``: the case's own; else the merged submission or
    question), every code compared in constant time; 403 ``bad_rating_code`` when none matches."""
    found: dict[str, Any] | None = None
    for asker in await supports.asker_codes(tx, case_id):
        if same_secret(asker["code"], code, ignore_case=True) and found is None:
            found = ({"merged_submission": asker["submission_id"]} if asker["submission_id"]
                     else {"merged_question": asker["question_id"]} if asker["question_id"] else {})
    if found is None:
        raise ApiError("bad_rating_code", "评价码不正确，请核对提问时获得的评价码", http_status=403)
    return found


async def act(db: Database, clock: Clock, staff: Staff, case_id: int, action: CaseAction,
              body: dict[str, Any]) -> dict[str, Any]:
    """Take a staff ``action`` on a case; returns the staff view of the case.

    403 ``forbidden`` for the wrong role or another unit's case, 409
    ``not_allowed`` for an action the case's stage does not allow, 400
    ``invalid`` for a missing unit, reply text or reason.
    """
    async with db.write() as tx:
        row = await _case_for(tx, case_id)
        stage = Stage(row["stage"])
        try:
            new_stage = decide(stage, action, staff.role, staff_unit=staff.unit_id,
                               case_unit=row["unit_id"])
        except Refusal as refusal:
            raise ApiError.from_refusal(refusal) from None
        now = clock.now()
        stamp = now.isoformat()
        unit_name = row["unit_name"] or ""
        detail: dict[str, Any] = {}
        after_text: str | None = None
        if action is CaseAction.ROUTE:
            unit_id = await resolve_unit(tx, body.get("unit"))
            if unit_id is None:
                raise invalid("unit", "请选择办理单位")
            hard = body.get("hard", bool(row["hard"]))
            if not isinstance(hard, bool):
                raise invalid("hard", "hard 须为 true 或 false")
            due = await records.route_case(tx, case_id, unit_id, hard, now, actor=staff.username)
            detail = {"unit": unit_id, "hard": hard, "due_at": due}
        elif action is CaseAction.ACCEPT:
            await cases.set_accepted(tx, case_id, new_stage.value, stamp)
            await cases.add_timeline(tx, case_id, "accepted",
                                     f"{unit_name}已接收，将于 {_day(row['due_at'])} 前答复", stamp)
            await notices.queue(tx, notices.CaseAccepted(case_id, row["due_at"]), stamp)
        elif action is CaseAction.REPLY:
            text = clean_text(body.get("text"), "text", MAX_REPLY_CHARS)
            after_text = text
            author = f"{staff.title} {staff.display_name}".strip() if staff.title else staff.display_name
            await cases.insert_reply(tx, case_id, unit_id=row["unit_id"], staff_id=staff.id,
                                     author=author, text=text, at=stamp, round=row["round"],
                                     due_at=row["due_at"])
            await cases.set_replied(tx, case_id, stage=new_stage.value,
                                    status=public_status(new_stage), at=stamp)
            note = "补充答复" if stage is Stage.REPLIED else "答复"
            await cases.add_timeline(tx, case_id, "replied", f"{unit_name}{note}", stamp)
            await notices.queue(tx, notices.CaseReplied(case_id), stamp)
        elif action is CaseAction.EXTEND:
            reason = clean_text(body.get("reason"), "reason", MAX_REASON_CHARS)
            has_extension = await cases.extension_row(tx, case_id)
            current = clock.parse(row["due_at"]) if row["due_at"] else None
            why_not = may_extend(current, now, has_extension is not None)
            if why_not is not None:
                raise ApiError("not_allowed", why_not)
            assert current is not None
            holidays, workdays = await records.calendar(tx)
            rules = await records.rules(tx)
            new_due = extended(current, rules, holidays, workdays).isoformat()
            await cases.insert_extension(tx, case_id, days=rules.extension_days, reason=reason,
                                         due_before=row["due_at"], due_after=new_due,
                                         actor=staff.username, at=stamp)
            await cases.set_due(tx, case_id, new_due)
            await cases.add_timeline(
                tx, case_id, "extended",
                f"{unit_name}申请延期 {rules.extension_days} 个工作日，办理时限延至 {_day(new_due)}。"
                f"延期理由：{reason}", stamp)
            detail = {"days": rules.extension_days, "due_before": row["due_at"], "due_after": new_due}
            after_text = reason
            await notices.queue(tx, notices.CaseExtended(case_id, new_due), stamp)
        elif action is CaseAction.OUT_OF_SCOPE:
            reason = clean_text(body.get("reason"), "reason", MAX_REASON_CHARS)
            after_text = reason
            await cases.set_returned(tx, case_id)
            await cases.insert_route(tx, case_id, kind="out_of_scope", from_unit_id=row["unit_id"],
                                     to_unit_id=None, reason=reason, actor=staff.username, at=stamp)
            await cases.add_timeline(tx, case_id, "returned",
                                     f"{unit_name}退回：不属于本单位职责范围。理由：{reason}", stamp)
            await cases.add_timeline(tx, case_id, "routing", "等待重新分派办理单位", stamp)
            detail = {"from_unit": row["unit_id"]}
        await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value,
                           action=f"case.{action.value}", case_id=case_id, from_status=stage.value,
                           to_status=new_stage.value, after_text=after_text, detail=detail)
        await nudge_askers(tx, case_id)
        return await staff_case(tx, case_id, stamp, quality=False)


def _day(value: str | None) -> str:
    return value[:10] if value else "-"


async def rate(db: Database, clock: Clock, case_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The asker rates the current reply round with their rating code.

    Any of the case's askers rates it with their own code: the case's, or that of
    a message merged into it (a board submission, or a live question merged into
    the case's question); each round is rated once, whoever rates it.

    403 ``bad_rating_code`` for a wrong code; 409 ``already_rated`` when this
    round is rated; 409 ``not_allowed`` before any reply. 不满意 on the first
    round reopens the case with a fresh deadline; the comment stays with staff.
    """
    code = body.get("code")
    if not isinstance(code, str) or not code.strip():
        raise invalid("code", "请填写评价码")
    try:
        rating = parse_rating(body.get("rating"))
    except ValueError:
        raise invalid("rating", "请选择 满意、基本满意 或 不满意") from None
    comment = body.get("comment") or ""
    if not isinstance(comment, str) or len(comment.strip()) > MAX_COMMENT_CHARS:
        raise invalid("comment", f"评价意见不能超过 {MAX_COMMENT_CHARS} 字")
    comment = comment.strip()
    async with db.write() as tx:
        row = await _case_for(tx, case_id)
        asker = await _asker_of(tx, case_id, code.strip())
        stage = Stage(row["stage"])
        if await cases.round_rated(tx, case_id, row["round"]) or stage is Stage.CLOSED:
            raise ApiError("already_rated", "本轮答复已经评价过了", http_status=409)
        if stage is not Stage.REPLIED:
            raise ApiError("not_allowed", "办理单位尚未答复，答复后才能评价")
        now = clock.now()
        stamp = now.isoformat()
        await cases.insert_rating(tx, case_id, round=row["round"], unit_id=row["unit_id"],
                                  rating=rating.value, comment=comment, at=stamp)
        label = RATING_LABELS[rating]
        await cases.add_timeline(tx, case_id, "rated", f"网友评价：{label}", stamp)
        new_stage = after_rating(rating, row["round"])
        if new_stage is Stage.REOPENED:
            due = (await records.deadline_from(tx, now, bool(row["hard"]))).isoformat()
            await cases.set_reopened(tx, case_id, due)
            await cases.add_timeline(
                tx, case_id, "reopened",
                f"网友不满意，重新交{row['unit_name'] or '办理单位'}办理，办理时限至 {_day(due)}", stamp)
            await notices.queue(tx, notices.CaseReopened(case_id, due), stamp)
        else:
            await cases.set_closed(tx, case_id)
        await audit.record(tx, at=stamp, actor="网友", role=Role.AUDIENCE.value, action="case.rate",
                           case_id=case_id, from_status=stage.value, to_status=new_stage.value,
                           after_text=comment or None,
                           detail={"rating": rating.value, "round": row["round"], **asker})
        await nudge_askers(tx, case_id)
        case = await records.get_case(tx, case_id, stamp)
        assert case is not None
        return case


async def staff_case(conn: Queryable, case_id: int, now: str, *, quality: bool = True) -> dict[str, Any]:
    """The public case plus what only staff see: rating comments, the routing history and each
    board reply's quality indicators (``quality``, :mod:`studio.board.quality`; left out when
    answering an action, so the writer is not held while they are computed)."""
    case = await records.get_case(conn, case_id, now)
    if case is None:
        raise ApiError("not_found", "没有这件诉求")
    by_round = {r["round"]: r["comment"] for r in await cases.rating_rows(conn, case_id)}
    for rating in case["ratings"]:
        rating["comment"] = by_round.get(rating["round"], "")
    case["routes"] = [dict(r) for r in await cases.route_rows(conn, case_id)]
    if quality:
        await add_quality(conn, case)
    return case


async def routing_queue(conn: Queryable, now: str) -> list[dict[str, Any]]:
    """Cases waiting for a unit (new, or sent back as out of scope), oldest first."""
    result = []
    for row in await cases.routing_rows(conn):
        case = records.case_summary(row, now)
        last = await cases.last_return(conn, row["id"])
        case["returned"] = None if last is None else {"unit": last["unit_name"], "reason": last["reason"]}
        result.append(case)
    return result


async def unit_cases(conn: Queryable, unit_id: int, now: str) -> dict[str, list[dict[str, Any]]]:
    """A unit's cases for its console: to accept, in hand, reopened, overdue, replied."""
    rows = await cases.unit_case_rows(conn, unit_id)
    groups: dict[str, list[dict[str, Any]]] = {
        "to_accept": [], "accepted": [], "reopened": [], "overdue": [], "replied": [],
    }
    for row in rows:
        case = records.case_summary(row, now)
        if case["overdue"]:
            groups["overdue"].append(case)
        if row["stage"] == Stage.ASSIGNED.value:
            groups["to_accept"].append(case)
        elif row["stage"] == Stage.ACCEPTED.value:
            groups["accepted"].append(case)
        elif row["stage"] == Stage.REOPENED.value:
            groups["reopened"].append(case)
        else:
            groups["replied"].append(case)
    extended_ids = await cases.extended_case_ids(conn)
    for listed in groups.values():
        for case in listed:
            case["extended"] = case["id"] in extended_ids
    return groups


async def overdue_cases(conn: Queryable, now: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Open cases past their deadline, the most overdue first (optionally of one unit)."""
    rows = await cases.overdue_rows(conn, now, unit_id)
    return [records.case_summary(row, now) for row in rows]


async def audit_entries(conn: Queryable, case_id: int) -> list[dict[str, Any]]:
    """Every audited action on a case, in order (admins only), with the text before and after
    (an approved submission's original and its public text) and the entry's detail (a hidden
    photo's reason, a blurred region)."""
    rows = await audit.case_rows(conn, case_id)
    return [
        {"at": r["at"], "actor": r["actor"], "role": r["role"], "action": r["action"],
         "from_status": r["from_status"], "to_status": r["to_status"],
         "before_text": r["before_text"], "after_text": r["after_text"],
         "detail": json.loads(r["detail"] or "{}")}
        for r in rows
    ]
