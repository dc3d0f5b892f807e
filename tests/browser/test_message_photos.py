"""Photos on messages in Chromium: sent from the phone-sized board form and ask form, stripped of
EXIF (read from the served file), invisible publicly while pending, shown once approved, blurred
and hidden by a moderator from the pages; a bad file is refused with the server's reason."""

from __future__ import annotations

import io
import uuid
from typing import Any

from PIL import Image, ImageChops, ImageStat

from support.browser import log_in, phone_page
from support.clients import Studio
from support.images import gif, phone_photo
from support.servers import STAFF_PASSWORD

WAIT = 10_000


def fetch(studio: Studio, url: str) -> Any:
    with studio.server.http() as client:
        return client.get(url)


def test_a_board_photo_from_a_phone_is_stripped_moderated_blurred_and_hidden(browser: Any, studio: Studio) -> None:
    """Phone form → pending (public 404) → blurred and approved on the console → public, no EXIF → hidden → 404."""
    errors: list[str] = []
    page = phone_page(browser, errors)
    page.goto(f"{studio.server.base}/board/new")
    page.fill("#ask-text", "学院路口的井盖缺失，晚上很危险，附现场照片")
    page.set_input_files("#ask-photos", [
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": phone_photo()},
        {"name": "animation.gif", "mimeType": "image/gif", "buffer": gif()},
    ])
    page.locator(".photo-item", has_text="已上传").wait_for(timeout=WAIT)
    page.locator(".photo-refused", has_text="只接受").wait_for(timeout=WAIT)
    page.click("#ask-submit")
    page.locator("#receipt").wait_for(timeout=WAIT)
    tracking = page.locator("#receipt [data-field='tracking_link']").get_attribute("href")
    submission = next(s for s in studio.mod1.get("/api/board/submissions").json()
                      if s["original_text"].startswith("学院路口"))
    assert len(submission["photos"]) == 1  # the GIF was refused, only the photo came with the message
    url = submission["photos"][0]["url"]
    assert fetch(studio, url).status_code == 404

    moderator = log_in(browser, studio.server, "mod1", STAFF_PASSWORD, "/studio/board", errors)
    item = moderator.locator(f"[data-submission-id='{submission['id']}']")
    image = item.locator(".photo-frame img")
    image.wait_for(timeout=WAIT)
    moderator.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    before = Image.open(io.BytesIO(studio.mod1.client.get(url).content)).convert("L")
    box = image.bounding_box()
    assert box is not None
    moderator.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.1)
    moderator.mouse.down()
    moderator.mouse.move(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.6, steps=5)
    moderator.mouse.up()
    with moderator.expect_response(lambda r: r.url.endswith("/blur")) as blurred:
        item.get_by_role("button", name="模糊所选区域").click()
    assert blurred.value.status == 200
    with moderator.expect_navigation():
        item.locator("[data-action='approve']").click()

    case_id = studio.mod1.get(f"/api/board/track/{tracking.rsplit('/', 1)[1]}").json()["case_id"]
    public = phone_page(browser, errors)
    public.goto(f"{studio.server.base}/board/cases/{case_id}")
    shown = public.locator(f".photo-strip img[src='{url}']")
    shown.wait_for(timeout=WAIT)
    public.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=shown.element_handle())
    served = fetch(studio, url)
    assert served.status_code == 200
    kept = Image.open(io.BytesIO(served.content))
    assert not kept.getexif() and b"TestCam" not in served.content and b"secret note" not in served.content
    after = kept.convert("L")
    region = (int(800 * 0.65), int(1200 * 0.15), int(800 * 0.9), int(1200 * 0.55))
    assert ImageStat.Stat(ImageChops.difference(before.crop(region), after.crop(region))).mean[0] > 5
    assert ImageStat.Stat(ImageChops.difference(before.crop((0, 1000, 300, 1200)),
                                                after.crop((0, 1000, 300, 1200)))).mean[0] < 3

    moderator.goto(f"{studio.server.base}/board/cases/{case_id}")
    tools = moderator.locator("#photo-admin figure")
    tools.get_by_label("隐藏理由").fill("照片中可辨认路人面部")
    with moderator.expect_response(lambda r: r.url.endswith("/hide")) as hidden:
        tools.get_by_role("button", name="隐藏照片").click()
    assert hidden.value.status == 200
    tools.locator(".photo-state", has_text="已隐藏").wait_for(timeout=WAIT)
    assert fetch(studio, url).status_code == 404
    public.reload()
    assert public.locator(".photo-strip img").count() == 0
    assert not [e for e in errors if "415" not in e and "404" not in e], errors


def test_a_live_question_photo_from_a_phone_shows_once_approved(browser: Any, studio: Studio) -> None:
    """The ask form at a phone viewport sends the photo; the feed shows it only after approval."""
    slug = studio.new_event()
    errors: list[str] = []
    page = phone_page(browser, errors)
    page.goto(f"{studio.server.base}/events/{slug}?tab=ask")
    if page.locator("#tab-ask").count():
        page.click("#tab-ask")
    page.fill("#ask-text", "公交站台的顶棚坏了，什么时候修？")
    page.set_input_files("#ask-photos", {"name": "IMG_0002.HEIC", "mimeType": "image/heic",
                                         "buffer": phone_photo((900, 600), "HEIF")})
    page.locator(".photo-item", has_text="已上传").wait_for(timeout=WAIT)
    page.click("#ask-submit")
    page.locator("#ask-result").wait_for(timeout=WAIT)
    question = next(q for q in studio.mod1.get(f"/api/events/{slug}/queue").json()
                    if q["text"].startswith("公交站台"))
    url = question["photos"][0]["url"]
    assert fetch(studio, url).status_code == 404
    assert studio.mod1.act(question, "approve").status_code == 200
    viewer = phone_page(browser, errors)
    viewer.goto(f"{studio.server.base}/events/{slug}")
    viewer.locator(f"img[src='{url}']").first.wait_for(state="attached", timeout=WAIT)
    assert fetch(studio, url).status_code == 200
    assert not errors, errors


def test_an_asker_adds_a_photo_from_the_tracking_page_while_the_case_is_open(browser: Any, studio: Studio) -> None:
    """On a phone, the tracking page of an approved message takes a photo; it waits for a moderator."""
    with studio.server.http() as client:
        receipt = client.post("/api/board/submissions", json={
            "text": "菜市场门口的排水沟堵了", "client_key": str(uuid.uuid4())}).json()
    studio.mod1.post(f"/api/board/submissions/{receipt['submission_id']}/approve", {})
    errors: list[str] = []
    page = phone_page(browser, errors)
    page.goto(f"{studio.server.base}/board/track/{receipt['tracking_code']}")
    page.set_input_files("#track-photo-file", {"name": "IMG_0003.jpg", "mimeType": "image/jpeg",
                                               "buffer": phone_photo((800, 600))})
    page.locator(".photo-item", has_text="已上传").wait_for(timeout=WAIT)
    with page.expect_navigation():
        page.click("#track-photo-submit")
    page.locator("#track-photo-count", has_text="补充的 1 张审核中").wait_for(timeout=WAIT)
    waiting = studio.mod1.get("/api/board/photos").json()
    assert [p["state"] for p in waiting] == ["pending"]
    assert fetch(studio, waiting[0]["url"]).status_code == 404
    assert not errors, errors


def test_the_official_sees_the_photos_the_audience_sees_and_keeps_the_draft_when_one_is_hidden(
        browser: Any, studio: Studio) -> None:
    """The official's console shows an approved question's photos in the queue and on air; a
    moderator hiding one takes it off the on-air card while the answer being typed stays."""
    slug = studio.new_event()
    tokens = []
    with studio.server.http() as client:
        for _ in range(2):
            sent = client.post("/api/photos", content=phone_photo(), headers={"Content-Type": "image/jpeg"})
            assert sent.status_code == 201, sent.text
            tokens.append(sent.json()["photo"])
    asked = studio.ask(slug, "桥下的路灯坏了一排，见照片", photos=tokens)
    assert studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").status_code == 200
    errors: list[str] = []
    page = log_in(browser, studio.server, "guest1", STAFF_PASSWORD, f"/studio/events/{slug}/answer", errors)
    item = page.locator(f"#queue .q-item[data-question-id='{asked['question_id']}']")
    item.locator(".photo-strip img").nth(1).wait_for(timeout=WAIT)
    assert item.locator(".photo-strip img").count() == 2
    item.locator("[data-action='on-air']").click()
    card = page.locator("#on-air .on-air-console-card")
    card.locator(".photo-strip img").nth(1).wait_for(timeout=WAIT)
    page.fill("#answer-text", "本周内全部换新")
    assert studio.mod1.post(f"/api/photos/{tokens[0]}/hide", {"reason": "拍到了行人的脸"}).status_code == 200
    page.wait_for_function("() => document.querySelectorAll('#on-air .photo-strip img').length === 1",
                           timeout=WAIT)
    assert tokens[1] in (card.locator(".photo-strip img").get_attribute("src") or "")
    assert page.input_value("#answer-text") == "本周内全部换新"
    assert not errors, errors
