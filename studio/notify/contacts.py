"""An asker's contact (后台实名、前台自愿): optional, verified by a one-time code, never public.

Policy: a mainland mobile number (SMS) or an e-mail address may come with a
live question or a board submission. It is stored with the asker's tracking
code and gets a six-digit code through the same senders as the notifications
(queued in the ask's own transaction); only once the asker types the code
back (:func:`verify`, with the tracking code) do notifications go to it. A
code lasts :data:`CODE_MINUTES` minutes and allows :data:`MAX_ATTEMPTS` wrong
tries; at most :data:`CODES_PER_ADDRESS` codes an hour go to one address and
:data:`CODES_PER_CLIENT` to contacts left from one client address (counted in
the store, so every process and edge shares the count). The contact is shown
to no one but admins (masked) and blanked by the retention purge.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from studio.codes import same_secret
from studio.errors import ApiError, invalid
from studio.store import notify as rows
from studio.store.database import Database, Tx

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
CODES_PER_ADDRESS = 3
CODES_PER_CLIENT = 10
"""Codes an hour to one contact address, and for contacts left from one client address."""
MAX_EMAIL = 254

MOBILE = re.compile(r"1[3-9]\d{9}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
BAD_CONTACT = "请填写正确的手机号码或电子邮箱（也可以不填）"


@dataclass(frozen=True, slots=True)
class Contact:
    """A cleaned contact: ``channel`` is ``sms`` or ``email``."""

    channel: str
    address: str


def parse_contact(value: Any) -> Contact | None:
    """The contact an ask carries in ``contact`` (absent or empty: none); 400 ``invalid`` otherwise.

    Phones may have spaces, dashes and a leading +86 or 0086; e-mail addresses are lower-cased.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > MAX_EMAIL:
        raise invalid("contact", BAD_CONTACT)
    text = value.strip()
    if "@" in text:
        if not EMAIL.fullmatch(text):
            raise invalid("contact", BAD_CONTACT)
        return Contact("email", text.lower())
    digits = re.sub(r"[\s-]", "", text)
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    if not MOBILE.fullmatch(digits):
        raise invalid("contact", BAD_CONTACT)
    return Contact("sms", digits)


def mask(address: str) -> str:
    """What staff pages and the log show of an address: ``138****5678``, ``a***@example.com``."""
    if not address:
        return ""
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{address[:3]}****{address[-4:]}"


def _hash(contact_id: int, code: str) -> str:
    return hashlib.sha256(f"{contact_id}:{code}".encode()).hexdigest()


async def _send_code(tx: Tx, contact_id: int, contact: Contact, client: str, track_path: str,
                     now: datetime) -> None:
    since = (now - timedelta(hours=1)).isoformat()
    if (await rows.codes_sent_to(tx, contact.address, since) >= CODES_PER_ADDRESS
            or (client and await rows.codes_sent_for(tx, client, since) >= CODES_PER_CLIENT)):
        raise ApiError("too_fast", "验证码发送太频繁，请一小时后再试（也可以不留联系方式）",
                       retry_after=3600)
    code = f"{secrets.randbelow(10**6):06d}"
    expires = (now + timedelta(minutes=CODE_MINUTES)).isoformat()
    await rows.set_code(tx, contact_id, _hash(contact_id, code), expires)
    await rows.insert_notification(
        tx, kind="verify", channel=contact.channel, recipient=contact.address,
        subject="【网络问政】验证码",
        body=f"您的验证码是 {code}，{CODE_MINUTES} 分钟内有效。请在查询页面输入，以便接收办理进度通知。",
        link_path=track_path, at=now.isoformat(), contact_id=contact_id)


async def attach(tx: Tx, contact: Contact | None, *, tracking_code: str, track_path: str,
                 question_id: int | None = None, submission_id: int | None = None,
                 client: str, now: datetime) -> bool:
    """Store the contact of a new question or submission and queue its code, in the ask's ``tx``.

    Returns whether a contact was left. 429 ``too_fast`` (the whole ask rolls back) when the
    address or the client has had too many codes this hour.
    """
    if contact is None:
        return False
    contact_id = await rows.insert_contact(
        tx, tracking_code=tracking_code, track_path=track_path, question_id=question_id,
        submission_id=submission_id, channel=contact.channel, address=contact.address,
        client=client, created_at=now.isoformat())
    await _send_code(tx, contact_id, contact, client, track_path, now)
    return True


async def _contact_of(tx: Tx, tracking_code: Any) -> Any:
    if not isinstance(tracking_code, str) or not tracking_code.isascii() or len(tracking_code) > 64:
        raise ApiError("not_found", "查询码无效")
    row = await rows.contact_by_tracking_code(tx, tracking_code)
    if row is None or row["purged_at"]:
        raise ApiError("not_found", "这个查询码没有留下联系方式")
    return row


async def resend(db: Database, now: datetime, tracking_code: Any) -> dict[str, Any]:
    """A new code for an unverified contact (the old one stops working); the same hourly limits."""
    async with db.write() as tx:
        row = await _contact_of(tx, tracking_code)
        if row["verified_at"]:
            raise ApiError("not_allowed", "联系方式已经验证过了")
        await _send_code(tx, row["id"], Contact(row["channel"], row["address"]), "",
                         row["track_path"], now)
        return status(row, sent=True)


async def verify(db: Database, now: datetime, tracking_code: Any, code: Any) -> dict[str, Any]:
    """Check the code the asker typed; verified, the contact receives notifications from now on.

    400 ``bad_code`` for a wrong code (with ``attempts_left``), 400 ``code_expired`` once it
    expired or its :data:`MAX_ATTEMPTS` tries are used (ask for a new one), 404 without a contact.
    """
    if not isinstance(code, str) or not code.strip():
        raise invalid("code", "请填写验证码")
    async with db.write() as tx:
        row = await _contact_of(tx, tracking_code)
        if row["verified_at"]:
            return status(row)
        if (not row["code_hash"] or row["attempts"] >= MAX_ATTEMPTS
                or row["code_expires_at"] <= now.isoformat()):
            raise ApiError("code_expired", "验证码已失效，请重新获取")
        if same_secret(row["code_hash"], _hash(row["id"], code.strip())):
            await rows.set_verified(tx, row["id"], now.isoformat())
            return status(await rows.contact_by_tracking_code(tx, tracking_code))
        # A wrong try is counted (committed) before the refusal.
        await rows.add_attempt(tx, row["id"])
        left = MAX_ATTEMPTS - row["attempts"] - 1
    if left > 0:
        raise ApiError("bad_code", "验证码不正确", attempts_left=left)
    raise ApiError("code_expired", "验证码错误次数过多，请重新获取")


def status(row: Any, *, sent: bool = False) -> dict[str, Any]:
    """What the asker sees of their contact: its channel, masked, and whether it is verified."""
    answer = {"channel": row["channel"], "contact": mask(row["address"]),
              "verified": bool(row["verified_at"])}
    if sent:
        answer["code_sent"] = True
    return answer
