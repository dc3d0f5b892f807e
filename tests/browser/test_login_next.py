"""The login page's own check of ``next`` (static/login-next.js) agrees with the server's (safe_next)."""

from __future__ import annotations

from typing import Any

from studio.accounts.sessions import safe_next
from support.clients import Studio
from support.hostile import NEXT_KEPT, NEXT_REFUSED
from support.servers import ADMIN_PASSWORD

WAIT = 10_000


def test_the_script_and_the_server_decide_every_next_alike(browser: Any, studio: Studio) -> None:
    """Each hostile and each plain ``next`` gets the same answer from the page's script as from the server."""
    page = browser.new_context().new_page()
    page.goto(f"{studio.server.base}/studio/login")
    targets = NEXT_REFUSED + NEXT_KEPT + [42, None]
    decided = page.evaluate("async (targets) => { const m = await import('/static/login-next.js');"
                            " return targets.map((t) => m.safeNext(t)); }", targets)
    assert decided == [safe_next(t if isinstance(t, str) else None) for t in targets]


def test_signing_in_with_a_tab_in_next_stays_on_the_site(browser: Any, studio: Studio) -> None:
    """``/studio/login?next=/%09/evil.example/`` signs in and lands on /studio/, not on another host."""
    page = browser.new_context().new_page()
    page.goto(f"{studio.server.base}/studio/login?next=/%09/evil.example/")
    assert page.locator("#login-form").get_attribute("data-next") == "/studio/"
    page.fill("#username", "admin")
    page.fill("#password", ADMIN_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{studio.server.base}/studio/", timeout=WAIT)
