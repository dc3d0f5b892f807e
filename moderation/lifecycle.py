"""The question lifecycle: states, actions, and who may do what.

Plain data and functions, no I/O. The store asks :func:`decide` before every
change and records exactly what it answers, so this module is the single
place where the rules of DESIGN.md §3 live::

    pending ──approve──▶ approved ──on_air──▶ on_air ──answer──▶ answered
       │                  │    ▲                │
       │                  │    └───off_air──────┤
       │                  └──transfer──▶ transferred ◀──transfer
       ├─reject──▶ rejected ──restore──▶ pending
       └─merge───▶ merged

Taking it back: ``unpublish`` returns any public question (approved, on air,
answered, transferred) to ``pending`` for re-editing; approving it again puts
it back where it was (an on-air one comes back approved). ``edit`` changes the
public text of a public question, ``correct`` the answer of an answered one;
neither moves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ON_AIR = "on_air"
    ANSWERED = "answered"
    REJECTED = "rejected"
    MERGED = "merged"
    TRANSFERRED = "transferred"
    RETRACTED = "retracted"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    MERGE = "merge"
    ASSIGN = "assign"
    ON_AIR = "on_air"
    OFF_AIR = "off_air"
    ANSWER = "answer"
    TRANSFER = "transfer"
    UNPUBLISH = "unpublish"
    EDIT = "edit"
    CORRECT = "correct"
    RESTORE = "restore"
    RETRACT = "retract"


class Role(StrEnum):
    AUDIENCE = "audience"
    MODERATOR = "moderator"
    OFFICIAL = "official"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    """督查考评: follows every unit's late and 不满意 cases (docs/board.md, "Supervision")."""


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    CLOSED = "closed"


PUBLIC_STATUSES = frozenset({Status.APPROVED, Status.ON_AIR, Status.ANSWERED, Status.TRANSFERRED})
"""States whose (public) text may be shown to the audience."""

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PENDING, Action.APPROVE): Status.APPROVED,
    (Status.PENDING, Action.REJECT): Status.REJECTED,
    (Status.PENDING, Action.MERGE): Status.MERGED,
    (Status.PENDING, Action.ASSIGN): Status.PENDING,
    (Status.APPROVED, Action.ASSIGN): Status.APPROVED,
    (Status.APPROVED, Action.ON_AIR): Status.ON_AIR,
    (Status.APPROVED, Action.TRANSFER): Status.TRANSFERRED,
    (Status.ON_AIR, Action.OFF_AIR): Status.APPROVED,
    (Status.ON_AIR, Action.ANSWER): Status.ANSWERED,
    (Status.ON_AIR, Action.TRANSFER): Status.TRANSFERRED,
    **{(status, Action.UNPUBLISH): Status.PENDING for status in PUBLIC_STATUSES},
    **{(status, Action.EDIT): status for status in PUBLIC_STATUSES},
    (Status.ANSWERED, Action.CORRECT): Status.ANSWERED,
    (Status.REJECTED, Action.RESTORE): Status.PENDING,
    (Status.PENDING, Action.RETRACT): Status.RETRACTED,
}
"""Every allowed (state, action) pair and the state it leads to."""

ROLES: dict[Action, frozenset[Role]] = {
    Action.APPROVE: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.REJECT: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.MERGE: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.ASSIGN: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.ON_AIR: frozenset({Role.OFFICIAL, Role.ADMIN}),
    Action.OFF_AIR: frozenset({Role.OFFICIAL, Role.ADMIN}),
    Action.ANSWER: frozenset({Role.OFFICIAL, Role.ADMIN}),
    Action.TRANSFER: frozenset({Role.OFFICIAL, Role.MODERATOR, Role.ADMIN}),
    Action.UNPUBLISH: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.EDIT: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.CORRECT: frozenset({Role.OFFICIAL, Role.MODERATOR, Role.ADMIN}),
    Action.RESTORE: frozenset({Role.MODERATOR, Role.ADMIN}),
    Action.RETRACT: frozenset({Role.AUDIENCE}),
}
"""Which roles may take each action (on events they are staff of)."""

LIVE_ONLY = frozenset({Action.ON_AIR, Action.OFF_AIR, Action.ANSWER})
"""Actions that only make sense while the event is on air."""

AFTER_CLOSE = frozenset({Action.REJECT, Action.MERGE, Action.ASSIGN, Action.UNPUBLISH, Action.EDIT,
                         Action.CORRECT, Action.RESTORE, Action.RETRACT})
"""Actions still allowed on a closed event besides approving (the backlog, and taking back)."""

DESK_ACTIONS = frozenset({Action.APPROVE, Action.REJECT, Action.MERGE, Action.ASSIGN, Action.UNPUBLISH,
                          Action.EDIT, Action.RESTORE})
"""Actions of the moderation desk, where a claim by another moderator must be taken over first."""


class Refusal(Exception):
    """Why an action may not be taken; ``code`` maps to the API's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a role, the unit of an official, and whether they are staff of the event."""

    role: Role
    unit_id: int | None = None
    event_staff: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """What an allowed action does: the new state, and whether it also archives to the board."""

    new_status: Status
    to_board: bool = False


def may_see(actor: Actor, status: Status, question_unit: int | None) -> bool:
    """Whether a staff member sees a question in their console.

    Admins and the event's moderators see everything. The event's officials
    see public questions addressed to their unit or to no unit.
    """
    if actor.role is Role.ADMIN:
        return True
    if not actor.event_staff:
        return False
    if actor.role is Role.MODERATOR:
        return True
    if actor.role is Role.OFFICIAL:
        return status in PUBLIC_STATUSES and question_unit in (None, actor.unit_id)
    return False


def decide(
    status: Status,
    action: Action,
    actor: Actor,
    *,
    event_status: EventStatus,
    question_unit: int | None = None,
    unpublished_from: Status | None = None,
) -> Decision:
    """Decide whether ``actor`` may take ``action`` on a question in ``status``.

    Policy: the role must be allowed the action and (admins aside) be staff of
    the event; an official acts only on questions of their unit or addressed
    to no unit; on-air, off-air and answer need a live event; nothing changes
    on a closed event except approving the moderation backlog, which sends the
    question straight to the board, and taking back (:data:`AFTER_CLOSE`).
    The asker (``Role.AUDIENCE``, proven by the tracking code, not staff)
    may retract their own question while it waits for its first review only
    (pending and never published).
    Approving a question that was unpublished from ``unpublished_from`` puts it
    back there (on air comes back approved; approved on a closed event goes
    to the board). Raises :class:`Refusal` with code ``forbidden`` (who) or
    ``not_allowed`` (what, when).
    """
    if actor.role not in ROLES[action]:
        raise Refusal("forbidden", f"{actor.role.value} may not {action.value}")
    if actor.role is not Role.ADMIN and not actor.event_staff and action is not Action.RETRACT:
        raise Refusal("forbidden", "not staff of this event")
    if actor.role is Role.OFFICIAL and question_unit not in (None, actor.unit_id):
        raise Refusal("forbidden", "the question is addressed to another unit")
    new_status = TRANSITIONS.get((status, action))
    if new_status is None:
        raise Refusal("not_allowed", f"cannot {action.value} a question that is {status.value}")
    if action is Action.RETRACT and unpublished_from is not None:
        raise Refusal("not_allowed", "a question once published cannot be retracted")
    if action in LIVE_ONLY and event_status is not EventStatus.LIVE:
        raise Refusal("not_allowed", f"cannot {action.value} unless the event is live")
    if action is Action.APPROVE and unpublished_from is not None:
        back = Status.APPROVED if unpublished_from is Status.ON_AIR else unpublished_from
        if back in (Status.ANSWERED, Status.TRANSFERRED):
            return Decision(back)
    if event_status is EventStatus.CLOSED:
        if action is Action.APPROVE:
            return Decision(Status.TRANSFERRED, to_board=True)
        if action not in AFTER_CLOSE:
            raise Refusal("not_allowed", "the event is closed")
    return Decision(new_status, to_board=new_status is Status.TRANSFERRED and action is not Action.EDIT)


def may_ask(event_status: EventStatus, collecting: bool = True) -> bool:
    """Questions are taken while an event is live, and while it is scheduled if its collection
    (选题征集) is open; never once it is closed."""
    return event_status is EventStatus.LIVE or (event_status is EventStatus.SCHEDULED and collecting)


def event_transition(current: EventStatus, target: EventStatus) -> None:
    """Events go scheduled → live → closed, one step at a time."""
    allowed = {
        (EventStatus.SCHEDULED, EventStatus.LIVE),
        (EventStatus.LIVE, EventStatus.CLOSED),
    }
    if (current, target) not in allowed:
        raise Refusal("not_allowed", f"event is {current.value}, cannot become {target.value}")
