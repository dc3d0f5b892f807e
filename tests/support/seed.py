"""A store seeded for in-process service tests: units, staff in every role, one live event.

``seeded`` (the fixture in ``tests/conftest.py``) is a store with the default
lexicon, two units, staff in every role (an admin; moderators ``mod1`` listed on
the event and ``mod2`` not; officials ``guest1`` of 人社局 listed as a guest and
``guest3`` of 交通局 not) and one live event, ``town-hall``, with every frame it
publishes collected in ``published``.
"""

from __future__ import annotations

from dataclasses import dataclass

from broadcast import Message
from studio.accounts.directory import Staff
from studio.clock import Clock
from studio.store.database import Database


@dataclass
class Seeded:
    db: Database
    clock: Clock
    published: list[Message]
    staff: dict[str, Staff]
    units: dict[str, int]
    slug: str
    event_id: int
