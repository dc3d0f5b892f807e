"""The big screen in Chromium: it follows the on-air question and the answer live, resumes after a dropped
connection, shows what the desk chooses, fits 1280×720, 1920×1080 and 3840×2160 without overflow
(screenshots kept as test artefacts), and its join QR code decodes to the event's address."""

from __future__ import annotations

import io
import json
import signal
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from support.browser import SCREENSHOTS, log_in, watch_errors
from support.clients import StaffClient, Studio
from support.data import REPOSITORY
from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD, start_server

WAIT = 10_000
SIZES = [(1280, 720), (1920, 1080), (3840, 2160)]
ARTEFACTS = SCREENSHOTS or REPOSITORY / "test-artifacts"
"""Screenshots of the screen at each size: ``STUDIO_SCREENSHOTS`` when set, else ``test-artifacts/``."""

# Every element of the screen that reaches outside the window or outside a box that clips it,
# and whether the page itself can scroll.
OVERFLOW_JS = """() => {
  const out = [];
  const W = window.innerWidth, H = window.innerHeight;
  for (const el of document.querySelectorAll('#screen *')) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (el.closest('[hidden]')) continue;
    if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1) {
      out.push(`${el.tagName}.${el.className} outside the window: ${JSON.stringify(r)}`);
    }
  }
  for (const el of document.querySelectorAll('#stage-body, .screen-side, .screen-guests, .recent-list')) {
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
      out.push(`${el.id || el.className} overflows: ${el.scrollHeight}>${el.clientHeight}`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollHeight > H + 1 || doc.scrollWidth > W + 1) out.push('the page scrolls');
  return out;
}"""


def relogin(studio: Studio) -> None:
    """Fresh staff clients after a restart (their sessions are in the store)."""
    studio.admin = StaffClient(studio.server, "admin", ADMIN_PASSWORD)
    studio.mod1 = StaffClient(studio.server, "mod1", STAFF_PASSWORD)
    studio.guest1 = StaffClient(studio.server, "guest1", STAFF_PASSWORD)


def approved(studio: Studio, slug: str, text: str) -> dict[str, Any]:
    asked = studio.ask(slug, text, unit=studio.units["人社局"])
    answer = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def on_air(studio: Studio, question: dict[str, Any]) -> dict[str, Any]:
    answer = studio.guest1.act(question, "on-air")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def answered(studio: Studio, slug: str, text: str, reply: str) -> dict[str, Any]:
    answer = studio.guest1.act(on_air(studio, approved(studio, slug, text)), "answer", text=reply)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def screen_page(browser: Any, url: str, size: tuple[int, int], errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, timezone_id="Asia/Shanghai")
    page = context.new_page()
    watch_errors(page, errors)
    page.goto(url)
    return page


def decoded(png: bytes) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in a PNG."""
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_screen_follows_the_live_feed_resumes_and_shows_the_desk_choice(browser: Any, tmp_path: Path) -> None:
    """On air → answer as posted → (server killed, changes made meanwhile) resumed with since= → the desk's picks."""
    server = start_server(tmp_path)
    try:
        studio = Studio(server)
        slug = studio.new_event()
        earlier = answered(studio, slug, "公租房什么时候摇号？", "下月十五日在区政务中心公开摇号。")
        errors: list[str] = []
        sockets: list[dict[str, Any]] = []

        def on_socket(ws: Any) -> None:
            record: dict[str, Any] = {"url": ws.url, "frames": []}
            sockets.append(record)
            ws.on("framereceived", lambda payload: record["frames"].append(json.loads(payload)))

        context = browser.new_context(viewport={"width": 1920, "height": 1080}, timezone_id="Asia/Shanghai")
        screen = context.new_page()
        watch_errors(screen, errors)
        screen.on("websocket", on_socket)
        screen.goto(f"{server.base}/events/{slug}/screen")
        stage = screen.locator("#screen-stage")
        stage.locator(".stage-answer-text", has_text="公开摇号").wait_for(timeout=WAIT)
        assert screen.locator("#stage-label").inner_text() == "刚刚回答"
        assert screen.locator("#screen-guests").inner_text().count("局长") == 2

        question = on_air(studio, approved(studio, slug, "夜间公交能不能延长到十一点？"))
        stage.locator(".stage-question", has_text="夜间公交").wait_for(timeout=WAIT)
        assert screen.locator("#stage-label").inner_text() == "正在回答"
        assert stage.locator(".stage-waiting").is_visible()
        assert studio.guest1.act(question, "answer", text="下月起两条夜班线延长到二十三点。").status_code == 200
        stage.locator(".stage-answer-text", has_text="二十三点").wait_for(timeout=WAIT)
        screen.locator("#screen-recent", has_text="公开摇号").wait_for(timeout=WAIT)
        screen.locator("#count-answered", has_text="2").wait_for(timeout=WAIT)
        last_seq = max(frame.get("seq", 0) for record in sockets for frame in record["frames"])

        server.stop(signal.SIGKILL)
        banner = screen.locator("#conn-banner")
        banner.wait_for(state="visible", timeout=WAIT)
        context.set_offline(True)
        server.start()
        relogin(studio)
        on_air(studio, approved(studio, slug, "社区食堂能办到每个小区吗？"))
        chosen = studio.mod1.post(f"/api/events/{slug}/screen", {"show": "question", "question": earlier["id"]})
        assert chosen.status_code == 200, chosen.text
        context.set_offline(False)
        banner.wait_for(state="hidden", timeout=20_000)
        stage.locator(".stage-answer-text", has_text="公开摇号").wait_for(timeout=WAIT)
        assert screen.locator("#stage-label").inner_text() == "问答回顾"
        resumed = sockets[-1]
        assert resumed["url"].endswith(f"?since={last_seq}"), [s["url"] for s in sockets]
        assert [f["type"] for f in resumed["frames"] if "seq" in f][-1] == "screen.show"

        # The desk picks a host message, then goes back to the question on air, from its own page.
        assert studio.mod1.post(f"/api/events/{slug}/messages", {"text": "欢迎各位网友，本场访谈进入第二环节。"}).status_code == 201
        desk = log_in(browser, server, "mod1", STAFF_PASSWORD, f"/studio/events/{slug}/moderate", errors)
        desk.locator("#screen-now", has_text="问答").wait_for(timeout=WAIT)
        desk.focus("#screen-choice")
        desk.locator("#screen-choice option", has_text="第二环节").wait_for(state="attached", timeout=WAIT)
        desk.select_option("#screen-choice", label="欢迎各位网友，本场访谈进入第二环节。")
        desk.click("#screen-send")
        stage.locator(".stage-message", has_text="第二环节").wait_for(timeout=WAIT)
        assert screen.locator("#stage-label").inner_text() == "主持人"
        assert "主持人发言" in desk.locator("#screen-now").inner_text()
        desk.select_option("#screen-choice", value="on_air")
        desk.click("#screen-send")
        stage.locator(".stage-question", has_text="社区食堂").wait_for(timeout=WAIT)
        assert screen.locator("#stage-label").inner_text() == "正在回答"
        assert not [e for e in errors if "WebSocket" not in e and "ERR_" not in e], errors
    finally:
        server.stop()


def test_screen_fits_three_sizes_and_its_qr_code_opens_the_event(browser: Any, studio: Studio) -> None:
    """Long texts at 1280×720, 1920×1080 and 3840×2160: nothing leaves the window or its box; the QR decodes."""
    slug = studio.new_event()
    for n in range(4):
        answered(studio, slug, f"第{n + 1}个问题：" + "关于老旧小区加装电梯的补贴标准和申请流程，" * 6,
                 "加装电梯按每台二十万元补贴，" * 20)
    question = on_air(studio, approved(studio, slug, "学校周边交通拥堵，接送孩子的家长车辆乱停怎么办？" * 8))
    assert studio.guest1.act(question, "answer", text="我们将在上下学时段增派交警疏导，" * 120).status_code == 200
    on_air(studio, approved(studio, slug, "菜市场改造什么时候完工？"))
    errors: list[str] = []
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        page = screen_page(browser, f"{studio.server.base}/events/{slug}/screen", size, errors)
        page.locator(".stage-question", has_text="菜市场").wait_for(timeout=WAIT)
        page.locator("#screen-recent .recent-item").nth(2).wait_for(timeout=WAIT)
        page.locator("#count-received").filter(has_text="6").wait_for(timeout=WAIT)
        assert page.evaluate(OVERFLOW_JS) == [], size
        page.screenshot(path=str(ARTEFACTS / f"screen-{size[0]}x{size[1]}.png"))
        # the desk shows the long Q&A: its type shrinks to fit, then its answer is cut short
        chosen = studio.mod1.post(f"/api/events/{slug}/screen", {"show": "question", "question": question["id"]})
        assert chosen.status_code == 200, chosen.text
        page.locator(".stage-answer-text", has_text="交警").wait_for(timeout=WAIT)
        assert page.evaluate(OVERFLOW_JS) == [], size
        assert page.locator(".stage-answer-text").inner_text().endswith("…")
        page.screenshot(path=str(ARTEFACTS / f"screen-{size[0]}x{size[1]}-long.png"))
        qr = page.locator("#join-qr").screenshot()
        assert decoded(qr) == [f"{studio.server.base}/events/{slug}"]
        assert studio.mod1.post(f"/api/events/{slug}/screen", {"show": "on_air"}).status_code == 200
        page.context.close()
    assert not errors, errors
