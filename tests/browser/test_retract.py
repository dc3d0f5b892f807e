"""An asker retracts their pending question on the tracking page in Chromium; the button goes away
live once a moderator approves another asker's question."""

from __future__ import annotations

from typing import Any

from support.browser import phone_page
from support.clients import Studio


def test_retract_button_on_the_tracking_page(browser: Any, studio: Studio) -> None:
    """撤回提问 retracts the pending question and the page then says so; on a question that gets
    approved while its page is open, the button hides itself."""
    slug = studio.new_event()
    mine = studio.ask(slug, "浏览器里撤回的问题")
    theirs = studio.ask(slug, "会被审核通过的问题")
    errors: list[str] = []
    page = phone_page(browser, errors)
    try:
        page.goto(f"{studio.server.base}/track/{mine['tracking_code']}")
        page.locator("#track-retract button").click()
        page.wait_for_url(f"**/track/{mine['tracking_code']}")
        page.locator("#track-status[data-status='retracted']").wait_for(timeout=10_000)
        assert "您已撤回这个问题" in page.locator("#track-body").inner_text()
        assert page.locator("#track-retract").is_hidden()

        page.goto(f"{studio.server.base}/track/{theirs['tracking_code']}")
        page.locator("#track-retract").wait_for(state="visible", timeout=10_000)
        assert studio.mod1.act(studio.question(slug, theirs["question_id"]), "approve").status_code == 200
        page.locator("#track-status[data-status='approved']").wait_for(timeout=10_000)
        page.locator("#track-retract").wait_for(state="hidden", timeout=10_000)
    finally:
        page.context.close()
    assert errors == []
