"""The question and event lifecycle rules of DESIGN.md §3, checked exhaustively.

The expected outcomes are written out here from the design brief, independently
of ``TRANSITIONS`` and ``ROLES`` in the module under test.
"""

from __future__ import annotations

import itertools

import pytest

from moderation.lifecycle import (
    PUBLIC_STATUSES,
    ROLES,
    TRANSITIONS,
    Action,
    Actor,
    Decision,
    EventStatus,
    Refusal,
    Role,
    Status,
    decide,
    event_transition,
    may_ask,
    may_see,
)

S = Status
A = Action

# Every allowed (status, action) pair and the status it leads to (DESIGN.md §3):
#   pending ─approve▶ approved ─on_air▶ on_air ─answer▶ answered
#   on_air ─off_air▶ approved; approved/on_air ─transfer▶ transferred
#   pending ─reject▶ rejected; pending ─merge▶ merged
#   assign (route to a unit) keeps the status, in the moderation states pending/approved.
# Taking back: every public state ─unpublish▶ pending; edit keeps a public state;
#   answered ─correct▶ answered; rejected ─restore▶ pending.
# The asker's own: pending (never published) ─retract▶ retracted.
PUBLIC = ("approved", "on_air", "answered", "transferred")
ALLOWED: dict[tuple[str, str], str] = {
    **{(status, "unpublish"): "pending" for status in PUBLIC},
    **{(status, "edit"): status for status in PUBLIC},
    ("answered", "correct"): "answered",
    ("rejected", "restore"): "pending",
    ("pending", "approve"): "approved",
    ("pending", "reject"): "rejected",
    ("pending", "merge"): "merged",
    ("pending", "assign"): "pending",
    ("approved", "assign"): "approved",
    ("approved", "on_air"): "on_air",
    ("approved", "transfer"): "transferred",
    ("on_air", "off_air"): "approved",
    ("on_air", "answer"): "answered",
    ("on_air", "transfer"): "transferred",
    ("pending", "retract"): "retracted",
}

# Who may take each action (DESIGN.md §2 and the API table of §4).
MODERATION = {"moderator", "admin"}
ON_STAGE = {"official", "admin"}
ACTION_ROLES: dict[str, set[str]] = {
    "approve": MODERATION,
    "reject": MODERATION,
    "merge": MODERATION,
    "assign": MODERATION,
    "on_air": ON_STAGE,
    "off_air": ON_STAGE,
    "answer": ON_STAGE,
    "transfer": {"official", "moderator", "admin"},
    "unpublish": MODERATION,
    "edit": MODERATION,
    "correct": {"official", "moderator", "admin"},
    "restore": MODERATION,
    "retract": {"audience"},
}

ALLOWED_STATUS = {key: Status(value) for key, value in ALLOWED.items()}

LIVE_ONLY_ACTIONS = {"on_air", "off_air", "answer"}
# plus approve, which goes to the board
CLOSED_EVENT_ACTIONS = {"reject", "merge", "assign", "unpublish", "edit", "correct", "restore", "retract"}

OFFICIAL_UNIT = 1
OTHER_UNIT = 2
QUESTION_UNITS = {"own": OFFICIAL_UNIT, "other": OTHER_UNIT, "none": None}


def expected_outcome(
    status: str, action: str, role: str, staff: bool, event: str, question_unit: int | None
) -> tuple[str, str | bool]:
    """('ok', (new_status, to_board)) or ('refused', code) as DESIGN.md describes."""
    if role not in ACTION_ROLES[action]:
        return ("refused", "forbidden")
    if role not in ("admin", "audience") and not staff:
        return ("refused", "forbidden")
    if role == "official" and question_unit not in (None, OFFICIAL_UNIT):
        return ("refused", "forbidden")
    if (status, action) not in ALLOWED:
        return ("refused", "not_allowed")
    if action in LIVE_ONLY_ACTIONS and event != "live":
        return ("refused", "not_allowed")
    if event == "closed":
        if action == "approve":
            return ("ok", ("transferred", True))
        if action not in CLOSED_EVENT_ACTIONS:
            return ("refused", "not_allowed")
    new = ALLOWED[(status, action)]
    return ("ok", (new, new == "transferred" and action != "edit"))


def make_actor(role: str, staff: bool) -> Actor:
    unit = OFFICIAL_UNIT if role == "official" else None
    return Actor(Role(role), unit, staff)


CASES = list(
    itertools.product(
        [s.value for s in Status],
        [a.value for a in Action],
        [r.value for r in Role],
        [True, False],
        [e.value for e in EventStatus],
        list(QUESTION_UNITS),
    )
)


def test_enums_hold_the_documented_names() -> None:
    """The status, action, role and event-status names are exactly those of the design."""
    assert {s.value for s in Status} == {
        "pending", "approved", "on_air", "answered", "rejected", "merged", "transferred", "retracted",
    }
    assert {a.value for a in Action} == {
        "approve", "reject", "merge", "assign", "on_air", "off_air", "answer", "transfer",
        "unpublish", "edit", "correct", "restore", "retract",
    }
    assert {r.value for r in Role} == {"audience", "moderator", "official", "admin", "supervisor"}
    assert {e.value for e in EventStatus} == {"scheduled", "live", "closed"}


@pytest.mark.parametrize(
    ("status", "action", "role", "staff", "event", "unit_kind"),
    CASES,
    ids=["-".join(str(part) for part in case) for case in CASES],
)
def test_decide_matches_documented_table(
    status: str, action: str, role: str, staff: bool, event: str, unit_kind: str
) -> None:
    """decide() gives the documented new status or refusal code for this exact combination."""
    question_unit = QUESTION_UNITS[unit_kind]
    kind, detail = expected_outcome(status, action, role, staff, event, question_unit)
    actor = make_actor(role, staff)
    if kind == "ok":
        new_status, to_board = detail  # type: ignore[misc]
        decision = decide(
            Status(status), Action(action), actor,
            event_status=EventStatus(event), question_unit=question_unit,
        )
        assert decision == Decision(Status(new_status), to_board=to_board)
    else:
        with pytest.raises(Refusal) as info:
            decide(
                Status(status), Action(action), actor,
                event_status=EventStatus(event), question_unit=question_unit,
            )
        assert info.value.code == detail
        assert info.value.message


def test_transition_table_matches_design() -> None:
    """TRANSITIONS holds exactly the allowed (status, action) pairs drawn in DESIGN.md §3."""
    assert {(s.value, a.value): n.value for (s, a), n in TRANSITIONS.items()} == ALLOWED


def test_role_table_matches_design() -> None:
    """ROLES gives each action exactly the roles DESIGN.md §2 and §4 allow."""
    assert {a.value: {r.value for r in roles} for a, roles in ROLES.items()} == ACTION_ROLES


def test_default_question_unit_is_none() -> None:
    """Without question_unit an official may act, as on a question addressed to no unit."""
    decision = decide(S.APPROVED, A.ON_AIR, Actor(Role.OFFICIAL, 7, True),
                      event_status=EventStatus.LIVE)
    assert decision == Decision(S.ON_AIR, to_board=False)


def test_full_happy_path_on_live_event() -> None:
    """pending → approved → on_air → approved → on_air → answered, each by the right role."""
    moderator = Actor(Role.MODERATOR, None, True)
    official = Actor(Role.OFFICIAL, 3, True)
    live = EventStatus.LIVE
    status = decide(S.PENDING, A.APPROVE, moderator, event_status=live).new_status
    assert status is S.APPROVED
    status = decide(status, A.ON_AIR, official, event_status=live, question_unit=3).new_status
    assert status is S.ON_AIR
    status = decide(status, A.OFF_AIR, official, event_status=live, question_unit=3).new_status
    assert status is S.APPROVED
    status = decide(status, A.ON_AIR, official, event_status=live, question_unit=3).new_status
    status = decide(status, A.ANSWER, official, event_status=live, question_unit=3).new_status
    assert status is S.ANSWERED


@pytest.mark.parametrize(
    ("status", "event"),
    [(S.APPROVED, EventStatus.SCHEDULED), (S.APPROVED, EventStatus.LIVE),
     (S.ON_AIR, EventStatus.LIVE)],
)
def test_transfer_goes_to_board(status: Status, event: EventStatus) -> None:
    """Transferring an approved or on-air question on an open event archives it to the board."""
    decision = decide(status, A.TRANSFER, Actor(Role.MODERATOR, None, True), event_status=event)
    assert decision == Decision(S.TRANSFERRED, to_board=True)


def test_approve_on_closed_event_goes_straight_to_board() -> None:
    """Approving the moderation backlog after close makes a board case, not an approved question."""
    decision = decide(S.PENDING, A.APPROVE, Actor(Role.MODERATOR, None, True),
                      event_status=EventStatus.CLOSED)
    assert decision.new_status is S.TRANSFERRED
    assert decision.to_board is True


@pytest.mark.parametrize("action", [A.REJECT, A.MERGE, A.ASSIGN])
def test_backlog_moderation_allowed_on_closed_event(action: Action) -> None:
    """Rejecting, merging and assigning pending questions still works on a closed event."""
    decision = decide(S.PENDING, action, Actor(Role.MODERATOR, None, True),
                      event_status=EventStatus.CLOSED)
    assert decision.to_board is False
    assert decision.new_status is ALLOWED_STATUS[("pending", action.value)]


@pytest.mark.parametrize("status", [S.APPROVED, S.ON_AIR])
def test_transfer_refused_on_closed_event(status: Status) -> None:
    """Nothing but reject/merge/assign/approve is allowed once the event is closed."""
    with pytest.raises(Refusal) as info:
        decide(status, A.TRANSFER, Actor(Role.ADMIN), event_status=EventStatus.CLOSED)
    assert info.value.code == "not_allowed"


@pytest.mark.parametrize("event", [EventStatus.SCHEDULED, EventStatus.CLOSED])
@pytest.mark.parametrize(
    ("status", "action"), [(S.APPROVED, A.ON_AIR), (S.ON_AIR, A.OFF_AIR), (S.ON_AIR, A.ANSWER)]
)
def test_live_only_actions_need_live_event(
    event: EventStatus, status: Status, action: Action
) -> None:
    """on_air, off_air and answer are refused as not_allowed unless the event is live."""
    with pytest.raises(Refusal) as info:
        decide(status, action, Actor(Role.OFFICIAL, 1, True), event_status=event,
               question_unit=1)
    assert info.value.code == "not_allowed"


def test_official_of_other_unit_is_forbidden() -> None:
    """An official may not put on air a question addressed to another unit."""
    with pytest.raises(Refusal) as info:
        decide(S.APPROVED, A.ON_AIR, Actor(Role.OFFICIAL, 1, True),
               event_status=EventStatus.LIVE, question_unit=2)
    assert info.value.code == "forbidden"


def test_official_without_unit_only_acts_on_unaddressed_questions() -> None:
    """An official with no unit acts on questions to no unit and is forbidden on unit questions."""
    actor = Actor(Role.OFFICIAL, None, True)
    assert decide(S.APPROVED, A.ON_AIR, actor, event_status=EventStatus.LIVE,
                  question_unit=None).new_status is S.ON_AIR
    with pytest.raises(Refusal) as info:
        decide(S.APPROVED, A.ON_AIR, actor, event_status=EventStatus.LIVE, question_unit=5)
    assert info.value.code == "forbidden"


def test_admin_needs_no_event_staff_membership() -> None:
    """An admin who is not staff of the event may still take any role's action."""
    admin = Actor(Role.ADMIN, None, False)
    assert decide(S.PENDING, A.APPROVE, admin, event_status=EventStatus.LIVE).new_status is (
        S.APPROVED
    )
    assert decide(S.APPROVED, A.ON_AIR, admin, event_status=EventStatus.LIVE,
                  question_unit=9).new_status is S.ON_AIR


def test_forbidden_takes_precedence_over_not_allowed() -> None:
    """A wrong role is told forbidden even when the transition itself is impossible."""
    with pytest.raises(Refusal) as info:
        decide(S.ANSWERED, A.APPROVE, Actor(Role.OFFICIAL, 1, True),
               event_status=EventStatus.CLOSED)
    assert info.value.code == "forbidden"


TAKE_BACK = {A.UNPUBLISH, A.EDIT, A.CORRECT, A.RESTORE}


@pytest.mark.parametrize("status", [S.ANSWERED, S.REJECTED, S.MERGED, S.TRANSFERRED, S.RETRACTED])
@pytest.mark.parametrize("action", [action for action in Action if action not in TAKE_BACK | {A.RETRACT}])
def test_final_states_allow_nothing(status: Status, action: Action) -> None:
    """answered, rejected, merged and transferred are final for the live flow: only taking back
    (unpublish, edit, correct, restore) moves them."""
    with pytest.raises(Refusal) as info:
        decide(status, action, Actor(Role.ADMIN), event_status=EventStatus.LIVE)
    assert info.value.code == "not_allowed"


def test_asker_retracts_only_a_question_never_published() -> None:
    """The asker (not staff) retracts a pending question on a live or closed event; one taken back
    for review after it was published, or already retracted, cannot be."""
    asker = Actor(Role.AUDIENCE)
    for event in (EventStatus.SCHEDULED, EventStatus.LIVE, EventStatus.CLOSED):
        assert decide(S.PENDING, A.RETRACT, asker, event_status=event).new_status is S.RETRACTED
    for status, unpublished_from in ((S.PENDING, S.APPROVED), (S.RETRACTED, None), (S.APPROVED, None)):
        with pytest.raises(Refusal) as info:
            decide(status, A.RETRACT, asker, event_status=EventStatus.LIVE, unpublished_from=unpublished_from)
        assert info.value.code == "not_allowed"


def test_refusal_is_an_exception_with_code_and_message() -> None:
    """Refusal carries its code and message and is raisable as an exception."""
    refusal = Refusal("forbidden", "nope")
    assert isinstance(refusal, Exception)
    assert (refusal.code, refusal.message, str(refusal)) == ("forbidden", "nope", "nope")


# --- may_see ---------------------------------------------------------------------------------

PUBLIC = {"approved", "on_air", "answered", "transferred"}

SEE_CASES = list(
    itertools.product(
        [r.value for r in Role], [True, False], [s.value for s in Status], list(QUESTION_UNITS)
    )
)


def expected_see(role: str, staff: bool, status: str, question_unit: int | None) -> bool:
    if role == "admin":
        return True
    if role == "moderator":
        return staff
    if role == "official":
        return staff and status in PUBLIC and question_unit in (None, OFFICIAL_UNIT)
    return False


@pytest.mark.parametrize(
    ("role", "staff", "status", "unit_kind"),
    SEE_CASES,
    ids=["-".join(str(part) for part in case) for case in SEE_CASES],
)
def test_may_see_matches_documented_visibility(
    role: str, staff: bool, status: str, unit_kind: str
) -> None:
    """may_see: admins all, event moderators all, event officials public questions of their unit."""
    question_unit = QUESTION_UNITS[unit_kind]
    actor = make_actor(role, staff)
    assert may_see(actor, Status(status), question_unit) is expected_see(
        role, staff, status, question_unit
    )


def test_public_statuses_are_the_documented_ones() -> None:
    """PUBLIC_STATUSES is approved, on_air, answered and transferred."""
    assert {s.value for s in PUBLIC_STATUSES} == PUBLIC


# --- may_ask and event_transition ------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "collecting", "expected"),
    [(EventStatus.SCHEDULED, True, True), (EventStatus.SCHEDULED, False, False), (EventStatus.LIVE, True, True),
     (EventStatus.LIVE, False, True), (EventStatus.CLOSED, True, False), (EventStatus.CLOSED, False, False)],
)
def test_may_ask(event: EventStatus, collecting: bool, expected: bool) -> None:
    """Questions are taken while live, while scheduled only with collection open, never once closed."""
    assert may_ask(event, collecting) is expected


EVENT_STEPS = {("scheduled", "live"), ("live", "closed")}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(list(EventStatus), list(EventStatus)))
)
def test_event_transition(current: EventStatus, target: EventStatus) -> None:
    """Events go scheduled → live → closed one step at a time; every other move is not_allowed."""
    if (current.value, target.value) in EVENT_STEPS:
        assert event_transition(current, target) is None
    else:
        with pytest.raises(Refusal) as info:
            event_transition(current, target)
        assert info.value.code == "not_allowed"


@pytest.mark.parametrize(("was", "event", "back", "to_board"), [
    (S.APPROVED, EventStatus.LIVE, S.APPROVED, False),
    (S.ON_AIR, EventStatus.LIVE, S.APPROVED, False),
    (S.ANSWERED, EventStatus.LIVE, S.ANSWERED, False),
    (S.TRANSFERRED, EventStatus.LIVE, S.TRANSFERRED, False),
    (S.APPROVED, EventStatus.CLOSED, S.TRANSFERRED, True),
    (S.ON_AIR, EventStatus.CLOSED, S.TRANSFERRED, True),
    (S.ANSWERED, EventStatus.CLOSED, S.ANSWERED, False),
    (S.TRANSFERRED, EventStatus.CLOSED, S.TRANSFERRED, False),
])
def test_approving_an_unpublished_question_puts_it_back(
    was: Status, event: EventStatus, back: Status, to_board: bool
) -> None:
    """Approved again, an unpublished question goes back where it was (on air comes back approved;
    approved on a closed event goes to the board, an answered or transferred one keeps its case)."""
    decision = decide(S.PENDING, A.APPROVE, Actor(Role.MODERATOR, None, True), event_status=event,
                      unpublished_from=was)
    assert decision == Decision(back, to_board=to_board)
