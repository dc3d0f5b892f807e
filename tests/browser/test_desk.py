"""The moderation desk in Debian's Chromium, driven by the keyboard alone."""

from __future__ import annotations

from typing import Any

from support.browser import log_in, phone_page
from support.clients import Studio, frames_until
from support.servers import STAFF_PASSWORD

WAIT = 10_000
PHONE = "13912345678"


def test_a_queue_is_moderated_with_the_keyboard_alone(browser: Any, studio: Studio) -> None:
    """j/a approve, r+5 reject with a reason, s+a approve redacted, m+Enter merge; ? shows the key map; counts go live."""
    slug = studio.new_event()
    base = "公交线路什么时候调整？我家门口的公交站已经停用很久了，出行很不方便"
    one = studio.ask(slug, base)
    two = studio.ask(slug, "加微信领红包，代开发票，加微信")
    three = studio.ask(slug, f"我的电话{PHONE}，小区路灯坏了请回电")
    four = studio.ask(slug, base + "！")
    watcher = studio.mod2.staff_ws(slug)
    frames_until(watcher, "staff.snapshot", {})
    errors: list[str] = []
    phone = phone_page(browser)
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    phone.goto(f"{studio.server.base}/events/{slug}")
    page = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, f"/studio/events/{slug}/moderate",
                  errors=errors)
    for asked in (one, two, three, four):
        page.locator(f'#queue .q-item[data-question-id="{asked["question_id"]}"]').wait_for(timeout=WAIT)

    page.keyboard.press("?")
    page.locator("#help", has_text="下一条").wait_for(state="visible", timeout=WAIT)
    assert page.locator("#help").inner_text().count("Esc") >= 1
    page.keyboard.press("Escape")
    page.locator("#help").wait_for(state="hidden", timeout=WAIT)

    def current() -> Any:
        found = page.locator("#queue .q-item.is-current")
        found.wait_for(timeout=WAIT)
        return found

    page.keyboard.press("j")
    assert current().get_attribute("data-question-id") == str(one["question_id"])
    assert page.locator("#oldest-wait").get_attribute("data-question-id") == str(one["question_id"])
    claimed = frames_until(watcher, "question.claimed", {"question": one["question_id"]})
    assert claimed["by"] == "mod1"
    page.keyboard.press("a")
    page.locator(f'#approved .a-item[data-question-id="{one["question_id"]}"]').wait_for(timeout=WAIT)

    page.locator(f'#queue .q-item.is-current[data-question-id="{two["question_id"]}"]').wait_for(timeout=WAIT)
    page.keyboard.press("r")
    current().locator(".reason-picker").wait_for(timeout=WAIT)
    page.keyboard.press("5")  # 广告信息: chosen, then confirmed
    current().locator(".reject-confirm", has_text="广告信息").wait_for(timeout=WAIT)
    assert current().get_attribute("data-status") == "pending"
    page.keyboard.press("Enter")
    page.locator(f'#queue .q-item.is-current[data-question-id="{three["question_id"]}"]').wait_for(timeout=WAIT)

    page.keyboard.press("a")  # personal data: the first a only shows the text
    current().locator(".q-error", has_text="个人信息").wait_for(timeout=WAIT)
    assert current().get_attribute("data-status") == "pending"
    page.keyboard.press("s")
    text = current().locator('textarea[name="text"]')
    text.wait_for(timeout=WAIT)
    assert PHONE not in text.input_value()
    page.keyboard.press("a")
    page.locator(f'#approved .a-item[data-question-id="{three["question_id"]}"]').wait_for(timeout=WAIT)

    page.locator(f'#queue .q-item.is-current[data-question-id="{four["question_id"]}"]').wait_for(timeout=WAIT)
    page.keyboard.press("m")
    selected = current().locator('select[name="into"]')
    selected.wait_for(timeout=WAIT)
    assert selected.input_value() == str(one["question_id"])
    page.keyboard.press("Enter")
    page.locator("#queue-empty").wait_for(state="visible", timeout=WAIT)

    # the audience page's public counts follow live (stats frames)
    phone.locator('#transparency [data-t="rejected"]', has_text="1").wait_for(timeout=WAIT)
    phone.locator('#transparency [data-t="merged"]', has_text="1").wait_for(timeout=WAIT)
    phone.locator("#tp-reasons", has_text="广告信息").wait_for(timeout=WAIT)
    assert PHONE not in phone.content()

    queue = {q["id"]: q for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
    assert queue[one["question_id"]]["status"] == "approved"
    assert (queue[two["question_id"]]["status"], queue[two["question_id"]]["reason"]) == ("rejected", "广告信息")
    assert queue[three["question_id"]]["status"] == "approved"
    assert PHONE not in queue[three["question_id"]]["text"]
    assert queue[three["question_id"]]["original_text"].count(PHONE) == 1
    assert (queue[four["question_id"]]["status"], queue[four["question_id"]]["merged_into"]) == (
        "merged", one["question_id"])
    watcher.close()
    assert not errors, errors


def test_admin_edits_the_lexicon_and_the_reasons_in_the_studio(browser: Any, studio: Studio) -> None:
    """Lexicon page: add, filter, import with a line-numbered error, remove; reasons page: reword."""
    errors: list[str] = []
    page = log_in(browser, studio.server, "admin", "admin-password-1", "/studio/lexicon", errors=errors)
    page.locator("#lx-rows tr").first.wait_for(timeout=WAIT)
    page.fill("#lx-term", "浏览器测试词")
    page.fill("#lx-category", "rumour")
    page.select_option("#lx-level", "block")
    page.click("#lx-add-submit")
    page.fill("#lx-q", "浏览器测试")
    row = page.locator("#lx-rows tr", has_text="浏览器测试词")
    row.wait_for(timeout=WAIT)
    page.locator("#lx-total", has_text="（1）").wait_for(timeout=WAIT)
    page.fill("#lx-import-text", "好的词\tads\treview\n坏的词\tads\tsometimes\n")
    page.click("#lx-import-submit")
    page.locator("#lx-import-error", has_text="第 2 行").wait_for(timeout=WAIT)
    row.locator("[data-remove]").click()
    page.locator("#lx-empty").wait_for(state="visible", timeout=WAIT)
    assert studio.admin.get("/api/lexicon?q=浏览器测试词").json()["total"] == 0

    page.goto(f"{studio.server.base}/studio/reasons")
    line = page.locator('#rs-rows tr[data-code="unverified"]')
    line.locator(".rs-text").fill("内容涉嫌不实")
    line.locator("[data-save]").click()
    page.locator("#rs-ok", has_text="内容涉嫌不实").wait_for(timeout=WAIT)
    reasons = {r["code"]: r["text"] for r in studio.mod1.get("/api/reasons").json()}
    assert reasons["unverified"] == "内容涉嫌不实"
    unexpected = [e for e in errors if "status of 400" not in e]  # the refused import
    assert not unexpected, unexpected
