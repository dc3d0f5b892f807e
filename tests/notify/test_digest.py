"""The units' daily digest in process on a real store: who gets one and what it lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from studio.board.actions import act
from studio.board.life import CaseAction
from studio.clock import Clock
from studio.errors import ApiError
from studio.notify import outbox
from studio.notify.digest import queue_digests
from studio.store import cases
from studio.store import notify as rows
from studio.store.database import Database
from support.cases import new_case
from support.people import People

CLOCK = Clock("Asia/Shanghai")


@pytest.mark.asyncio
async def test_a_unit_with_an_address_gets_its_due_and_overdue_cases(db: Database, people: People) -> None:
    """人社局 (with an address) gets one message listing its overdue case first; 交通局 (none) gets none."""
    units, mod = people.units, people.staff["mod1"]
    await outbox.set_unit_email(db, CLOCK, units["人社局"], " Renshe@Example.gov.cn ", "admin")
    overdue = await new_case(db, CLOCK, mod, "路灯坏了一个月", unit=units["人社局"])
    soon = await new_case(db, CLOCK, mod, "公交站牌缺失", unit=units["人社局"])
    await new_case(db, CLOCK, mod, "井盖松动", unit=units["交通局"])
    replied = await new_case(db, CLOCK, mod, "已经答复的诉求", unit=units["人社局"])
    await act(db, CLOCK, people.staff["guest1"], replied, CaseAction.ACCEPT, {})
    await act(db, CLOCK, people.staff["guest1"], replied, CaseAction.REPLY, {"text": "已处理"})
    now = CLOCK.now()
    async with db.write() as tx:
        await cases.set_due(tx, overdue, (now - timedelta(days=1)).isoformat())
        await cases.set_due(tx, soon, (now + timedelta(hours=30)).isoformat())
        await cases.set_due(tx, replied, (now - timedelta(days=2)).isoformat())
    assert await queue_digests(db, CLOCK) == 1
    assert await queue_digests(db, CLOCK) == 0
    async with db.read() as conn:
        sent = await rows.notification_rows(conn, None, 10)
    assert await queue_digests(db, CLOCK, again=True) == 1
    assert len(sent) == 1 and sent[0]["recipient"] == "renshe@example.gov.cn" and sent[0]["kind"] == "digest"
    body = sent[0]["body"]
    assert "2 件诉求即将到期或已超期（其中超期 1 件）" in body
    assert body.index(f"/board/cases/{overdue}") < body.index(f"/board/cases/{soon}")
    assert "已经答复的诉求" not in body and "井盖松动" not in body
    with pytest.raises(ApiError) as caught:
        await outbox.set_unit_email(db, CLOCK, units["交通局"], "not-an-address", "admin")
    assert caught.value.code == "invalid"
