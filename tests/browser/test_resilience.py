"""Chromium against a server that dies, moderators that race, and pages that must update without a reload."""

from __future__ import annotations

import json
import signal
from typing import Any

from support.browser import log_in, phone_page
from support.clients import StaffClient, Studio
from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD

WAIT = 10_000

# What the audience page shows, read from the DOM: ids and texts of every list.
FEED_JS = """() => {
  const text = (li, sel) => { const n = li.querySelector(sel); return n ? n.textContent.trim() : null; };
  const air = document.querySelector('#on-air [data-question-id]');
  return {
    on_air: air ? air.dataset.questionId : null,
    published: Array.from(document.querySelectorAll('#published > li'),
                          (li) => [li.dataset.questionId, text(li, '.q-text')]),
    answered: Array.from(document.querySelectorAll('#answered > li'),
                         (li) => [li.dataset.questionId, text(li, '.q-text'), text(li, '.a-text')]),
    messages: Array.from(document.querySelectorAll('#messages > li'), (li) => text(li, '.msg-text')),
  };
}"""


def feed(page: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(FEED_JS)
    return found


def approve(studio: Studio, slug: str, question_id: int, mod: StaffClient | None = None) -> dict[str, Any]:
    answer = (mod or studio.mod1).act(studio.question(slug, question_id), "approve")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def answer_live(studio: Studio, slug: str, question_id: int, text: str) -> None:
    """The official puts an approved question on air and answers it."""
    on_air = studio.guest1.act(studio.question(slug, question_id), "on-air")
    assert on_air.status_code == 200, on_air.text
    answered = studio.guest1.act(on_air.json(), "answer", text=text)
    assert answered.status_code == 200, answered.text


def host_message(studio: Studio, slug: str, text: str) -> None:
    answer = studio.mod1.post(f"/api/events/{slug}/messages", {"text": text})
    assert answer.status_code == 201, answer.text


def relogin(studio: Studio) -> None:
    """Fresh HTTP clients for every staff member (their sessions survive a restart in the DB)."""
    for client in (studio.admin, studio.mod1, studio.mod2, studio.guest1, studio.guest2):
        client.client.close()
    studio.admin = StaffClient(studio.server, "admin", ADMIN_PASSWORD)
    studio.mod1 = StaffClient(studio.server, "mod1", STAFF_PASSWORD)
    studio.mod2 = StaffClient(studio.server, "mod2", STAFF_PASSWORD)
    studio.guest1 = StaffClient(studio.server, "guest1", STAFF_PASSWORD)
    studio.guest2 = StaffClient(studio.server, "guest2", STAFF_PASSWORD)


def test_phone_resumes_after_the_server_dies_and_matches_a_fresh_page(browser: Any,
                                                                      studio: Studio) -> None:
    """A killed server shows #conn-banner; after the restart the phone catches up to exactly what a fresh page shows."""
    slug = studio.new_event()
    qa = studio.ask(slug, "公交 12 路晚上几点收车？", nickname="夜归人")
    qb = studio.ask(slug, "地铁站口的共享单车太乱了，谁来管？")
    qc = studio.ask(slug, "社保卡丢了怎么补办？")
    qd = studio.ask(slug, "买房广告 加微信 xxx")
    approve(studio, slug, qa["question_id"])
    answer_live(studio, slug, qa["question_id"], "12 路末班车 22:30 发车。")
    approve(studio, slug, qb["question_id"])
    host_message(studio, slug, "欢迎各位网友参与本次访谈！")

    errors: list[str] = []
    sockets: list[dict[str, Any]] = []  # every socket the page opens: its URL and the frames it got

    def on_socket(ws: Any) -> None:
        record: dict[str, Any] = {"url": ws.url, "frames": []}
        sockets.append(record)
        ws.on("framereceived", lambda payload: record["frames"].append(json.loads(payload)))

    phone = phone_page(browser, errors, has_touch=True)
    phone.on("websocket", on_socket)
    phone.goto(f"{studio.server.base}/events/{slug}")
    phone.locator("#answered", has_text="22:30").wait_for(state="attached", timeout=WAIT)
    phone.locator("#published", has_text="共享单车").wait_for(timeout=WAIT)
    phone.locator("#messages", has_text="欢迎各位网友").wait_for(state="attached", timeout=WAIT)
    banner = phone.locator("#conn-banner")
    assert banner.is_hidden()
    last_seq = sockets[0]["frames"][0]["seq"]

    studio.server.stop(signal.SIGKILL)
    banner.wait_for(state="visible", timeout=WAIT)
    assert "重连" in banner.inner_text()

    # the phone stays off the network (a tunnel) until the changes are made, so it must catch up
    phone.context.set_offline(True)
    studio.server.start()
    relogin(studio)
    approve(studio, slug, qc["question_id"])
    answer_live(studio, slug, qb["question_id"], "已约谈三家单车企业，本周内清理。")
    reject = studio.mod2.act(studio.question(slug, qd["question_id"]), "reject", reason="广告信息")
    assert reject.status_code == 200, reject.text
    host_message(studio, slug, "刚才网络有些波动，访谈继续。")
    assert banner.is_visible()
    phone.context.set_offline(False)  # the browser's "online" event: reconnect now

    banner.wait_for(state="hidden", timeout=20_000)
    phone.locator("#answered", has_text="本周内清理").wait_for(state="attached", timeout=WAIT)
    phone.locator("#published", has_text="社保卡").wait_for(timeout=WAIT)
    phone.locator("#messages", has_text="网络有些波动").wait_for(state="attached", timeout=WAIT)
    # it resumed from its last seq and was sent the missed changes, not a new snapshot
    resumed = sockets[-1]
    assert resumed["url"].endswith(f"?since={last_seq}"), [s["url"] for s in sockets]
    changes = [f for f in resumed["frames"] if "seq" in f]
    assert [f["type"] for f in changes][:4] == ["question.published", "question.on_air", "answer.posted",
                                                "host.message"]
    assert [f["seq"] for f in changes][:4] == [last_seq + 1, last_seq + 2, last_seq + 3, last_seq + 4]

    fresh = phone_page(browser, errors, has_touch=True)
    fresh.goto(f"{studio.server.base}/events/{slug}")
    fresh.locator("#messages", has_text="网络有些波动").wait_for(state="attached", timeout=WAIT)
    fresh.locator("#answered", has_text="本周内清理").wait_for(state="attached", timeout=WAIT)

    seen, expected = feed(phone), feed(fresh)
    assert seen == expected
    assert expected["on_air"] is None
    assert [row[0] for row in expected["published"]] == [str(qc["question_id"])]
    assert [row[0] for row in expected["answered"]] == [str(qb["question_id"]), str(qa["question_id"])]
    assert expected["messages"] == ["刚才网络有些波动，访谈继续。", "欢迎各位网友参与本次访谈！"]
    assert "买房广告" not in phone.locator("#event-page").inner_text()
    assert not [e for e in errors if "WebSocket" not in e and "ERR_CONNECTION_REFUSED" not in e], errors


def test_live_published_order_matches_a_reload(browser: Any, studio: Studio) -> None:
    """Questions approved out of asking order are listed the same on an open page and on a reloaded one."""
    slug = studio.new_event()
    early = studio.ask(slug, "先问的：老旧小区加装电梯有补贴吗？")
    late = studio.ask(slug, "后问的：学区划分什么时候公布？")
    phone = phone_page(browser, has_touch=True)
    phone.goto(f"{studio.server.base}/events/{slug}")
    phone.locator("#published-empty").wait_for(timeout=WAIT)
    approve(studio, slug, late["question_id"])
    phone.locator("#published", has_text="学区划分").wait_for(timeout=WAIT)
    approve(studio, slug, early["question_id"])
    phone.locator("#published", has_text="加装电梯").wait_for(timeout=WAIT)

    fresh = phone_page(browser, has_touch=True)
    fresh.goto(f"{studio.server.base}/events/{slug}")
    fresh.locator("#published", has_text="加装电梯").wait_for(timeout=WAIT)
    fresh.locator("#published", has_text="学区划分").wait_for(timeout=WAIT)
    live, reloaded = feed(phone)["published"], feed(fresh)["published"]
    assert sorted(live) == sorted(reloaded)  # the same questions ...
    assert live == reloaded  # ... in the same order


def test_moderator_sees_a_question_handled_by_another(browser: Any, studio: Studio) -> None:
    """When mod2 approves or rejects in its console, mod1's open console marks the item as handled by mod2."""
    slug = studio.new_event()
    errors: list[str] = []
    mod1 = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, f"/studio/events/{slug}/moderate")
    mod2 = log_in(browser, studio.server, "mod2", STAFF_PASSWORD, f"/studio/events/{slug}/moderate")
    for page in (mod1, mod2):
        page.on("pageerror", lambda exc: errors.append(str(exc)))  # type: ignore[attr-defined]
    mod1.locator("#presence", has_text="mod2").wait_for(timeout=WAIT)  # type: ignore[attr-defined]
    mod2.locator("#presence", has_text="mod1").wait_for(timeout=WAIT)  # type: ignore[attr-defined]

    one = studio.ask(slug, "菜市场什么时候改造完成？")
    two = studio.ask(slug, "这里是一段与访谈无关的闲聊。")

    def item(page: Any, question: dict[str, Any]) -> Any:
        found = page.locator(f'#queue .q-item[data-question-id="{question["question_id"]}"]')
        found.wait_for(timeout=WAIT)
        return found

    # mod1 has the approve form open on the first when mod2 approves it
    item(mod1, one).locator('[data-action="approve"]').click()
    item(mod1, one).locator('[data-confirm="approve"]').wait_for(timeout=WAIT)
    item(mod2, one).locator('[data-action="approve"]').click()
    item(mod2, one).locator('[data-confirm="approve"]').click()
    mod2.locator(f'#approved .a-item[data-question-id="{one["question_id"]}"]').wait_for(timeout=WAIT)  # type: ignore[attr-defined]
    resolved = item(mod1, one).locator(".q-resolved")
    resolved.wait_for(timeout=WAIT)
    assert "已由 mod2 通过" in resolved.inner_text()
    assert item(mod1, one).locator("[data-action], [data-confirm]").count() == 0
    assert mod2.locator(f'#queue .q-item[data-question-id="{one["question_id"]}"]').count() == 0  # type: ignore[attr-defined]

    # mod2 rejects the second with a reason: mod1 sees who and why
    item(mod2, two).locator('[data-action="reject"]').click()
    item(mod2, two).locator('select[name="reason"]').select_option("与主题无关")
    item(mod2, two).locator('[data-confirm="reject"]').click()
    resolved_two = item(mod1, two).locator(".q-resolved")
    resolved_two.wait_for(timeout=WAIT)
    assert "mod2" in resolved_two.inner_text() and "驳回" in resolved_two.inner_text()
    assert "与主题无关" in resolved_two.inner_text()

    # 知道了 clears the note; the question is gone from mod1's queue
    item(mod1, one).locator("[data-dismiss]").click()
    mod1.locator(f'#queue .q-item[data-question-id="{one["question_id"]}"]').wait_for(  # type: ignore[attr-defined]
        state="detached", timeout=WAIT)
    mod1.locator(f'#approved .a-item[data-question-id="{one["question_id"]}"]').wait_for(timeout=WAIT)  # type: ignore[attr-defined]
    assert not errors, errors


def test_tracking_page_follows_the_question_without_reload(browser: Any, studio: Studio) -> None:
    """/track/{code} moves through approved, on air and answered, and shows a rejection's reason, all live."""
    slug = studio.new_event()
    asked = studio.ask(slug, "孩子上小学需要准备哪些材料？", nickname="新手家长")
    refused = studio.ask(slug, "广告：专业代办各种证件")
    page = phone_page(browser, has_touch=True)
    page.goto(f"{studio.server.base}/track/{asked['tracking_code']}")
    page.locator('#track-status[data-status="pending"]').wait_for(timeout=WAIT)
    page.evaluate("window.__sameDocument = true")

    def status(value: str) -> None:
        page.locator(f'#track-status[data-status="{value}"]').wait_for(timeout=WAIT)

    approve(studio, slug, asked["question_id"])
    status("approved")
    on_air = studio.guest1.act(studio.question(slug, asked["question_id"]), "on-air")
    assert on_air.status_code == 200, on_air.text
    status("on_air")
    assert studio.guest1.act(on_air.json(), "answer", text="户口本、房产证和预防接种证。").status_code == 200
    status("answered")
    page.locator(".track-answer", has_text="预防接种证").wait_for(timeout=WAIT)
    timeline = page.locator("#track-timeline > li")
    assert timeline.count() == 4
    assert "嘉宾已回答" in timeline.first.inner_text()
    assert page.evaluate("window.__sameDocument") is True

    page.goto(f"{studio.server.base}/track/{refused['tracking_code']}")
    page.locator('#track-status[data-status="pending"]').wait_for(timeout=WAIT)
    assert page.locator("#track-reason").count() == 0
    page.evaluate("window.__sameDocument = true")
    reject = studio.mod1.act(studio.question(slug, refused["question_id"]), "reject", reason="广告信息")
    assert reject.status_code == 200, reject.text
    status("rejected")
    assert page.locator("#track-reason").inner_text().strip() == "广告信息"
    assert "广告信息" in page.locator("#track-timeline").inner_text()
    assert page.evaluate("window.__sameDocument") is True


def test_closed_event_page_is_its_transcript(browser: Any, studio: Studio) -> None:
    """An open page learns the event closed; loaded again, /events/{slug} is the transcript with Q&A and host message."""
    slug = studio.new_event()
    answered = studio.ask(slug, "停车场收费标准会调整吗？", nickname="有车族")
    waiting = studio.ask(slug, "河道整治进度如何？")
    studio.ask(slug, "这条不会通过审核。")  # still pending at the close
    approve(studio, slug, answered["question_id"])
    answer_live(studio, slug, answered["question_id"], "明年起实行分时段收费。")
    approve(studio, slug, waiting["question_id"])
    host_message(studio, slug, "本场访谈即将结束，感谢参与。")

    phone = phone_page(browser, has_touch=True)
    phone.goto(f"{studio.server.base}/events/{slug}")
    phone.locator("#answered", has_text="分时段收费").wait_for(state="attached", timeout=WAIT)
    assert phone.locator("#closed-banner").is_hidden()
    assert studio.mod1.post(f"/api/events/{slug}/close").status_code == 200
    phone.locator("#closed-banner").wait_for(state="visible", timeout=WAIT)
    phone.locator("#ev-status", has_text="已结束").wait_for(timeout=WAIT)
    assert phone.locator("#ask-form").is_hidden()
    phone.click("#tab-ask")  # on a phone, the form is under its own tab
    assert phone.locator("#ask-closed").is_visible()
    # the question left unanswered went to the board: the open page moves it there too
    phone.click("#tab-published")
    phone.locator(f'#transferred [data-question-id="{waiting["question_id"]}"]').wait_for(timeout=WAIT)
    assert phone.locator(f'#published [data-question-id="{waiting["question_id"]}"]').count() == 0

    phone.reload()
    transcript = phone.locator("#transcript")
    transcript.wait_for(timeout=WAIT)
    assert phone.locator("#ask-form").count() == 0
    qa = phone.locator(f'.tr-qa[data-question-id="{answered["question_id"]}"]')
    assert "停车场收费标准会调整吗？" in qa.inner_text()
    assert "分时段收费" in qa.inner_text()
    assert "有车族" in qa.inner_text()
    assert "本场访谈即将结束，感谢参与。" in phone.locator(".tr-msg").inner_text()
    assert phone.locator(".tr-qa").count() == 1
    moved = phone.locator(f'.tf-item[data-question-id="{waiting["question_id"]}"]')
    assert "河道整治进度如何？" in moved.inner_text()
    assert "这条不会通过审核" not in transcript.inner_text()
