"""Every phone and every reader in Chromium: the elderly-friendly mode switch persists and enlarges
text and targets; reduced motion stops animations; a new answer is announced to screen readers."""

from __future__ import annotations

from typing import Any

from support.browser import PHONE_VIEWPORT, watch_errors
from support.clients import Studio

WAIT = 10_000
SIZE = "(selector) => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)"
HEIGHT = "(selector) => document.querySelector(selector).getBoundingClientRect().height"


def test_the_elder_switch_persists_and_enlarges_text(browser: Any, studio: Studio) -> None:
    """Switched on, text is 1.25× and buttons at least 48 px; a reload and another public page keep it; off stays off."""
    slug = studio.new_event()
    errors: list[str] = []
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch_errors(page, errors)
    page.goto(f"{studio.server.base}/events/{slug}")
    toggle = page.locator("[data-elder-toggle]")
    toggle.wait_for(timeout=WAIT)
    assert toggle.get_attribute("aria-pressed") == "false"
    title, body = page.evaluate(SIZE, ".ev-title"), page.evaluate(SIZE, ".ask-mode")
    toggle.click()
    page.locator("html.elder").wait_for(state="attached", timeout=WAIT)
    assert toggle.get_attribute("aria-pressed") == "true" and toggle.inner_text() == "标准模式"
    assert page.evaluate(SIZE, ".ev-title") == title * 1.25
    assert page.evaluate(SIZE, ".ask-mode") >= body * 1.25
    assert page.evaluate(HEIGHT, "#tab-published") >= 48 and page.evaluate(HEIGHT, "[data-elder-toggle]") >= 48
    page.reload()
    page.locator("html.elder").wait_for(state="attached", timeout=WAIT)
    other = context.new_page()
    other.goto(f"{studio.server.base}/board")
    other.locator("html.elder").wait_for(state="attached", timeout=WAIT)
    assert other.locator("[data-elder-toggle]").get_attribute("aria-pressed") == "true"
    other.locator("[data-elder-toggle]").click()
    assert other.locator("html.elder").count() == 0
    page.reload()
    page.locator("[data-elder-toggle][aria-pressed='false']").wait_for(timeout=WAIT)
    assert page.locator("html.elder").count() == 0
    assert page.evaluate(SIZE, ".ev-title") == title
    staff_page = context.new_page()
    staff_page.goto(f"{studio.server.base}/studio/login")
    assert staff_page.locator("[data-elder-toggle]").count() == 0
    assert not errors, errors


def test_reduced_motion_and_a_new_answer_announced(browser: Any, studio: Studio) -> None:
    """With prefers-reduced-motion the live dot does not animate; an answer posted live fills the status region."""
    slug = studio.new_event()
    asked = studio.ask(slug, "社区医院周末有门诊吗？", unit=studio.units["人社局"])
    question = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
    question = studio.guest1.act(question, "on-air").json()
    page = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce").new_page()
    page.goto(f"{studio.server.base}/events/{slug}")
    page.locator("#on-air", has_text="社区医院").wait_for(timeout=WAIT)
    duration = page.evaluate("() => getComputedStyle(document.querySelector('.live-dot')).animationName")
    assert duration == "none"
    region = page.locator("#answer-announcer")
    assert region.get_attribute("role") == "status" and region.inner_text() == ""
    assert studio.guest1.act(question, "answer", text="周六上午有全科门诊。").status_code == 200
    page.locator("#answer-announcer", has_text="周六上午有全科门诊").wait_for(state="attached", timeout=WAIT)
    assert "社区医院周末有门诊吗" in region.text_content()
