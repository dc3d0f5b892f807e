"""Units and staff in every role, created through the directory as an admin would."""

from __future__ import annotations

from dataclasses import dataclass

from studio.accounts import directory
from studio.accounts.directory import Staff
from studio.store.database import Database

PASSWORD = "staff-password-1"
UNITS = ("人社局", "交通局")
STAFF = (("admin", "admin", None), ("mod1", "moderator", None), ("mod2", "moderator", None),
         ("guest1", "official", "人社局"), ("guest3", "official", "交通局"))
"""(username, role, unit): an admin, two moderators, an official of each unit."""


@dataclass
class People:
    units: dict[str, int]
    staff: dict[str, Staff]


async def add_people(db: Database, at: str) -> People:
    """The units of ``UNITS`` and the accounts of ``STAFF``, all with ``PASSWORD``."""
    units = {name: (await directory.create_unit(db, name, at))["id"] for name in UNITS}
    staff = {}
    for username, role, unit in STAFF:
        staff[username] = await directory.create_staff(db, username=username, password=PASSWORD,
                                                       role=role, unit=unit, at=at)
    return People(units, staff)
