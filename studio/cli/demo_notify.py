"""Demo notifications: an asker who left an e-mail address and verified it, a unit's digest
address, and the messages this queues, which the demo's ``log://`` senders write to the log and
the admins' outbox page (``/studio/notifications``) shows."""

from __future__ import annotations

import re
import uuid

from studio.accounts.directory import Staff
from studio.board import actions, submissions
from studio.board.life import CaseAction
from studio.clock import Clock
from studio.desk.screener import Screener
from studio.notify import contacts, outbox
from studio.notify.digest import queue_digests
from studio.store import notify as rows
from studio.store.database import Database

ASKER = "zhou.demo@example.com"
UNIT_EMAIL = "renshe.demo@example.gov.cn"


async def seed_notifications(db: Database, clock: Clock, screener: Screener, made: dict[str, Staff],
                             unit_ids: dict[str, int]) -> None:
    """A board message with a verified contact, approved to 区人社局 and accepted; the unit's address
    and today's digest."""
    receipt, _ = await submissions.submit(db, clock, screener, {
        "text": "灵活就业人员的社保补贴怎么申请？线上提交后一直显示审核中。", "nickname": "小周",
        "client_key": str(uuid.uuid4()), "contact": ASKER,
    }, max_chars=2000)
    async with db.read() as conn:
        latest = await rows.notification_rows(conn, "pending", 1)
    found = re.search(r"\d{6}", latest[0]["body"])
    assert found is not None
    await contacts.verify(db, clock.now(), receipt["tracking_code"], found.group(0))
    view = await submissions.decide(db, clock, made["mod1"], receipt["submission_id"], "approve",
                                    {"unit": unit_ids["区人社局"]}, max_chars=2000)
    await actions.act(db, clock, made["renshe"], view["case_id"], CaseAction.ACCEPT, {})
    await outbox.set_unit_email(db, clock, unit_ids["区人社局"], UNIT_EMAIL, made["admin"].username)
    await queue_digests(db, clock)
