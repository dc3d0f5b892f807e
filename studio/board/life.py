"""The life of a board case: stages, actions, who may take them. Pure, no I/O.

The store asks :func:`decide` before every change to a case, as the live
studio asks ``moderation.lifecycle.decide`` before every change to a question::

    routing ──route──▶ assigned ──accept──▶ accepted ──reply──▶ replied ──rate──▶ closed
       ▲                  │                    │  ▲ extend         │ ▲ reply      │
       └──out_of_scope────┴────────────────────┘                 │ (补充答复)   │
                                                reopened ◀──rate 不满意──┘
                                                   │  ▲ extend
                                                   └──reply──▶ replied

``cases.status`` stays the coarse public state: ``replied`` for the stages
``replied`` and ``closed``, ``open`` for the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from moderation.lifecycle import Refusal, Role
from studio import labels
from studio.board.workdays import add_working_days, due_at


class Stage(StrEnum):
    ROUTING = "routing"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    REPLIED = "replied"
    REOPENED = "reopened"
    CLOSED = "closed"


class CaseAction(StrEnum):
    ROUTE = "route"
    ACCEPT = "accept"
    REPLY = "reply"
    EXTEND = "extend"
    OUT_OF_SCOPE = "out_of_scope"
    RATE = "rate"


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


RATING_LABELS = {rating: labels.RATING[rating.value] for rating in Rating}

OPEN_STAGES = frozenset({Stage.ROUTING, Stage.ASSIGNED, Stage.ACCEPTED, Stage.REOPENED})
"""Stages in which the case waits for its unit (public status ``open``)."""

MAX_ROUNDS = 2
"""不满意 on the first reply round reopens the case once; on the last round it closes it."""

TRANSITIONS: dict[tuple[Stage, CaseAction], Stage] = {
    (Stage.ROUTING, CaseAction.ROUTE): Stage.ASSIGNED,
    (Stage.ASSIGNED, CaseAction.ACCEPT): Stage.ACCEPTED,
    (Stage.ASSIGNED, CaseAction.OUT_OF_SCOPE): Stage.ROUTING,
    (Stage.ACCEPTED, CaseAction.OUT_OF_SCOPE): Stage.ROUTING,
    (Stage.ACCEPTED, CaseAction.REPLY): Stage.REPLIED,
    (Stage.REOPENED, CaseAction.REPLY): Stage.REPLIED,
    (Stage.REPLIED, CaseAction.REPLY): Stage.REPLIED,
    (Stage.ACCEPTED, CaseAction.EXTEND): Stage.ACCEPTED,
    (Stage.REOPENED, CaseAction.EXTEND): Stage.REOPENED,
    (Stage.REPLIED, CaseAction.RATE): Stage.CLOSED,
}
"""Every allowed (stage, action) pair; a rating's real outcome is :func:`after_rating`."""

ROLES: dict[CaseAction, frozenset[Role]] = {
    CaseAction.ROUTE: frozenset({Role.MODERATOR, Role.ADMIN}),
    CaseAction.ACCEPT: frozenset({Role.OFFICIAL, Role.ADMIN}),
    CaseAction.REPLY: frozenset({Role.OFFICIAL, Role.ADMIN}),
    CaseAction.EXTEND: frozenset({Role.OFFICIAL, Role.ADMIN}),
    CaseAction.OUT_OF_SCOPE: frozenset({Role.OFFICIAL, Role.ADMIN}),
    CaseAction.RATE: frozenset({Role.AUDIENCE}),
}
"""Which roles may take each action; officials only on cases of their own unit."""


def public_status(stage: Stage) -> str:
    """The coarse public state kept in ``cases.status``."""
    return "open" if stage in OPEN_STAGES else "replied"


def decide(stage: Stage, action: CaseAction, role: Role, *, staff_unit: int | None,
           case_unit: int | None) -> Stage:
    """The stage after ``action``, or :class:`Refusal` (``forbidden`` who, ``not_allowed`` what).

    Policy: the role must be allowed the action; an official acts only on a
    case routed to their own unit; the (stage, action) pair must be in
    :data:`TRANSITIONS`. Admins may do what officials and moderators do.
    """
    if role not in ROLES[action]:
        raise Refusal("forbidden", "没有权限执行此操作")
    if role is Role.OFFICIAL and (case_unit is None or staff_unit != case_unit):
        raise Refusal("forbidden", "只能办理本单位的诉求件")
    new_stage = TRANSITIONS.get((stage, action))
    if new_stage is None:
        raise Refusal("not_allowed", f"诉求件处于“{STAGE_LABELS[stage]}”，不能{ACTION_LABELS[action]}")
    return new_stage


def after_rating(rating: Rating, round_: int) -> Stage:
    """不满意 reopens the case for another reply round unless this was the last round."""
    if rating is Rating.UNSATISFIED and round_ < MAX_ROUNDS:
        return Stage.REOPENED
    return Stage.CLOSED


def parse_rating(value: object) -> Rating:
    """A rating given as its code (``satisfied``…) or its label (满意…); ValueError otherwise."""
    if isinstance(value, str):
        text = value.strip()
        for rating, label in RATING_LABELS.items():
            if text in (rating.value, label):
                return rating
    raise ValueError("rating must be 满意, 基本满意 or 不满意")


@dataclass(frozen=True, slots=True)
class Rules:
    """Deadline rules: working days for ordinary and hard cases, and for the one extension."""

    ordinary_days: int = 3
    hard_days: int = 5
    extension_days: int = 5

    def days(self, hard: bool) -> int:
        return self.hard_days if hard else self.ordinary_days


def deadline(start: datetime, hard: bool, rules: Rules, holidays: frozenset[date],
             workdays: frozenset[date]) -> datetime:
    """A round's deadline: the end of the N-th working day after ``start`` (routing or reopening)."""
    return due_at(start, rules.days(hard), holidays, workdays)


def extended(current_due: datetime, rules: Rules, holidays: frozenset[date],
             workdays: frozenset[date]) -> datetime:
    """The deadline after the extension: ``extension_days`` more working days after the current one."""
    day = add_working_days(current_due.date(), rules.extension_days, holidays, workdays)
    return current_due.replace(year=day.year, month=day.month, day=day.day)


def may_extend(current_due: datetime | None, now: datetime, already_extended: bool) -> str | None:
    """Why a case may not be extended now (``None`` when it may): once, and only before the deadline."""
    if already_extended:
        return "每件诉求只能延期一次"
    if current_due is None:
        return "诉求件尚无办理时限"
    if now > current_due:
        return "已超期的诉求件不能再申请延期"
    return None


STAGE_LABELS = {stage: labels.CASE_STAGE[stage.value] for stage in Stage}

ACTION_LABELS = {action: labels.CASE_ACTION[action.value] for action in CaseAction}
