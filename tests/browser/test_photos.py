"""The admin uploads a guest photo from the studio home in Chromium: a renamed executable is refused
with the server's reason; a real photo shows at once and on the event page's guest card."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from support.browser import log_in
from support.clients import Studio
from support.servers import ADMIN_PASSWORD

WAIT = 10_000


def test_admin_uploads_a_guest_photo_and_the_event_page_shows_it(browser: Any, studio: Studio) -> None:
    """Refused upload → its error; accepted → preview and the guest card's <img> (its JPEG served)."""
    slug = studio.new_event()
    errors: list[str] = []
    page = log_in(browser, studio.server, "admin", ADMIN_PASSWORD, "/studio/", errors)
    page.select_option("#photo-guest", "guest1")
    page.set_input_files("#photo-file", {"name": "photo.jpg", "mimeType": "image/jpeg",
                                         "buffer": b"MZ\x90\x00" + b"\x00" * 4000})
    page.click("#photo-submit")
    page.locator("#photo-error", has_text="只接受").wait_for(timeout=WAIT)
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), "#aa3344").save(picture, format="PNG")
    page.set_input_files("#photo-file", {"name": "guest.png", "mimeType": "image/png", "buffer": picture.getvalue()})
    page.click("#photo-submit")
    page.locator("#photo-ok").wait_for(timeout=WAIT)
    assert page.locator("#photo-error").is_hidden()
    src = page.locator("#photo-preview").get_attribute("src")
    assert src and src.startswith("/photos/")
    event = page.context.new_page()
    event.goto(f"{studio.server.base}/events/{slug}")
    card = event.locator(f'.guest-list img[src="{src}"]')
    card.wait_for(timeout=WAIT)
    assert card.evaluate("img => img.complete && img.naturalWidth") == 400
    assert card.get_attribute("alt") == "guest1的照片"
    assert not [e for e in errors if "415" not in e], errors
