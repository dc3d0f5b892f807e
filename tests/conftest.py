"""Fixtures shared by every test folder: a running studio and a browser.

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

from studio.store.database import Database
from support.browser import CHROMIUM, CHROMIUM_ARGS
from support.clients import Studio
from support.servers import start_server


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A server with an admin, two moderators, two officials and two units, shared by a module."""
    server = start_server(tmp_path_factory.mktemp("studio"))
    try:
        yield Studio(server)
    finally:
        server.stop()


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
