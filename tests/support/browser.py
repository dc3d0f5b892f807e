"""Debian's Chromium through Playwright: where it is, how it starts, signing in, phone pages, collecting errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from support.servers import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ["STUDIO_SCREENSHOTS"]) if os.environ.get("STUDIO_SCREENSHOTS") else None
"""Where tests save screenshots of the pages they drove, when ``STUDIO_SCREENSHOTS`` names a folder."""


def watch_errors(page: Any, errors: list[str]) -> None:
    """Collect uncaught page errors and console errors into ``errors``."""
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)


def phone_page(chromium: Any, errors: list[str] | None = None, **options: Any) -> Any:
    """A page in a new phone-sized mobile context; ``options`` add to the context's (``has_touch``,
    ``timezone_id``, …); uncaught and console errors go into ``errors`` when it is given."""
    page = chromium.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, **options).new_page()
    if errors is not None:
        watch_errors(page, errors)
    return page


def log_in(chromium: Any, server: Server, username: str, password: str, target: str = "/studio/",
           errors: list[str] | None = None) -> Any:
    """A new desktop browser context (Shanghai time) signed in through the login page, returned once
    ``target`` has loaded (its scripts run), not while the login page (whose ``?next=`` names the
    target) is still showing."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Shanghai")
    page = context.new_page()
    if errors is not None:
        watch_errors(page, errors)
    page.goto(f"{server.base}/studio/login?next={target}")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/studio/login" not in url and url.endswith(target), wait_until="load")
    return page
