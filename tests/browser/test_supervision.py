"""Supervision in Debian's Chromium: the supervisor urges from the console, the public case shows 已督办,
the unit sees the notice on its console, the weekly report prints without its controls."""

from __future__ import annotations

from typing import Any

from support.browser import log_in, phone_page
from support.clients import Studio
from support.servers import STAFF_PASSWORD
from support.supervision import board_case, make_overdue, supervisor

WAIT = 10_000


def test_a_supervisors_urging_reaches_the_public_timeline_and_the_unit(browser: Any, studio: Studio) -> None:
    """Urge an overdue case and record a meeting in the console; a phone shows 已督办 (not the text);
    the unit's console shows the text."""
    supervisor(studio)
    made = board_case(studio, "老旧小区加装电梯补贴什么时候发放？")
    make_overdue(studio, made["id"])
    errors: list[str] = []
    console = log_in(browser, studio.server, "sup1", STAFF_PASSWORD, "/studio/supervision", errors)
    card = console.locator(f'#supervision-cases [data-case-id="{made["id"]}"]')
    card.wait_for(timeout=WAIT)
    assert card.locator('[data-part="late"]').inner_text().startswith("超期 ")
    card.locator('form[data-form="urge"] textarea').fill("请人社局两日内答复并报督查组（内部要求）")
    card.locator('[data-action="urge"]').click()
    card.locator('[data-part="urgings"]', has_text="已督办 1 次").wait_for(timeout=WAIT)
    assert card.locator('[data-part="waiting"]').count() == 1
    card.locator("summary", has_text="记录约谈").click()
    card.locator('form[data-form="follow-up"] select').select_option("meeting")
    card.locator('form[data-form="follow-up"] textarea').fill("约谈人社局分管副局长，承诺本周答复")
    card.locator('[data-action="follow-up"]').click()
    card.locator('[data-part="record"]', has_text="1 次跟进").wait_for(timeout=WAIT)

    viewer = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    viewer.goto(f"{studio.server.base}/board/cases/{made['id']}")
    line = viewer.locator(".timeline .tl-urged")
    line.wait_for(timeout=WAIT)
    assert "已督办" in line.inner_text() and "第 1 次" in line.inner_text()
    assert "内部要求" not in viewer.content() and "约谈" not in viewer.content()

    official = log_in(browser, studio.server, "guest1", STAFF_PASSWORD, "/studio/board", errors)
    notice = official.locator("#unit-urged")
    notice.wait_for(timeout=WAIT)
    assert "请人社局两日内答复并报督查组（内部要求）" in notice.inner_text()
    assert not [e for e in errors if "403" not in e], errors


def test_the_weekly_report_prints_without_its_controls(browser: Any, studio: Studio) -> None:
    """The report's week picker and buttons are hidden in print; the table stays."""
    sup = supervisor(studio)
    made = board_case(studio, "夜市噪音扰民")
    assert sup.post(f"/api/board/cases/{made['id']}/urge", {"text": "请尽快处理"}).status_code == 201
    totals = sup.get("/api/board/supervision/report").json()["totals"]
    page = log_in(browser, studio.server, "sup1", STAFF_PASSWORD, "/studio/supervision/report")
    page.locator("#report-table").wait_for(timeout=WAIT)
    assert page.locator("#report-xlsx").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("#report-xlsx").is_visible()
    assert page.locator("#report-table").is_visible()
    assert page.locator('#report-table tr[data-unit="合计"] td[data-key="urgings"]').inner_text() == str(totals["urgings"])
