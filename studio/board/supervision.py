"""Supervision (督办): the supervisor's console, urging notices to a unit, follow-up calls and meetings.

A supervisor (督查考评, :attr:`Role.SUPERVISOR`) or an admin sees every unit's
overdue and 不满意 cases, urges the case's unit with a notice (the unit reads
its text on its console until it replies; the public timeline says only
"已督办", with the date and the count) and records follow-up calls (电话督办)
and meetings (约谈) with their outcomes, which stay with staff. Every write is
audited. The weekly report is :mod:`studio.board.supervision_report`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from moderation.lifecycle import Role
from studio.accounts.directory import Staff
from studio.board import records
from studio.board.life import Stage
from studio.clock import Clock
from studio.errors import ApiError, invalid, number_text
from studio.inputs import clean_text
from studio.labels import FOLLOW_UP, SUPERVISION_KIND
from studio.notify import notices
from studio.shapes import unit_ref
from studio.store import audit, cases
from studio.store import supervision as rows
from studio.store.database import Database, Queryable

SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
"""Who supervises: the supervision group's accounts, and admins."""
MAX_URGING_CHARS = 1000
MAX_OUTCOME_CHARS = 1000


def check_supervisor(staff: Staff) -> None:
    """403 ``not_supervisor`` unless ``staff`` is a supervisor or an admin."""
    if staff.role not in SUPERVISORS:
        raise ApiError("not_supervisor", "只有督查考评人员可以督办")


def lateness(due_at: str | None, now: datetime) -> dict[str, Any] | None:
    """How late an open case is: whole hours past its deadline and the words for it ("超期 2 天 3 小时");
    ``None`` when it is not past its deadline."""
    if not due_at:
        return None
    seconds = (now - datetime.fromisoformat(due_at)).total_seconds()
    if seconds <= 0:
        return None
    hours = int(seconds // 3600)
    days, rest = divmod(hours, 24)
    words = f"超期 {days} 天 {rest} 小时" if days else f"超期 {rest} 小时"
    return {"hours": hours, "text": words if hours else "超期不足 1 小时"}


def parse_filter(unit: str | None, kind: str | None) -> tuple[int | None, str | None]:
    """The console's filter from query text: a unit id (or none) and ``overdue`` / ``unsatisfied`` (or
    none); 400 ``invalid`` for anything else."""
    unit_id = None
    if unit:
        unit_id = number_text(unit)
        if unit_id is None:
            raise invalid("unit", "unit 须为单位编号")
    if kind and kind not in SUPERVISION_KIND:
        raise invalid("kind", "kind 须为 overdue 或 unsatisfied")
    return unit_id, kind or None


async def console(conn: Queryable, now: datetime, unit_id: int | None = None,
                  kind: str | None = None) -> dict[str, Any]:
    """Every unit's overdue and 不满意 cases (optionally one unit's, one kind), the most overdue first.

    Each case carries ``kinds`` (why it is listed), ``late`` (:func:`lateness`), ``unsatisfied``
    (its 不满意 ratings), ``urgings`` (how many), ``last_urged_at``, ``waiting`` (the latest urging
    has had no reply from the unit yet), ``followups`` (how many), and ``can_urge`` with the reason
    when not. ``counts`` are per kind before the kind filter.
    """
    stamp = now.isoformat()
    urged = await rows.urging_summaries(conn)
    followups = await rows.followup_counts(conn)
    listed: list[dict[str, Any]] = []
    counts = dict.fromkeys(SUPERVISION_KIND, 0)
    for row in await rows.console_rows(conn, stamp):
        if unit_id is not None and row["unit_id"] != unit_id:
            continue
        case = records.case_summary(row, stamp)
        kinds = [name for name, present in (("overdue", case["overdue"]),
                                            ("unsatisfied", row["unsatisfied"] > 0)) if present]
        for name in kinds:
            counts[name] += 1
        if kind is not None and kind not in kinds:
            continue
        summary = urged.get(row["id"])
        refusal = urging_refusal(row)
        case.update(
            kinds=kinds,
            late=lateness(row["due_at"], now) if case["overdue"] else None,
            unsatisfied=row["unsatisfied"],
            urgings=summary["urgings"] if summary else 0,
            last_urged_at=summary["last_at"] if summary else None,
            waiting=summary is not None and summary["last_replied_at"] is None,
            followups=followups.get(row["id"], 0),
            can_urge=refusal is None,
            cannot_urge=refusal.message if refusal is not None else None,
        )
        listed.append(case)
    return {"cases": listed, "counts": counts, "unit": unit_id, "kind": kind,
            "generated_at": stamp}


def urging_refusal(row: Any) -> ApiError | None:
    """Why a case cannot be urged, or ``None``: withdrawn for review (409 ``case_withdrawn``), closed
    (409 ``case_closed``), waiting for a unit (409 ``no_unit``), or replied and waiting for the asker's
    rating (409 ``case_replied``)."""
    if row["withdrawn_at"]:
        return ApiError("case_withdrawn", "这件诉求已撤回复核，不能督办")
    stage = Stage(row["stage"])
    if stage is Stage.CLOSED:
        return ApiError("case_closed", "这件诉求已办结，不能督办")
    if stage is Stage.ROUTING or row["unit_id"] is None:
        return ApiError("no_unit", "这件诉求尚未分派办理单位，不能督办")
    if stage is Stage.REPLIED:
        return ApiError("case_replied", "办理单位已答复，正等待网友评价，不需督办")
    return None


async def _case(conn: Queryable, case_id: int) -> Any:
    row = await cases.case_row(conn, case_id)
    if row is None or row["kind"] != "case":
        raise ApiError("not_found", "没有这件诉求")
    return row


async def urge(db: Database, clock: Clock, staff: Staff, case_id: int,
               body: dict[str, Any]) -> dict[str, Any]:
    """Send the case's unit an urging notice (督办) with ``text``; returns the case's supervision record.

    Supervisors and admins only (403 ``not_supervisor``); 400 ``invalid`` without text; refused as
    :func:`urging_refusal` says. Urging again is allowed and counted: the public timeline gets
    "督查考评组向…发出督办通知（第 N 次）" (not the text, which only staff and the unit read) and the
    audit log the text.
    """
    check_supervisor(staff)
    text = clean_text(body.get("text"), "text", MAX_URGING_CHARS)
    async with db.write() as tx:
        row = await _case(tx, case_id)
        refusal = urging_refusal(row)
        if refusal is not None:
            raise refusal
        stamp = clock.stamp()
        await rows.insert_urging(tx, case_id, unit_id=row["unit_id"], text=text,
                                 actor=staff.username, at=stamp)
        count = await rows.urging_count(tx, case_id)
        await cases.add_timeline(
            tx, case_id, "urged",
            f"督查考评组向{row['unit_name']}发出督办通知（第 {count} 次），请尽快办理答复", stamp)
        await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value,
                           action="case.urge", case_id=case_id, from_status=row["stage"],
                           to_status=row["stage"], after_text=text,
                           detail={"unit": row["unit_id"], "count": count})
        await notices.queue_for_unit(
            tx, row["unit_id"], kind="urged", subject=f"督办通知：第 {case_id} 号诉求（第 {count} 次）",
            body=f"督查考评组就第 {case_id} 号诉求「{row['title']}」向{row['unit_name']}发出第 {count} 次督办通知：\n\n"
                 f"{text}\n\n请尽快办理答复。",
            link_path=f"/board/cases/{case_id}", at=stamp)
        return await record(tx, case_id)


async def follow_up(db: Database, clock: Clock, staff: Staff, case_id: int,
                    body: dict[str, Any]) -> dict[str, Any]:
    """Record a follow-up (``kind``: ``call`` 电话督办 or ``meeting`` 约谈) and its ``outcome`` on a case;
    staff-only, audited; returns the case's supervision record.

    Supervisors and admins only (403 ``not_supervisor``); any case, closed ones too (a 不满意 case
    is followed up after it closes), except one withdrawn for review (409 ``case_withdrawn``).
    """
    check_supervisor(staff)
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in FOLLOW_UP:
        raise invalid("kind", "kind 须为 call（电话督办）或 meeting（约谈）")
    outcome = clean_text(body.get("outcome"), "outcome", MAX_OUTCOME_CHARS)
    async with db.write() as tx:
        row = await _case(tx, case_id)
        if row["withdrawn_at"]:
            raise ApiError("case_withdrawn", "这件诉求已撤回复核，暂不能记录督办跟进")
        stamp = clock.stamp()
        await rows.insert_followup(tx, case_id, unit_id=row["unit_id"], kind=str(kind),
                                   outcome=outcome, actor=staff.username, at=stamp)
        await audit.record(tx, at=stamp, actor=staff.username, role=staff.role.value,
                           action="case.follow_up", case_id=case_id, after_text=outcome,
                           detail={"unit": row["unit_id"], "kind": kind})
        return await record(tx, case_id)


async def record(conn: Queryable, case_id: int) -> dict[str, Any]:
    """A case's supervision record for staff: its urgings (with the text and the unit's first reply
    after each) and its follow-ups, in order; 404 ``not_found`` for no case."""
    await _case(conn, case_id)
    urgings = [
        {"id": r["id"], "unit": unit_ref(r["unit_id"], r["unit_name"]), "text": r["text"],
         "actor": r["actor"], "at": r["at"], "replied_at": r["replied_at"]}
        for r in await rows.urging_rows(conn, case_id)
    ]
    followups = [
        {"id": r["id"], "unit": unit_ref(r["unit_id"], r["unit_name"]), "kind": r["kind"],
         "label": FOLLOW_UP[r["kind"]], "outcome": r["outcome"], "actor": r["actor"], "at": r["at"]}
        for r in await rows.followup_rows(conn, case_id)
    ]
    return {"case_id": case_id, "urgings": urgings, "followups": followups}


async def waiting_for_unit(conn: Queryable, unit_id: int) -> list[dict[str, Any]]:
    """The unit's urged cases it has not replied to since the latest urging, oldest urging first:
    what its console shows at the top until it replies."""
    return [
        {"case_id": r["case_id"], "title": r["title"], "text": r["text"], "at": r["at"],
         "urgings": r["urgings"], "due_at": r["due_at"], "status": r["status"]}
        for r in await rows.waiting_urgings(conn, unit_id)
    ]
