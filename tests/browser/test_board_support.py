"""同问 and merging in Debian's Chromium: two phones press 我也遇到了, a moderator merges a repeat on
the board console, and both askers follow and rate the one case with their own codes."""

from __future__ import annotations

from typing import Any

from support.browser import SCREENSHOTS, log_in, phone_page
from support.cases import submit_message
from support.clients import Studio
from support.servers import STAFF_PASSWORD


def support_count(page: Any) -> str:
    text: str = page.locator("#support-count").inner_text()
    return text.strip()


def test_two_viewers_count_two_and_a_repeat_counts_once(browser: Any, studio: Studio) -> None:
    """Two phones press 我也遇到了 on a case: it shows 2 人同问; pressing again (a repeat request from
    the first phone) still counts 2, and the board list shows the count."""
    receipt = submit_message(studio, "江边步道的护栏松动了，晚上散步的人很多，存在安全隐患")
    approved = studio.mod1.post(f"/api/board/submissions/{receipt['submission_id']}/approve",
                                {"unit": studio.units["交通局"]})
    case_id = approved.json()["case_id"]
    errors: list[str] = []
    first = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    second = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    try:
        url = f"{studio.server.base}/board/cases/{case_id}"
        first.goto(url)
        assert support_count(first) == "0"
        first.click("#support-button")
        first.locator("#support-button[disabled]", has_text="已同问").wait_for(timeout=10_000)
        assert support_count(first) == "1"

        second.goto(url)
        assert support_count(second) == "1"
        second.click("#support-button")
        second.locator("#support-button[disabled]", has_text="已同问").wait_for(timeout=10_000)
        assert support_count(second) == "2"

        repeat = first.evaluate(
            """async (path) => {
                 const r = await fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'});
                 return r.json();
               }""", f"/api/board/cases/{case_id}/support")
        assert repeat == {"case_id": case_id, "supports": 2, "supported": True, "counted": False}
        first.reload()
        assert support_count(first) == "2"
        first.goto(f"{studio.server.base}/board?sort=support&min_support=2")
        first.locator(f'.case-item[data-case-id="{case_id}"] .badge-support', has_text="2 人同问").wait_for(timeout=10_000)
        if SCREENSHOTS:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            second.screenshot(path=str(SCREENSHOTS / "case-support-phone.png"), full_page=True)
    finally:
        first.context.close()
        second.context.close()
    assert errors == []


def test_merging_keeps_both_askers_codes(browser: Any, studio: Studio) -> None:
    """A moderator merges a repeat into an open case on the board console; the merged asker's
    tracking page shows that case and 1 人同问; after the reply the merged asker rates 不满意 with
    their code, and after the second reply the first asker rates 满意 with theirs."""
    text = "新区第二小学放学时门口没有交警，家长的车把路堵死了，希望安排警力疏导"
    first = submit_message(studio, text)
    approved = studio.mod1.post(f"/api/board/submissions/{first['submission_id']}/approve",
                                {"unit": studio.units["交通局"]})
    case_id = approved.json()["case_id"]
    second = submit_message(studio, "新区第二小学放学的时候门口没有交警，家长的车把路都堵死了")

    errors: list[str] = []
    moderator = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, "/studio/board", errors)
    phone = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    try:
        item = moderator.locator(f'#submissions [data-submission-id="{second["submission_id"]}"]')
        item.wait_for(timeout=10_000)
        item.locator('input[name="case"]').fill(str(case_id))
        item.locator('[data-action="merge"]').click()
        item.wait_for(state="detached", timeout=10_000)

        phone.goto(f"{studio.server.base}/board/track/{second['tracking_code']}")
        phone.get_by_text("已合并（同问）").first.wait_for(timeout=10_000)
        assert phone.locator("#track-supports").inner_text() == "1"
        assert phone.locator("#track-case-title").inner_text().startswith("新区第二小学放学时门口没有交警")
        phone.click("text=查看办理进度")
        phone.locator(".timeline", has_text="合并网友的相同留言").wait_for(timeout=10_000)
        assert support_count(phone) == "1"

        for action, fields in (("accept", {}), ("reply", {"text": "已安排交警放学时段值守。"})):
            assert studio.guest2.post(f"/api/board/cases/{case_id}/{action}", fields).status_code == 200
        phone.goto(f"{studio.server.base}/board/track/{second['tracking_code']}")
        phone.locator('[data-asker-action="rate"] a').click()
        phone.fill("#rating-code", second["rating_code"])
        phone.check('input[name="rating"][value="unsatisfied"]')
        phone.click("#rating-submit")
        phone.locator("#case-stage[data-stage='reopened']").wait_for(timeout=10_000)

        assert studio.guest2.post(f"/api/board/cases/{case_id}/reply",
                                  {"text": "已增设护学岗，并在路口施划临时停车区。"}).status_code == 200
        phone.goto(f"{studio.server.base}/board/track/{first['tracking_code']}")
        assert phone.locator("#track-supports").inner_text() == "1"
        phone.locator('[data-asker-action="rate"] a').click()
        phone.fill("#rating-code", first["rating_code"])
        phone.check('input[name="rating"][value="satisfied"]')
        phone.click("#rating-submit")
        phone.locator("#case-stage[data-stage='closed']").wait_for(timeout=10_000)
        assert [r["label"] for r in studio.mod1.get(f"/api/board/cases/{case_id}").json()["ratings"]] == [
            "不满意", "满意"]
    finally:
        moderator.context.close()
        phone.context.close()
    assert errors == []


def test_the_live_tracker_shows_the_case_and_what_its_asker_can_do(browser: Any, studio: Studio) -> None:
    """A question merged on the desk into one that became a case: the asker's open tracker shows
    2 人同问 (their voice and a viewer's +1), and the unit's reply brings 评价 without a reload;
    their rating code rates the case."""
    slug = studio.new_event()
    kept = studio.ask(slug, "菜市场周边的流动摊贩占道，早高峰过不去", unit=studio.units["交通局"])
    repeat = studio.ask(slug, "菜市场门口流动摊贩占道严重")
    assert studio.mod1.act(studio.question(slug, repeat["question_id"]), "merge",
                           into=kept["question_id"]).status_code == 200
    assert studio.mod1.act(studio.question(slug, kept["question_id"]), "approve").status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        case_id = client.get(f"/api/track/{kept['tracking_code']}").json()["case"]["id"]
    assert studio.guest2.post(f"/api/board/cases/{case_id}/accept").status_code == 200

    errors: list[str] = []
    neighbour = phone_page(browser, errors, timezone_id="Asia/Shanghai")
    phone = phone_page(browser, errors, has_touch=True, timezone_id="Asia/Shanghai")
    try:
        phone.goto(f"{studio.server.base}/track/{repeat['tracking_code']}")
        phone.locator("#track-actions", has_text="暂时无需您操作").wait_for(timeout=10_000)
        assert phone.locator("#track-supports").inner_text() == "1"
        neighbour.goto(f"{studio.server.base}/board/cases/{case_id}")
        neighbour.click("#support-button")
        neighbour.locator("#support-button[disabled]").wait_for(timeout=10_000)
        phone.locator("#track-supports", has_text="2").wait_for(timeout=10_000)
        assert studio.guest2.post(f"/api/board/cases/{case_id}/reply",
                                  {"text": "已联合市场监管部门设置疏导点。"}).status_code == 200
        phone.locator('[data-asker-action="rate"] a').click()
        phone.fill("#rating-code", repeat["rating_code"])
        phone.check('input[name="rating"][value="satisfied"]')
        phone.click("#rating-submit")
        phone.locator("#case-stage[data-stage='closed']").wait_for(timeout=10_000)
    finally:
        neighbour.context.close()
        phone.context.close()
    assert errors == []
