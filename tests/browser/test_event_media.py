"""The event's live-video link and agenda: validated, shown above the feed, played by the browser's own
<video> where it can (a WebM file in Chromium) and linked where it cannot (a partner's player page)."""

from __future__ import annotations

from typing import Any

from support.browser import watch_errors
from support.clients import Studio, recv_json, recv_until

WAIT = 10_000


def test_video_and_agenda_on_the_event_page(browser: Any, studio: Studio) -> None:
    """Bad addresses are refused; the page's CSP allows media from the video's origin only, and still no frames."""
    slug = studio.new_event(open_it=False)
    path = f"/api/events/{slug}"
    for bad in ("javascript:alert(1)", "ftp://video.example/a.m3u8", "https://a.example/x y", 42,
                "https://a.example/\"><script>"):
        answer = studio.admin.client.patch(path, json={"video_url": bad}, headers={"X-CSRF-Token": studio.admin.csrf})
        assert (answer.status_code, answer.json()["error"]["field"]) == (400, "video_url"), bad
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        recv_json(ws)
        answer = studio.admin.client.patch(path, headers={"X-CSRF-Token": studio.admin.csrf}, json={
            "video_url": "https://live.example.gov.cn:8443/studio/stream.webm",
            "agenda": "20:00 开场致辞\n\n20:10 网友提问\r\n21:50 总结"})
        assert answer.status_code == 200, answer.text
        event = recv_until(ws, "event.updated")["event"]
    assert event["agenda"] == ["20:00 开场致辞", "20:10 网友提问", "21:50 总结"]
    assert event["video_url"] == "https://live.example.gov.cn:8443/studio/stream.webm"
    with studio.server.http() as client:
        headers = client.get(f"/events/{slug}").headers
    assert "media-src 'self' https://live.example.gov.cn:8443;" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"

    errors: list[str] = []
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    watch_errors(page, errors)
    page.goto(f"{studio.server.base}/events/{slug}")
    page.locator('#ev-video[data-player="video"] video').wait_for(state="attached", timeout=WAIT)
    assert page.locator("#ev-video video").get_attribute("src") == event["video_url"]
    assert page.locator("#ev-agenda li").all_inner_texts() == event["agenda"]

    partner = "https://tv.example.cn/player?id=88"
    assert studio.admin.client.patch(path, json={"video_url": partner},
                                     headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 200
    page.goto(f"{studio.server.base}/events/{slug}")
    page.locator('#ev-video[data-player="link"]').wait_for(state="attached", timeout=WAIT)
    assert page.locator("#ev-video video").count() == 0
    assert page.locator("#ev-video-link a").get_attribute("href") == partner
    # the video's host does not exist here: its lookup fails, but nothing is refused by the CSP
    assert not [e for e in errors if "ERR_NAME_NOT_RESOLVED" not in e], errors
