"""Fixtures shared by every test folder: a running studio, a browser, a fresh or seeded store.

The folders mirror the packages (``tests/board`` tests ``studio/board``, …);
``tests/browser`` holds the Playwright tests, which drive whole pages across
packages. Helpers that tests import live in the ``support`` package (not in a
conftest, and never in a test module); fixtures live in the ``conftest.py`` of
the lowest folder that shares them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from broadcast import Message
from studio.clock import Clock
from studio.desk import wordlist
from studio.events import manage
from studio.store.database import Database
from studio.store.events import event_row
from support.browser import CHROMIUM, CHROMIUM_ARGS
from support.clients import Studio, running_studio
from support.people import People, add_people
from support.seed import Seeded


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A server with an admin, two moderators, two officials and two units, shared by a module."""
    with running_studio(tmp_path_factory.mktemp("studio")) as studio:
        yield studio


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download is not used)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; scripts/install --test installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest_asyncio.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh store on a temporary file, migrated, with nothing in it; closed after the test."""
    store = Database(str(tmp_path / "store.db"))
    await store.open()
    try:
        yield store
    finally:
        await store.close()


@pytest_asyncio.fixture
async def people(db: Database) -> People:
    """The ``db`` store with the units and staff of ``support.people`` (an admin, moderators, officials)."""
    return await add_people(db, Clock("Asia/Shanghai").stamp())


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
    people = await add_people(db, now)
    staff, units = people.staff, people.units
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
