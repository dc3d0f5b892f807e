"""An asker leaves a contact on a phone, types the code back on the tracking page, and an admin
sees the messages on the outbox page, in Chromium (log:// sender, the default)."""

from __future__ import annotations

import re
from typing import Any

from support.browser import log_in, phone_page
from support.clients import Studio
from support.notify import eventually
from support.servers import ADMIN_PASSWORD


def code_for(studio: Studio, masked: str) -> str | None:
    """The latest verification code queued for the contact shown as ``masked`` (admins' outbox)."""
    listing = studio.admin.get("/api/notifications").json()["notifications"]
    for message in listing:
        if message["kind"] == "verify" and message["recipient"] == masked:
            found = re.search(r"验证码是 (\d{6})", message["text"])
            return found.group(1) if found else None
    return None


def test_a_contact_left_on_a_phone_is_verified_on_the_tracking_page(browser: Any, studio: Studio) -> None:
    """The ask form takes the contact, the receipt says where the code went, the tracking page
    verifies it; approving then queues a notice the admin's outbox page lists."""
    slug = studio.new_event()
    errors: list[str] = []
    page = phone_page(browser, errors)
    try:
        page.goto(f"{studio.server.base}/events/{slug}")
        page.locator("#tab-ask").click()
        page.fill("#ask-text", "公园的健身器材坏了，什么时候修？")
        page.fill("#ask-contact", "139 0000 1111")
        page.click("#ask-submit")
        page.locator("#ask-contact-sent").wait_for(state="visible", timeout=10_000)
        assert page.locator("#ask-contact-to").inner_text() == "139****1111"
        assert page.locator("#ask-contact").input_value() == ""
        track = page.locator("#ask-tracking-link").get_attribute("href")
        assert track is not None
        code = eventually(lambda: code_for(studio, "139****1111"), what="the code in the outbox")

        page.goto(f"{studio.server.base}{track}")
        page.locator("#contact-verify summary").click()
        page.fill("#contact-code", code)
        page.click("#contact-submit")
        page.locator("#contact-ok").wait_for(state="visible", timeout=10_000)
        assert "已验证 139****1111" in page.locator("#contact-ok").inner_text()
        assert "1111" not in page.locator("#track-body").inner_text()
    finally:
        page.context.close()
    assert errors == []

    tracking = track.rsplit("/", 1)[1]
    with studio.server.http() as client:
        question_id = client.get(f"/api/track/{tracking}").json()["question_id"]
    assert studio.mod1.act(studio.question(slug, question_id), "approve").status_code == 200
    admin = log_in(browser, studio.server, "admin", ADMIN_PASSWORD, "/studio/notifications")
    try:
        rows = admin.locator("#nf-rows tr")
        rows.first.wait_for(timeout=10_000)
        text = admin.locator("#nf-rows").inner_text()
        assert "审核通过" in text and "139****1111" in text and "13900001111" not in text
    finally:
        admin.context.close()
