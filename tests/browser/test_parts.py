"""The console and audience parts the other browser tests leave aside: filters, bulk, transfer, off air, 同问."""

from __future__ import annotations

from typing import Any

from support.browser import log_in, phone_page
from support.clients import Studio
from support.servers import STAFF_PASSWORD

WAIT = 10_000


def queue_item(page: Any, asked: dict[str, Any]) -> Any:
    found = page.locator(f'#queue .q-item[data-question-id="{asked["question_id"]}"]')
    found.wait_for(timeout=WAIT)
    return found


def test_the_desk_filters_bulk_approves_and_transfers(browser: Any, studio: Studio) -> None:
    """Only-flagged filter, bulk approve and bulk reject with a reason, then transfer from the approved list."""
    slug = studio.new_event()
    flagged = studio.ask(slug, "我的电话13912345678，小区停水三天了")
    plain = [studio.ask(slug, text) for text in ("菜市场什么时候改造？", "图书馆周末开放吗？", "公园能不能多装几个路灯？")]
    errors: list[str] = []
    desk = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, f"/studio/events/{slug}/moderate", errors=errors)
    for asked in (flagged, *plain):
        queue_item(desk, asked)
    assert desk.locator("#count-pending").inner_text() == "4"
    assert desk.locator('#counts [data-status="pending"] .count-l').inner_text() == "审核中"

    desk.check("#filter-flagged")
    desk.locator("#queue-shown", has_text="筛选后显示").wait_for(timeout=WAIT)
    shown = desk.locator("#queue .q-item")
    assert shown.count() == desk.locator("#queue .q-item.has-flags").count() < 4
    assert queue_item(desk, flagged).locator("mark.flag-pii").count() == 1
    desk.uncheck("#filter-flagged")
    desk.locator("#queue .q-item").nth(3).wait_for(timeout=WAIT)

    queue_item(desk, plain[0]).locator(".q-select").check()
    queue_item(desk, plain[1]).locator(".q-select").check()
    desk.locator("#bulk-count", has_text="2").wait_for(timeout=WAIT)
    desk.click('[data-bulk="approve"]')
    desk.locator("#bulk-results .bulk-ok").nth(1).wait_for(timeout=WAIT)
    assert "已通过" in desk.locator("#bulk-results").inner_text()
    approved = desk.locator(f'#approved .a-item[data-question-id="{plain[0]["question_id"]}"]')
    approved.wait_for(timeout=WAIT)
    assert approved.locator(".badge-q-approved").inner_text() == "已通过"

    queue_item(desk, plain[2]).locator(".q-select").check()
    desk.click('[data-bulk="reject"]')
    desk.locator("#bulk-results .bulk-failed", has_text="理由").wait_for(timeout=WAIT)
    desk.select_option("#bulk-reason", index=1)
    desk.click('[data-bulk="reject"]')
    desk.locator(f'#handled .h-item[data-question-id="{plain[2]["question_id"]}"] .badge-q-rejected').wait_for(
        state="attached", timeout=WAIT)

    approved.locator('[data-action="transfer"]').click()
    approved.locator('select[name="unit"]').select_option(str(studio.units["人社局"]))
    assert "办理时限 5 个工作日" in approved.locator(".inline-form").inner_text()
    approved.locator('[data-confirm="transfer"]').click()
    moved = desk.locator(f'#handled .h-item[data-question-id="{plain[0]["question_id"]}"]')
    moved.wait_for(state="attached", timeout=WAIT)
    assert moved.locator(".badge-q-transferred").text_content() == "已转办"
    assert studio.question(slug, plain[0]["question_id"])["status"] == "transferred"
    assert not errors, errors


def test_the_guest_desk_transfers_and_takes_a_question_off_air(browser: Any, studio: Studio) -> None:
    """The guest's transfer form states the board's deadlines; off air puts the question back in the queue."""
    slug = studio.new_event()
    first = studio.ask(slug, "招聘会外地学生能参加吗？")
    second = studio.ask(slug, "租房补贴怎么申请？")
    for asked in (first, second):
        assert studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").status_code == 200
    errors: list[str] = []
    guest = log_in(browser, studio.server, "guest1", STAFF_PASSWORD, f"/studio/events/{slug}/answer", errors=errors)

    card = queue_item(guest, second)
    card.locator('[data-action="transfer"]').click()
    hint = card.locator(".inline-form .hint")
    assert "一般 3 个工作日，疑难 5 个工作日" in hint.inner_text()
    card.locator('[data-cancel="transfer"]').click()
    hint.wait_for(state="detached", timeout=WAIT)

    queue_item(guest, first).locator('[data-action="on-air"]').click()
    on_air = guest.locator("#on-air .on-air-card")
    on_air.wait_for(timeout=WAIT)
    assert on_air.locator(".on-air-badge").inner_text() == "正在回答"
    on_air.locator('[data-action="off-air"]').click()
    queue_item(guest, first)
    assert studio.question(slug, first["question_id"])["status"] == "approved"
    assert not errors, errors


def test_the_audience_votes_sorts_and_keeps_its_questions(browser: Any, studio: Studio) -> None:
    """同问 marks the button and counts, 同问最多 reorders, and my question is listed with its rating code."""
    slug = studio.new_event()
    older = studio.ask(slug, "老城区停车难怎么解决？")
    newer = studio.ask(slug, "夜市什么时候开放？")
    for asked in (older, newer):
        assert studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").status_code == 200
    errors: list[str] = []
    phone = phone_page(browser, errors)
    phone.goto(f"{studio.server.base}/events/{slug}")
    ids = lambda: phone.locator("#published .q-card").evaluate_all(  # noqa: E731
        "cards => cards.map((c) => Number(c.dataset.questionId))")
    phone.locator("#published .q-card").nth(1).wait_for(timeout=WAIT)
    assert ids() == [newer["question_id"], older["question_id"]]

    vote = phone.locator(f'#published .q-card[data-question-id="{older["question_id"]}"] button.vote')
    vote.click()
    phone.locator(f'#published .q-card[data-question-id="{older["question_id"]}"] button.vote.is-voted').wait_for(
        timeout=WAIT)
    phone.click('.seg-btn[data-sort="hot"]')
    assert phone.locator('.seg-btn[data-sort="hot"]').get_attribute("aria-pressed") == "true"
    assert ids() == [older["question_id"], newer["question_id"]]

    phone.click("#tab-ask")
    phone.fill("#ask-text", "图书馆周末开放吗？")
    phone.click("#ask-submit")
    rating = phone.locator("#ask-rating-code")
    rating.wait_for(state="visible", timeout=WAIT)
    phone.click("#tab-mine")
    mine = phone.locator("#my-questions .my-item", has_text="图书馆周末开放吗？")
    mine.wait_for(timeout=WAIT)
    assert rating.inner_text() in mine.inner_text()
    assert not errors, errors
