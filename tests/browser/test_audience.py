"""The audience page on a phone: the tab bar over the feed, and the ask form's nickname."""

from __future__ import annotations

from typing import Any

from support.browser import phone_page
from support.clients import Studio

WAIT = 10_000
SELECTED = '#ev-tabs [aria-selected="true"]'


def published(studio: Studio, slug: str, text: str) -> dict[str, Any]:
    asked = studio.ask(slug, text)
    assert studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").status_code == 200
    return asked


def ask(page: Any, text: str) -> str:
    """Ask ``text`` through the form; the new question's tracking link."""
    page.fill("#ask-text", text)
    page.click("#ask-submit")
    page.locator("#ask-result .ask-result-title").wait_for(timeout=WAIT)
    page.locator("#ask-submit", has_text="提交问题").wait_for(timeout=WAIT)
    link: str = page.locator("#ask-tracking-link").inner_text()
    return link


def test_the_questions_to_join_are_one_tap_away_under_a_sticky_tab_bar(browser: Any, studio: Studio) -> None:
    """待回答 is the first tab on a phone and one tap on it brings its 同问 buttons on screen, the bar
    sticks to the top, the keys move between tabs, an event not yet begun opens on 提问 (without
    已回答), and a wide screen shows every section."""
    slug = studio.new_event()
    for n in range(6):
        published(studio, slug, f"第{n + 1}个问题：小区周边的道路什么时候修好？")
    phone = phone_page(browser, has_touch=True)
    phone.goto(f"{studio.server.base}/events/{slug}")
    assert phone.locator(SELECTED).get_attribute("id") == "tab-published"
    first_vote = phone.locator("#published .q-card button.vote").first
    first_vote.wait_for(timeout=WAIT)
    assert phone.locator("#tab-count-published").inner_text() == "6"
    assert phone.locator("#ev-tabs").bounding_box()["y"] < 844
    assert phone.locator("#ask-form").is_hidden() and phone.locator("#answered-empty").is_hidden()
    phone.click("#tab-published")  # one tap: the bar at the top, the list under it
    assert abs(phone.locator("#ev-tabs").bounding_box()["y"]) < 1
    box = first_vote.bounding_box()
    assert 0 < box["y"] and box["y"] + box["height"] < 844

    phone.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    phone.wait_for_function("Math.abs(document.getElementById('ev-tabs').getBoundingClientRect().top) < 1")
    phone.click("#tab-answered")
    assert phone.locator("#answered-empty").is_visible() and phone.locator("#published").is_hidden()
    assert phone.locator("#tab-published").get_attribute("tabindex") == "-1"

    phone.focus("#tab-answered")
    phone.keyboard.press("ArrowRight")
    assert phone.evaluate("document.activeElement.id") == "tab-mine"
    assert phone.locator("#my-empty").is_visible()
    phone.keyboard.press("End")
    assert phone.locator(SELECTED).get_attribute("id") == "tab-ask"
    assert phone.locator("#ask-form").is_visible()
    phone.keyboard.press("Home")
    assert phone.evaluate("document.activeElement.id") == "tab-published"
    assert phone.locator("#published").is_visible()

    upcoming = studio.new_event(open_it=False)
    phone.goto(f"{studio.server.base}/events/{upcoming}")
    assert phone.locator(SELECTED).get_attribute("id") == "tab-ask"  # before the start: collecting questions
    assert phone.locator("#ask-form").is_visible() and phone.locator("#tab-answered").is_hidden()

    wide = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    wide.goto(f"{studio.server.base}/events/{slug}")
    wide.locator("#published .q-card").first.wait_for(timeout=WAIT)
    assert wide.locator("#ev-tabs").is_hidden()
    assert wide.locator("#ask-form").is_visible() and wide.locator("#answered-empty").is_visible()
    wide.context.close()


def test_the_nickname_is_cleared_after_each_question_unless_remembered(browser: Any, studio: Studio) -> None:
    """A question signed 张三 leaves the next one anonymous; 记住昵称 keeps 李四 across questions and
    reloads (in this browser only) until it is unticked."""
    slug = studio.new_event()
    errors: list[str] = []
    phone = phone_page(browser, errors, has_touch=True)
    phone.goto(f"{studio.server.base}/events/{slug}")
    phone.click("#tab-ask")
    sign = phone.locator("#ask-sign")
    assert sign.inner_text().startswith("将匿名提问")
    phone.fill("#ask-nickname", "张三")
    assert sign.inner_text() == "将以「张三」署名"

    ask(phone, "第一个问题：公园几点关门？")
    assert phone.input_value("#ask-nickname") == ""
    assert sign.inner_text().startswith("将匿名提问")
    ask(phone, "第二个问题：公园可以遛狗吗？")
    queue = {q["text"]: q["nickname"] for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
    assert queue["第一个问题：公园几点关门？"] == "张三"
    assert queue["第二个问题：公园可以遛狗吗？"] == "网友"  # no nickname sent
    assert phone.evaluate("localStorage.getItem('wzft.nickname')") is None

    phone.fill("#ask-nickname", "李四")
    phone.check("#ask-remember")
    ask(phone, "第三个问题：公园有停车场吗？")
    assert phone.input_value("#ask-nickname") == "李四"
    assert sign.inner_text() == "将以「李四」署名"
    phone.reload()
    phone.click("#tab-ask")
    assert phone.input_value("#ask-nickname") == "李四"
    assert phone.is_checked("#ask-remember")
    phone.uncheck("#ask-remember")
    assert phone.evaluate("localStorage.getItem('wzft.nickname')") is None
    ask(phone, "第四个问题：公园晚上有路灯吗？")
    assert phone.input_value("#ask-nickname") == ""
    phone.reload()
    phone.click("#tab-ask")
    assert phone.input_value("#ask-nickname") == "" and not phone.is_checked("#ask-remember")
    queue = {q["text"]: q["nickname"] for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
    assert queue["第三个问题：公园有停车场吗？"] == "李四" and queue["第四个问题：公园晚上有路灯吗？"] == "李四"
    assert not errors, errors
