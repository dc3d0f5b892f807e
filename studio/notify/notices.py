"""What askers are told, as small typed notices, queued in the transaction of the action.

A service that approves, answers, opens, accepts, replies to, extends or
reopens calls :func:`queue` with a notice inside its own write transaction:
when the asker left a verified contact, one message with the tracking link
goes into the outbox, committed with the action or not at all. Sending happens
later (:mod:`studio.notify.deliver`), so a sender that fails never fails or
delays the action. Without a verified contact nothing is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio import labels
from studio.store import notify as rows
from studio.store.database import Tx

SUBJECT_PREFIX = "【网络问政】"


@dataclass(frozen=True, slots=True)
class QuestionApproved:
    """A live question passed moderation and is public."""

    question_id: int


@dataclass(frozen=True, slots=True)
class QuestionAnswered:
    """A live question was answered on air."""

    question_id: int


@dataclass(frozen=True, slots=True)
class SubmissionApproved:
    """A board submission passed moderation and became case ``case_id``."""

    submission_id: int
    case_id: int


@dataclass(frozen=True, slots=True)
class CaseOpened:
    """A live question not answered on air became board case ``case_id``."""

    case_id: int


@dataclass(frozen=True, slots=True)
class CaseAccepted:
    """The unit accepted the case; it replies by ``due_at``."""

    case_id: int
    due_at: str | None


@dataclass(frozen=True, slots=True)
class CaseReplied:
    """The unit replied (or added to its reply)."""

    case_id: int


@dataclass(frozen=True, slots=True)
class CaseExtended:
    """The unit's one extension moved the deadline to ``due_at``."""

    case_id: int
    due_at: str


@dataclass(frozen=True, slots=True)
class CaseReopened:
    """不满意 sent the case back to its unit until ``due_at``."""

    case_id: int
    due_at: str


Notice = (QuestionApproved | QuestionAnswered | SubmissionApproved | CaseOpened | CaseAccepted
          | CaseReplied | CaseExtended | CaseReopened)


def _day(value: str | None) -> str:
    return value[:10] if value else "-"


def wording(notice: Notice) -> tuple[str, str]:
    """The notice's kind and its message text (no personal data, no question text)."""
    match notice:
        case QuestionApproved():
            return "approved", "您的提问已通过审核并公开。"
        case QuestionAnswered():
            return "answered", "您的提问已在访谈中得到回答。"
        case SubmissionApproved():
            return "approved", "您的留言已通过审核并公开，转为诉求件交办理单位办理。"
        case CaseOpened():
            return "case_opened", "您的提问已转入留言板，作为诉求件交办理单位在规定时限内答复。"
        case CaseAccepted(due_at=due):
            return "accepted", f"办理单位已接收您的诉求，将于 {_day(due)} 前答复。"
        case CaseReplied():
            return "replied", "办理单位已答复您的诉求，欢迎凭评价码评价。"
        case CaseExtended(due_at=due):
            return "extended", f"办理单位申请延期，办理时限延至 {_day(due)}。"
        case CaseReopened(due_at=due):
            return "reopened", f"您的诉求已重新交办理单位办理，办理时限至 {_day(due)}。"


async def _contacts(tx: Tx, notice: Notice) -> list[Any]:
    match notice:
        case QuestionApproved(question_id=qid) | QuestionAnswered(question_id=qid):
            found = await rows.verified_for_question(tx, qid)
        case SubmissionApproved(submission_id=sid):
            found = await rows.verified_for_submission(tx, sid)
        case _:
            return await rows.verified_for_case(tx, notice.case_id)
    return [] if found is None else [found]


async def queue_for_unit(tx: Tx, unit_id: int, *, kind: str, subject: str, body: str, link_path: str,
                         at: str) -> int | None:
    """Queue an e-mail to unit ``unit_id``'s address (the one its daily digest goes to) in ``tx``;
    its id, or ``None`` when the unit has no address. ``kind`` names it in the outbox."""
    email = await rows.unit_email(tx, unit_id)
    if not email:
        return None
    return await rows.insert_notification(
        tx, kind=kind, channel="email", recipient=email, subject=SUBJECT_PREFIX + subject, body=body,
        link_path=link_path, at=at, unit_id=unit_id)


async def queue(tx: Tx, notice: Notice, at: str) -> list[int]:
    """Queue the message of ``notice`` in ``tx`` for each verified contact it concerns: the
    asker's, and for a case also those of the askers whose messages were merged into it (each
    with their own tracking link); the ids queued, none when no one left a verified contact
    (or it was purged)."""
    kind, text = wording(notice)
    return [
        await rows.insert_notification(
            tx, kind=kind, channel=contact["channel"], recipient=contact["address"],
            subject=SUBJECT_PREFIX + labels.NOTIFICATION_KIND[kind], body=text,
            link_path=contact["track_path"], at=at, contact_id=contact["id"])
        for contact in await _contacts(tx, notice)
    ]
