"""``studio notify-digest``: the units' digest queued and sent at once to a real SMTP server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from studio.clock import Clock
from studio.notify import outbox
from studio.store import cases
from studio.store.database import Database
from support.cases import new_case
from support.notify import smtp_server
from support.people import add_people

CLOCK = Clock("Asia/Shanghai")


async def overdue_case(path: str) -> None:
    """A store where 人社局 has an e-mail address and one case a day past its deadline."""
    db = Database(path)
    await db.open()
    try:
        people = await add_people(db, CLOCK.stamp())
        unit = people.units["人社局"]
        await outbox.set_unit_email(db, CLOCK, unit, "renshe@example.gov.cn", "admin")
        case_id = await new_case(db, CLOCK, people.staff["mod1"], "路口红绿灯坏了", unit=unit)
        async with db.write() as tx:
            await cases.set_due(tx, case_id, (CLOCK.now() - timedelta(days=1)).isoformat())
    finally:
        await db.close()


def test_notify_digest_sends_the_units_digest_now(tmp_path: Path) -> None:
    """A unit with an address and an overdue case gets its digest by e-mail; the command says so."""
    db = str(tmp_path / "studio.db")
    asyncio.run(overdue_case(db))
    with smtp_server() as (inbox, port):
        env = {**os.environ, "STUDIO_NOTIFY_EMAIL_URL": f"smtp://127.0.0.1:{port}?from=noreply@example.gov.cn"}
        done = subprocess.run([sys.executable, "-m", "studio", "notify-digest", "--db", db], env=env,
                              text=True, capture_output=True)
        assert done.returncode == 0, done.stderr
        assert "已生成 1 份单位提醒；发送成功 1 条，失败 0 条" in done.stdout
        [(to, subject, text)] = inbox.received()
    assert to == "renshe@example.gov.cn" and subject == "【网络问政】人社局每日办理提醒"
    assert "路口红绿灯坏了" in text and "[已超期]" in text and "办理入口：/studio/board" in text
