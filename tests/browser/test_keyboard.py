"""Keyboard-only paths in Chromium: the audience page (switch tabs, ask, +1) and the official
console (pick a question, start answering, publish) driven by Tab, arrows, Enter and typing only;
the status regions that tell a screen reader what happened."""

from __future__ import annotations

from typing import Any

from support.browser import watch_errors
from support.clients import Studio
from support.servers import STAFF_PASSWORD

WAIT = 10_000
NARROW = {"width": 390, "height": 844}
FOCUSED = "() => { const a = document.activeElement; return a ? (a.id || a.className || a.tagName) : ''; }"


def tab_to(page: Any, selector: str, *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``; fail if it never does."""
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the keyboard (focus ends on {page.evaluate(FOCUSED)})")


def focused(page: Any, selector: str) -> bool:
    """Whether the focused element matches ``selector``."""
    result: bool = page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector)
    return result


def test_the_audience_page_by_keyboard_alone(browser: Any, studio: Studio) -> None:
    """In a narrow window: arrows switch the tabs, a question is typed and sent, a +1 is given and keeps the focus, and a new answer is announced."""
    slug = studio.new_event()
    unit = studio.units["人社局"]
    waiting = studio.ask(slug, "夜市什么时候恢复营业？", unit=unit)
    waiting = studio.mod1.act(studio.question(slug, waiting["question_id"]), "approve").json()
    errors: list[str] = []
    page = browser.new_context(viewport=NARROW, timezone_id="Asia/Shanghai").new_page()
    watch_errors(page, errors)
    page.goto(f"{studio.server.base}/events/{slug}")
    page.locator("#published .q-card").first.wait_for(timeout=WAIT)

    tab_to(page, "#tab-published")
    for key, name in (("ArrowRight", "answered"), ("ArrowRight", "mine"), ("ArrowRight", "ask"),
                      ("ArrowRight", "published"), ("End", "ask")):
        page.keyboard.press(key)
        assert focused(page, f"#tab-{name}"), page.evaluate(FOCUSED)
        assert page.locator(f"#tab-{name}").get_attribute("aria-selected") == "true"
        assert page.locator(f"#panel-{name}").is_visible()

    tab_to(page, "#ask-text")
    page.keyboard.type("图书馆周末开放到几点？")
    tab_to(page, "#ask-submit")
    page.keyboard.press("Enter")
    result = page.locator("#ask-result")
    result.wait_for(timeout=WAIT)
    assert result.get_attribute("role") == "status" and "提交成功" in result.inner_text()

    tab_to(page, "#tab-ask", back=True)
    page.keyboard.press("Home")
    assert focused(page, "#tab-published") and page.locator("#panel-published").is_visible()
    vote = f'#published button.vote[data-question-id="{waiting["id"]}"]'
    tab_to(page, vote)
    page.keyboard.press("Enter")
    page.locator(f'{vote}.is-voted').wait_for(timeout=WAIT)
    assert focused(page, vote), f"the focus left the +1 button for {page.evaluate(FOCUSED)}"
    assert page.locator(vote).get_attribute("aria-disabled") == "true"
    page.keyboard.press("Enter")  # a second +1 by the same viewer does nothing
    assert page.locator(f"{vote} .vote-count").inner_text().startswith("1")

    on_air = studio.guest1.act(studio.question(slug, waiting["id"]), "on-air").json()
    page.locator("#on-air", has_text="夜市").wait_for(timeout=WAIT)
    assert studio.guest1.act(on_air, "answer", text="下周五起恢复营业。").status_code == 200
    page.locator("#answer-announcer", has_text="下周五起恢复营业").wait_for(state="attached", timeout=WAIT)
    assert page.locator("#answer-announcer").get_attribute("role") == "status"
    assert not errors, errors


def test_the_official_console_by_keyboard_alone(browser: Any, studio: Studio) -> None:
    """Signed in by keyboard, an official picks a question, starts answering (the focus goes to the answer box), types and publishes; the console's status region says so."""
    slug = studio.new_event()
    unit = studio.units["人社局"]
    for text in ("公租房怎么排号？", "养老金什么时候调整？"):
        asked = studio.ask(slug, text, unit=unit)
        studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    errors: list[str] = []
    page = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Shanghai").new_page()
    watch_errors(page, errors)
    page.goto(f"{studio.server.base}/studio/login?next=/studio/events/{slug}/answer")
    tab_to(page, "#username")
    page.keyboard.type("guest1")
    page.keyboard.press("Tab")
    page.keyboard.type(STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/studio/events/{slug}/answer")
    page.locator("#queue .q-item").nth(1).wait_for(timeout=WAIT)

    chosen = page.locator("#queue .q-item", has_text="养老金")
    question_id = chosen.get_attribute("data-question-id")
    start = f'#queue .q-item[data-question-id="{question_id}"] [data-action="on-air"]'
    tab_to(page, start)
    page.keyboard.press("Enter")
    page.locator("#on-air .on-air-console-card", has_text="养老金").wait_for(timeout=WAIT)
    assert focused(page, "#answer-text"), f"the focus is on {page.evaluate(FOCUSED)}, not the answer box"
    status = page.locator("#console-status")
    assert status.get_attribute("role") == "status"
    page.locator("#console-status", has_text="养老金").wait_for(state="attached", timeout=WAIT)

    page.keyboard.type("明年一月起按新标准发放。")
    tab_to(page, "#answer-submit")
    page.keyboard.press("Enter")
    page.locator("#answered .q-item", has_text="明年一月起按新标准发放").wait_for(timeout=WAIT)
    page.locator("#console-status", has_text="回答已发布").wait_for(state="attached", timeout=WAIT)
    assert not focused(page, "body"), "the focus was dropped when the answer was published"
    assert focused(page, "#queue .q-item [data-action='on-air']"), page.evaluate(FOCUSED)
    assert not errors, errors
