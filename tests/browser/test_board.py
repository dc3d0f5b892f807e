"""The board in Debian's Chromium: the unit replies in its console, the asker rates, the ranking changes."""

from __future__ import annotations

import uuid
from typing import Any

from support.browser import SCREENSHOTS, log_in, phone_page
from support.clients import Studio
from support.servers import STAFF_PASSWORD


def ranking_cell(page: Any, unit: str, key: str) -> str:
    text: str = page.locator(f'tr[data-unit="{unit}"] td[data-key="{key}"]').inner_text()
    return text.strip()


def test_reply_rate_and_rank(browser: Any, studio: Studio) -> None:
    """A case from a closed event: the official accepts and replies, the asker rates 满意, the ranking shows it."""
    slug = studio.new_event()
    receipt = studio.ask(slug, "高校毕业生就业补贴怎么申请？", unit=studio.units["人社局"])
    question = studio.question(slug, receipt["question_id"])
    assert studio.mod1.act(question, "approve").status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        case_id = client.get(f"/api/track/{receipt['tracking_code']}").json()["case"]["id"]

    errors: list[str] = []
    official = log_in(browser, studio.server, "guest1", STAFF_PASSWORD, "/studio/board", errors)
    card = official.locator(f'#unit-to_accept [data-case-id="{case_id}"]')
    card.wait_for(timeout=10_000)
    card.locator('[data-action="accept"]').click()
    card = official.locator(f'#unit-accepted [data-case-id="{case_id}"]')
    card.wait_for(timeout=10_000)
    reply = "您好！毕业两年内的高校毕业生可申请就业补贴。\n\n请登录人社服务平台提交申请。"
    card.locator("textarea[name=text]").fill(reply)
    card.locator('[data-action="reply"]').click()
    replied = official.locator(f'#unit-replied [data-case-id="{case_id}"]')
    replied.wait_for(timeout=10_000)
    quality = replied.locator(".reply-quality")  # staff only: about the message, nothing promised
    assert quality.get_attribute("data-points") == "1"
    assert (quality.locator('[data-indicator="addresses"]').text_content() or "").startswith("✓")

    viewer = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    viewer.goto(f"{studio.server.base}/board/ranking")
    assert ranking_cell(viewer, "人社局", "replied") == "1"
    assert ranking_cell(viewer, "人社局", "satisfaction_rate") == "—"
    assert ranking_cell(viewer, "人社局", "reply_quality") == "1.0"

    viewer.goto(f"{studio.server.base}/board/cases/{case_id}")
    viewer.get_by_text("请登录人社服务平台提交申请。").wait_for(timeout=10_000)
    viewer.fill("#rating-code", "WRONG123")
    viewer.check('input[name="rating"][value="satisfied"]')
    viewer.click("#rating-submit")
    viewer.locator("#rating-form .form-error", has_text="评价码不正确").wait_for(timeout=10_000)
    viewer.fill("#rating-code", receipt["rating_code"])
    viewer.click("#rating-submit")
    viewer.locator(".rating-list", has_text="满意").wait_for(timeout=10_000)
    assert viewer.locator("#rating-form").count() == 0
    viewer.locator(".timeline", has_text="网友评价：满意").wait_for(timeout=10_000)

    viewer.goto(f"{studio.server.base}/board/ranking")
    assert ranking_cell(viewer, "人社局", "satisfaction_rate") == "100.0"
    assert ranking_cell(viewer, "人社局", "on_time_rate") == "100.0"
    assert viewer.locator("svg.chart").count() == 3
    if SCREENSHOTS:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        viewer.screenshot(path=str(SCREENSHOTS / "ranking-phone.png"), full_page=True)
        official.screenshot(path=str(SCREENSHOTS / "board-console.png"), full_page=True)
    assert not [e for e in errors if "403" not in e], errors


def test_direct_submission_through_the_console(browser: Any, studio: Studio) -> None:
    """我要留言 on a phone; the moderator approves it without a unit, then routes it; the unit sees it."""
    errors: list[str] = []
    phone = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    phone.goto(f"{studio.server.base}/board/new")
    text = "建议延长夜间公交运营时间"
    phone.fill("#ask-text", text)
    phone.select_option("#ask-unit", str(studio.units["交通局"]))
    phone.click("#ask-submit")
    phone.locator("#receipt").wait_for(state="visible", timeout=10_000)
    code = phone.locator('#receipt [data-field="rating_code"]').inner_text()
    assert len(code) == 8
    tracking = phone.locator('#receipt [data-field="tracking_link"]').get_attribute("href") or ""
    assert tracking.startswith("/board/track/")

    moderator = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, "/studio/board", errors)
    item = moderator.locator("#submissions .q-item", has_text=text)
    item.wait_for(timeout=10_000)
    item.locator("select[name=unit]").select_option("")
    item.locator('[data-action="approve"]').click()
    routed = moderator.locator("#routing .q-item", has_text=text)
    routed.wait_for(timeout=10_000)
    routed.locator("select[name=unit]").select_option(str(studio.units["交通局"]))
    routed.locator('[data-action="route"]').click()
    moderator.locator("#routing .q-item", has_text=text).wait_for(state="detached", timeout=10_000)

    official = log_in(browser, studio.server, "guest2", STAFF_PASSWORD, "/studio/board", errors)
    official.locator("#unit-to_accept .board-case", has_text=text).wait_for(timeout=10_000)
    phone.goto(studio.server.base + tracking)
    phone.get_by_text("已通过审核").wait_for(timeout=10_000)
    phone.click("text=查看办理进度")
    phone.locator(".timeline", has_text="转交交通局办理").wait_for(timeout=10_000)
    assert not errors, errors


def test_board_console_redacts_a_submission_before_approval(browser: Any, studio: Studio) -> None:
    """On the board console a submission's phone number is highlighted and named in Chinese, 通过
    first warns, one button redacts it, the edited text is approved and the case page does not
    show the number; another submission is rejected with a reason of the live desk's catalogue."""
    phone = "18612345678"
    text = f"我的手机{phone}，小区门口的路灯坏了一个月"
    with studio.server.http() as client:
        receipts = [client.post("/api/board/submissions", json={"text": body, "client_key": str(uuid.uuid4())}).json()
                    for body in (text, "低价代办各类证件，欢迎咨询")]
    errors: list[str] = []
    moderator = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, "/studio/board", errors)
    item = moderator.locator(f'#submissions [data-submission-id="{receipts[0]["submission_id"]}"]')
    item.wait_for(timeout=10_000)
    assert item.locator("mark.flag-pii").inner_text() == phone
    assert item.locator("mark.flag-pii").get_attribute("title") == "手机号"
    chips = item.locator(".flag-list").inner_text()
    assert "手机号" in chips and "186****5678" in chips and "pii.mobile" not in chips
    public_text = item.locator('textarea[name="text"]')
    assert public_text.input_value() == text

    item.locator('[data-action="approve"]').click()
    item.locator(".form-error", has_text="个人信息").wait_for(timeout=10_000)
    assert any(s["id"] == receipts[0]["submission_id"] for s in studio.mod1.get("/api/board/submissions").json())
    item.locator("[data-apply-suggestions]").click()
    redacted = "我的手机186****5678，小区门口的路灯坏了一个月"
    assert public_text.input_value() == redacted
    public_text.fill(redacted + "，请尽快修复")
    item.locator('[data-action="approve"]').click()
    item.wait_for(state="detached", timeout=10_000)

    with studio.server.http() as client:
        case_id = client.get(f"/api/board/track/{receipts[0]['tracking_code']}").json()["case_id"]
    viewer = phone_page(browser, errors, timezone_id="Asia/Shanghai")
    viewer.goto(f"{studio.server.base}/board/cases/{case_id}")
    viewer.get_by_text(redacted + "，请尽快修复").first.wait_for(timeout=10_000)
    assert phone not in viewer.content()

    other = moderator.locator(f'#submissions [data-submission-id="{receipts[1]["submission_id"]}"]')
    other.locator('select[name="reason"]').select_option(label="广告信息")
    other.locator('input[name="note"]').fill("请勿发布广告")
    other.locator('[data-action="reject"]').click()
    other.wait_for(state="detached", timeout=10_000)
    viewer.goto(f"{studio.server.base}/board/track/{receipts[1]['tracking_code']}")
    viewer.get_by_text("广告信息：请勿发布广告").wait_for(timeout=10_000)
    assert not errors, errors


def test_admin_keeps_the_holiday_calendar(browser: Any, studio: Studio) -> None:
    """The admin sees the 2026 schedule, adds a holiday on the calendar page and removes it again."""
    from support.servers import ADMIN_PASSWORD

    errors: list[str] = []
    page = log_in(browser, studio.server, "admin", ADMIN_PASSWORD, "/studio/calendar", errors)
    page.locator('tr[data-day="2026-10-10"]', has_text="调休上班").wait_for(timeout=10_000)
    page.fill('#calendar-form input[name="day"]', "2026-12-31")
    page.select_option('#calendar-form select[name="kind"]', "holiday")
    page.fill('#calendar-form input[name="name"]', "测试假日")
    page.click('#calendar-form [type="submit"]')
    row = page.locator('tr[data-day="2026-12-31"]', has_text="测试假日")
    row.wait_for(timeout=10_000)
    row.locator('[data-action="delete"]').click()
    row.wait_for(state="detached", timeout=10_000)
    assert not errors, errors
