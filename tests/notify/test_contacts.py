"""Contacts in process on a real store: the one-time code, the limits, what is queued, the purge."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest

from studio.board import submissions
from studio.board.actions import act
from studio.board.life import CaseAction
from studio.clock import Clock
from studio.desk.screener import Screener
from studio.errors import ApiError
from studio.notify import contacts
from studio.notify.deliver import backoff, link
from studio.notify.senders import sender_from_url
from studio.notify.senders.gateway import signature
from studio.store import notify as rows
from studio.store import retention
from studio.store.database import Database
from support.people import People

CLOCK = Clock("Asia/Shanghai")
CODE = re.compile(r"验证码是 (\d{6})")


def test_contacts_are_cleaned_or_refused() -> None:
    """Phones lose spaces, dashes and +86; e-mail is lower-cased; anything else is 400 on contact."""
    assert contacts.parse_contact("+86 138-1234-5678") == contacts.Contact("sms", "13812345678")
    assert contacts.parse_contact(" A.B@Example.COM ") == contacts.Contact("email", "a.b@example.com")
    assert contacts.parse_contact("") is None and contacts.parse_contact(None) is None
    for bad in ("12345", "2381234567", "a@b", "x" * 300, 13812345678, "我的邮箱@例子"):
        with pytest.raises(ApiError) as caught:
            contacts.parse_contact(bad)
        assert caught.value.code == "invalid" and caught.value.extra["field"] == "contact"
    assert contacts.mask("13812345678") == "138****5678"
    assert contacts.mask("asker@example.com") == "a***@example.com"


def test_backoff_link_signature_and_sender_urls() -> None:
    """Retries double up to an hour; links join the public address; unknown schemes are refused."""
    assert [backoff(30, n) for n in (1, 2, 3)] == [30, 60, 120] and backoff(30, 20) == 3600
    assert link("https://x.gov.cn/", "/track/abc") == "https://x.gov.cn/track/abc"
    assert link(None, "/track/abc") == "/track/abc"
    assert signature("k", "1", b"{}") == signature("k", "1", b"{}") != signature("k", "2", b"{}")
    with pytest.raises(ValueError):
        sender_from_url("ftp://example.com")


async def submit(db: Database, contact: str, address: str = "10.0.0.1") -> dict[str, Any]:
    receipt, _ = await submissions.submit(
        db, CLOCK, Screener(db), {"text": "路灯坏了", "client_key": str(uuid.uuid4()), "contact": contact},
        max_chars=2000, address=address)
    return receipt


async def outbox(db: Database) -> list[Any]:
    """Every queued message, oldest first."""
    async with db.read() as conn:
        return list(reversed(await rows.notification_rows(conn, None, 100)))


async def last_code(db: Database) -> str:
    found = CODE.search([r for r in await outbox(db) if r["kind"] == "verify"][-1]["body"])
    assert found is not None
    return found.group(1)


async def refusal(call: Any) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await call
    return caught.value


@pytest.mark.asyncio
async def test_the_code_verifies_once_and_wrong_or_late_codes_are_refused(db: Database) -> None:
    """A wrong code leaves tries, an expired one is refused, five wrong spend it, a resent one works."""
    receipt = await submit(db, "asker@example.com")
    assert receipt["contact"] == "a***@example.com"
    code, now, track = await last_code(db), CLOCK.now(), receipt["tracking_code"]
    wrong = "000000" if code != "000000" else "111111"
    error = await refusal(contacts.verify(db, now, track, wrong))
    assert error.code == "bad_code" and error.extra["attempts_left"] == 4
    late = await refusal(contacts.verify(db, now + timedelta(minutes=11), track, code))
    assert late.code == "code_expired"
    for left in (3, 2, 1):
        assert (await refusal(contacts.verify(db, now, track, wrong))).extra["attempts_left"] == left
    assert (await refusal(contacts.verify(db, now, track, wrong))).code == "code_expired"
    assert (await refusal(contacts.verify(db, now, track, code))).code == "code_expired"
    assert (await contacts.resend(db, now, track))["code_sent"] is True
    assert (await contacts.verify(db, now, track, await last_code(db)))["verified"] is True
    assert (await refusal(contacts.resend(db, now, track))).code == "not_allowed"
    assert (await refusal(contacts.verify(db, now, "no-such-code", "123456"))).code == "not_found"


@pytest.mark.asyncio
async def test_codes_per_address_and_per_client_are_limited(db: Database) -> None:
    """A fourth code within the hour to one address is 429 and the ask stores nothing."""
    for _ in range(3):
        await submit(db, "13812345678", address=f"10.0.0.{_}")
    before = len(await outbox(db))
    error = await refusal(submit(db, "13812345678", address="10.0.0.9"))
    assert error.code == "too_fast" and len(await outbox(db)) == before
    for n in range(10):
        await submit(db, f"1390000{n:04d}", address="10.0.1.1")
    assert (await refusal(submit(db, "13900009999", address="10.0.1.1"))).code == "too_fast"


@pytest.mark.asyncio
async def test_only_a_verified_contact_is_notified_and_the_purge_blanks_it(db: Database,
                                                                           people: People) -> None:
    """Unverified: nothing queued on approval; verified: approval and acceptance; then purged
    (no case: after the period; a case: once replied and quiet for the period; open: kept)."""
    await submit(db, "never@example.com")
    silent = await submit(db, "silent@example.com")
    heard = await submit(db, "heard@example.com")
    await contacts.verify(db, CLOCK.now(), heard["tracking_code"], await last_code(db))
    mod, guest = people.staff["mod1"], people.staff["guest1"]
    for receipt in (silent, heard):
        view = await submissions.decide(db, CLOCK, mod, receipt["submission_id"], "approve",
                                        {"unit": people.units["人社局"]}, max_chars=2000)
        receipt["case_id"] = view["case_id"]
    await act(db, CLOCK, guest, heard["case_id"], CaseAction.ACCEPT, {})
    kinds = [(r["recipient"], r["kind"]) for r in await outbox(db) if r["kind"] != "verify"]
    assert kinds == [("heard@example.com", "approved"), ("heard@example.com", "accepted")]
    future = (CLOCK.now() + timedelta(days=1)).isoformat()
    async with db.write() as tx:
        assert await retention.purge_contacts(tx, future, future) == 1
    await act(db, CLOCK, guest, heard["case_id"], CaseAction.REPLY, {"text": "已修好"})
    async with db.write() as tx:
        assert await retention.purge_contacts(tx, future, future) == 1
    async with db.read() as conn:
        assert await rows.verified_for_case(conn, heard["case_id"]) == []
        assert await rows.contact_by_tracking_code(conn, silent["tracking_code"]) is not None
    left = {r["recipient"] for r in await outbox(db)}
    assert "heard@example.com" not in left and "never@example.com" not in left
    assert "silent@example.com" in left


@pytest.mark.asyncio
async def test_an_asker_merged_into_a_case_hears_of_it_with_their_own_link(db: Database,
                                                                           people: People) -> None:
    """A message merged into an open case (合并同问): its verified asker is told when the surviving
    case is accepted and replied, each message with the merged asker's own tracking link."""
    first = await submit(db, "first@example.com")
    await contacts.verify(db, CLOCK.now(), first["tracking_code"], await last_code(db))
    repeat = await submit(db, "repeat@example.com", address="10.0.0.2")
    await contacts.verify(db, CLOCK.now(), repeat["tracking_code"], await last_code(db))
    mod, guest = people.staff["mod1"], people.staff["guest1"]
    case_id = (await submissions.decide(db, CLOCK, mod, first["submission_id"], "approve",
                                        {"unit": people.units["人社局"]}, max_chars=2000))["case_id"]
    await submissions.decide(db, CLOCK, mod, repeat["submission_id"], "merge", {"case": case_id},
                             max_chars=2000)
    await act(db, CLOCK, guest, case_id, CaseAction.ACCEPT, {})
    await act(db, CLOCK, guest, case_id, CaseAction.REPLY, {"text": "已修好"})
    sent = [(r["recipient"], r["kind"], r["link_path"]) for r in await outbox(db) if r["kind"] != "verify"]
    mine, theirs = f"/board/track/{first['tracking_code']}", f"/board/track/{repeat['tracking_code']}"
    assert sent == [("first@example.com", "approved", mine),
                    ("first@example.com", "accepted", mine), ("repeat@example.com", "accepted", theirs),
                    ("first@example.com", "replied", mine), ("repeat@example.com", "replied", theirs)]
