"""Colour schemes and motion in Chromium: ``prefers-color-scheme: dark`` darkens the public pages, the
embedded feed and the staff consoles; the elderly mode's black on white wins over it; print stays
light; with ``prefers-reduced-motion`` a scroll the page makes is instant, not smooth."""

from __future__ import annotations

from typing import Any

from support.clients import Studio
from support.servers import STAFF_PASSWORD

WAIT = 10_000
COLOURS = """(selector) => { const s = getComputedStyle(document.querySelector(selector));
  return [s.backgroundColor, s.color]; }"""
LIGHTNESS = """(colour) => { const [r, g, b] = colour.match(/\\d+/g).map(Number);
  const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); }"""


def colours(page: Any, selector: str = "body") -> tuple[float, float]:
    """The relative luminance of the element's computed background and text colours."""
    background, text = page.evaluate(COLOURS, selector)
    return page.evaluate(LIGHTNESS, background), page.evaluate(LIGHTNESS, text)


def test_dark_mode_changes_the_computed_colours(browser: Any, studio: Studio) -> None:
    """The same pages in the light and the dark scheme: dark backgrounds with light text in the dark one, on public pages, the embed and a console."""
    slug = studio.new_event()
    studio.ask(slug, "公园夜间开放吗？")
    pages = [("/", "body"), (f"/events/{slug}", ".ev-head"), (f"/events/{slug}/embed", "body"),
             ("/board", "body"), ("/studio/login", ".login")]
    seen: dict[str, list[tuple[float, float]]] = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        seen[scheme] = []
        for path, selector in pages:
            page.goto(studio.server.base + path)
            page.locator(selector).first.wait_for(timeout=WAIT)
            seen[scheme].append(colours(page, selector))
        assert context.request.post(f"{studio.server.base}/api/login",
                                    data={"username": "mod1", "password": STAFF_PASSWORD}).ok
        page.goto(f"{studio.server.base}/studio/events/{slug}/moderate")
        page.locator("#queue .q-item").first.wait_for(timeout=WAIT)
        seen[scheme].append(colours(page, "#queue .q-item"))
        context.close()
    for (light_bg, light_text), (dark_bg, dark_text) in zip(seen["light"], seen["dark"], strict=True):
        assert light_bg > 0.8 and light_text < 0.05
        assert dark_bg < 0.03 and dark_text > 0.6


def test_the_elderly_mode_wins_over_dark_mode(browser: Any, studio: Studio) -> None:
    """In the dark scheme the elderly mode switch still gives black text on a white page and cards."""
    slug = studio.new_event()
    page = browser.new_context(color_scheme="dark", viewport={"width": 390, "height": 844}).new_page()
    page.goto(f"{studio.server.base}/events/{slug}")
    page.locator("[data-elder-toggle]").click()
    page.locator("html.elder").wait_for(state="attached", timeout=WAIT)
    for selector in ("body", ".ev-head", "#ask-text"):
        background, text = colours(page, selector)
        assert background == 1.0 and text == 0.0, selector


BODY_SEEN = """() => { window.elderAtBody = null;
  new MutationObserver((changes, observer) => { if (document.body) {
    window.elderAtBody = document.documentElement.classList.contains('elder'); observer.disconnect(); } })
  .observe(document, { childList: true, subtree: true }); }"""
"""Records, as the page's <body> is parsed, whether <html> already has the elderly mode's class."""


def test_a_remembered_elderly_mode_applies_before_the_body_is_drawn(browser: Any, studio: Studio) -> None:
    """Switched on once, the mode is on <html> before the body exists on the next page, so a dark-scheme reader never sees the dark page first."""
    context = browser.new_context(color_scheme="dark")
    context.add_init_script(script=f"({BODY_SEEN})()")
    page = context.new_page()
    page.goto(f"{studio.server.base}/board")
    assert page.evaluate("window.elderAtBody") is False
    page.locator("[data-elder-toggle]").click()
    page.goto(f"{studio.server.base}/privacy")
    assert page.evaluate("window.elderAtBody") is True
    assert page.locator("[data-elder-toggle]").get_attribute("aria-pressed") == "true"
    context.close()


def test_print_stays_black_on_white_in_dark_mode(browser: Any, studio: Studio) -> None:
    """Printing a page from a browser in dark mode uses the light colours."""
    page = browser.new_context(color_scheme="dark").new_page()
    page.goto(f"{studio.server.base}/board")
    assert colours(page)[0] < 0.03
    page.emulate_media(media="print")
    background, text = colours(page)
    assert background == 1.0 and text == 0.0


def test_reduced_motion_makes_the_on_air_toast_jump_at_once(browser: Any, studio: Studio) -> None:
    """Scrolled away from 正在回答, a new question on air shows the toast; its click moves the page at once under reduced motion, smoothly otherwise."""
    unit = studio.units["人社局"]
    for motion, instant in (("reduce", True), ("no-preference", False)):
        slug = studio.new_event()
        for n in range(6):
            studio.mod1.act(studio.question(slug, studio.ask(slug, f"第{n + 1}个问题：小区充电桩怎么装？", unit=unit)
                                            ["question_id"]), "approve")
        question = studio.question(slug, studio.ask(slug, "夜班公交能加密吗？", unit=unit)["question_id"])
        question = studio.mod1.act(question, "approve").json()
        page = browser.new_context(viewport={"width": 1280, "height": 500}, reduced_motion=motion).new_page()
        page.goto(f"{studio.server.base}/events/{slug}")
        page.locator("#published .q-card").nth(6).wait_for(timeout=WAIT)
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_function("() => window.scrollY > 300", timeout=WAIT)
        assert studio.guest1.act(question, "on-air").status_code == 200
        page.locator("#on-air-toast").wait_for(timeout=WAIT)
        before, after = page.evaluate("() => { const y = window.scrollY; document.querySelector('#on-air-toast').click();"
                                      " return [y, window.scrollY]; }")
        assert (after < before) is instant, (motion, before, after)
        page.locator("#on-air", has_text="夜班公交").wait_for(timeout=WAIT)
        page.context.close()
