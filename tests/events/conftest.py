"""Fixtures for the events services in process: a real store on a temp file, no server.

``seeded`` is a store with the default lexicon, two units, staff in every role
(an admin; moderators ``mod1`` listed on the event and ``mod2`` not; officials
``guest1`` of 人社局 listed as a guest and ``guest3`` of 交通局 not) and one
live event, ``town-hall``, with every frame it publishes collected in
``published``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest_asyncio

from broadcast import Message
from studio.accounts import directory
from studio.accounts.directory import Staff
from studio.clock import Clock
from studio.desk import wordlist
from studio.events import manage
from studio.store.database import Database
from studio.store.events import event_row

PASSWORD = "staff-password-1"


@dataclass
class Seeded:
    db: Database
    clock: Clock
    published: list[Message]
    staff: dict[str, Staff]
    units: dict[str, int]
    slug: str
    event_id: int


@pytest_asyncio.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[Seeded]:
    """A store with staff in every role and one live event listing ``mod1`` and ``guest1``."""
    published: list[Message] = []

    async def publish(message: Message) -> None:
        published.append(message)

    db = Database(str(tmp_path / "studio.db"), publish=publish)
    await db.open()
    clock = Clock("Asia/Shanghai")
    now = clock.stamp()
    await wordlist.seed_defaults(db, now)
    units = {name: (await directory.create_unit(db, name, now))["id"] for name in ("人社局", "交通局")}
    staff = {}
    for username, role, unit in (("admin", "admin", None), ("mod1", "moderator", None),
                                 ("mod2", "moderator", None), ("guest1", "official", "人社局"),
                                 ("guest3", "official", "交通局")):
        staff[username] = await directory.create_staff(db, username=username, password=PASSWORD,
                                                       role=role, unit=unit, at=now)
    await manage.create_event(db, clock, staff["admin"], {
        "slug": "town-hall", "title": "民生访谈", "description": "",
        "starts_at": "2026-11-22T20:00:00+08:00", "ends_at": "2026-11-22T22:00:00+08:00",
        "guests": ["guest1"], "moderators": ["mod1"],
    })
    await manage.open_event(db, clock, staff["admin"], "town-hall")
    async with db.read() as conn:
        event = await event_row(conn, "town-hall")
    try:
        yield Seeded(db, clock, published, staff, units, "town-hall", event["id"])
    finally:
        await db.close()
