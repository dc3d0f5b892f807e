"""Real pages in Debian's Chromium (Playwright): audience, moderator and official drive the loop."""

from __future__ import annotations

from urllib.parse import urljoin

from support.browser import SCREENSHOTS, log_in, phone_page
from support.clients import Studio
from support.servers import STAFF_PASSWORD


def test_three_pages_drive_the_loop(browser: object, studio: Studio) -> None:
    """A netizen asks on a phone, a moderator approves, an official answers; the phone shows it."""
    slug = studio.new_event()
    errors: list[str] = []

    phone = phone_page(browser, errors, has_touch=True)
    phone.goto(f"{studio.server.base}/events/{slug}")
    moderator = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, f"/studio/events/{slug}/moderate")
    official = log_in(browser, studio.server, "guest1", STAFF_PASSWORD, f"/studio/events/{slug}/answer")
    for page in (moderator, official):
        page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]

    question_text = "校园招聘会外地学生可以参加吗？"
    phone.click("#tab-ask")
    phone.fill("#ask-text", question_text)
    phone.fill("#ask-nickname", "应届生")
    phone.click("#ask-submit")
    tracking = phone.locator("#ask-tracking-link")
    tracking.wait_for(state="visible", timeout=10_000)
    assert "/track/" in (tracking.get_attribute("href") or "")

    item = moderator.locator(".q-item", has_text=question_text)  # type: ignore[attr-defined]
    item.wait_for(timeout=10_000)
    item.locator('[data-action="approve"]').click()
    item.locator('[data-confirm="approve"]').click()

    phone.click("#tab-published")
    published = phone.locator("#published", has_text=question_text)
    published.wait_for(timeout=10_000)

    card = official.locator(".q-item", has_text=question_text)  # type: ignore[attr-defined]
    card.wait_for(timeout=10_000)
    card.locator('[data-action="on-air"]').click()
    phone.locator("#on-air", has_text=question_text).wait_for(timeout=10_000)

    answer_text = "欢迎外地院校学生参加，凭学生证入场。"
    official.fill("#answer-text", answer_text)  # type: ignore[attr-defined]
    official.click("#answer-submit")  # type: ignore[attr-defined]
    phone.click("#tab-answered")
    phone.locator("#answered", has_text=answer_text).wait_for(timeout=10_000)

    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(SCREENSHOTS / "audience-phone.png"), full_page=True)
        moderator.screenshot(path=str(SCREENSHOTS / "moderator.png"))  # type: ignore[attr-defined]
        official.screenshot(path=str(SCREENSHOTS / "official.png"))  # type: ignore[attr-defined]

    phone.goto(urljoin(studio.server.base + "/", tracking.get_attribute("href") or ""))
    phone.get_by_text(answer_text).first.wait_for(timeout=10_000)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert not errors, errors
