"""Photos on board messages and live questions against a real server: stripped of EXIF, private
until the message is public, hidden and blurred by a moderator, bad files refused by code."""

from __future__ import annotations

import io
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageStat

from support.clients import Studio, frames_until, recv_until
from support.images import (
    gif,
    html_polyglot,
    motion_photo,
    phone_photo,
    png_header_bomb,
    zip_polyglot,
)


def upload(studio: Studio, data: bytes, kind: str = "image/jpeg") -> tuple[int, dict[str, Any]]:
    """POST one photo as the forms do; the status and the JSON answer."""
    with studio.server.http() as client:
        answer = client.post("/api/photos", content=data, headers={"Content-Type": kind})
    return answer.status_code, answer.json()


def public_get(studio: Studio, url: str) -> Any:
    with studio.server.http() as client:
        return client.get(url)


def media_files(studio: Studio) -> list[Path]:
    return sorted((Path(studio.server.db).with_suffix(".media") / "photos").rglob("*.jpg"))


def photo_rows(studio: Studio) -> int:
    with sqlite3.connect(studio.server.db) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM message_photos").fetchone()[0]
    return count


def submit_with_photo(studio: Studio, data: bytes) -> tuple[int, str, str]:
    """A board message carrying one photo: (submission id, tracking code, photo url)."""
    status, body = upload(studio, data)
    assert status == 201, body
    with studio.server.http() as client:
        receipt = client.post("/api/board/submissions", json={
            "text": "小区门口的路面塌陷了，见照片", "client_key": str(uuid.uuid4()), "photos": [body["photo"]]})
    assert receipt.status_code == 201, receipt.text
    queue = studio.mod1.get("/api/board/submissions").json()
    mine = next(s for s in queue if s["id"] == receipt.json()["submission_id"])
    assert [p["state"] for p in mine["photos"]] == ["visible"]
    return mine["id"], receipt.json()["tracking_code"], mine["photos"][0]["url"]


def test_a_board_photo_is_stripped_private_until_approved_and_gone_once_hidden(studio: Studio) -> None:
    """EXIF, GPS and comment are gone from the served file; public 404 while pending, 200 after approval, 404 when hidden."""
    submission_id, _, url = submit_with_photo(studio, phone_photo())
    assert public_get(studio, url).status_code == 404
    staff_view = studio.mod1.client.get(url)
    assert staff_view.status_code == 200 and staff_view.headers["cache-control"] == "private, no-store"
    case = studio.mod1.post(f"/api/board/submissions/{submission_id}/approve", {}).json()
    served = public_get(studio, url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in served.headers["content-security-policy"]
    kept = Image.open(io.BytesIO(served.content))
    assert kept.format == "JPEG" and kept.size == (800, 1200)  # turned upright by its orientation
    assert not kept.getexif() and "comment" not in kept.info and "icc_profile" not in kept.info
    assert b"TestCam" not in served.content and b"secret note" not in served.content
    with studio.server.http() as client:
        page = client.get(f"/board/cases/{case['case_id']}").text
    assert f'src="{url}"' in page
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    assert studio.mod1.post(f"/api/photos/{token}/hide", {}).status_code == 400  # a reason is required
    hidden = studio.mod1.post(f"/api/photos/{token}/hide", {"reason": "照片含他人面部"})
    assert hidden.status_code == 200 and hidden.json()["state"] == "hidden"
    assert public_get(studio, url).status_code == 404
    with studio.server.http() as client:
        assert f'src="{url}"' not in client.get(f"/board/cases/{case['case_id']}").text
    entries = studio.admin.get(f"/api/board/cases/{case['case_id']}/audit").json()
    assert any(e["action"] == "photo.hide" and "照片含他人面部" in str(e) for e in entries), entries


def test_blurring_changes_the_served_pixels_in_the_region_only(studio: Studio) -> None:
    """A blurred rectangle differs from before; pixels outside it stay as they were."""
    submission_id, _, url = submit_with_photo(studio, phone_photo())
    before = Image.open(io.BytesIO(studio.mod1.client.get(url).content)).convert("L")
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    # upright, the photo is dark above y=600 and light below, with stripes where x > 500
    region = {"x": 500, "y": 300, "width": 300, "height": 600}
    answer = studio.mod1.post(f"/api/photos/{token}/blur", region)
    assert answer.status_code == 200, answer.text
    studio.mod1.post(f"/api/board/submissions/{submission_id}/approve", {})
    after = Image.open(io.BytesIO(public_get(studio, url).content)).convert("L")
    inside = (500, 300, 800, 900)
    outside = (500, 1000, 800, 1200)

    def spread(image: Image.Image, box: tuple[int, int, int, int]) -> float:
        return float(ImageStat.Stat(image.crop(box)).var[0])

    def difference(box: tuple[int, int, int, int]) -> float:
        return float(ImageStat.Stat(ImageChops.difference(before.crop(box), after.crop(box))).mean[0])

    assert spread(after, inside) < spread(before, inside) / 2
    assert difference(inside) > 10
    assert difference(outside) < 3
    assert studio.mod1.post(f"/api/photos/{token}/blur", {"x": 700, "y": 0, "width": 400, "height": 10}).status_code == 400
    assert studio.guest1.post(f"/api/photos/{token}/blur", region).status_code == 403


def test_bad_files_are_refused_each_with_its_code_and_nothing_is_kept(studio: Studio) -> None:
    """Wrong type, too large, a bomb, polyglots and a renamed file: a code each, no row, no file."""
    rows, files = photo_rows(studio), media_files(studio)
    cases = {
        "gif": (gif(), "image/gif", 415, "image_type"),
        "text": (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "image/svg+xml", 415, "image_type"),
        "too large": (b"\xff\xd8\xff" + b"\x00" * (13 * 1024 * 1024), "image/jpeg", 413, "image_too_large"),
        "bomb": (png_header_bomb(), "image/png", 400, "image_bomb"),
        "zip polyglot": (zip_polyglot(), "image/jpeg", 400, "image_disguised"),
        "html polyglot": (html_polyglot(), "image/png", 400, "image_disguised"),
        "renamed": (phone_photo(fmt="PNG"), "image/jpeg", 400, "image_disguised"),
        "truncated": (phone_photo()[:700], "image/jpeg", 400, "bad_image"),
    }
    for name, (data, kind, status, code) in cases.items():
        got, body = upload(studio, data, kind)
        assert (got, body["error"]["code"]) == (status, code), (name, body)
        assert body["error"]["message"], name
    assert photo_rows(studio) == rows and media_files(studio) == files


def test_heic_webp_and_motion_photos_from_phones_are_kept_as_jpeg(studio: Studio) -> None:
    """HEIC (pillow-heif), WebP and motion-photo uploads are accepted and kept as a JPEG without
    metadata (a motion photo without its clip)."""
    for name, data, kind in (("HEIC", phone_photo((900, 600), "HEIF"), "image/heic"),
                             ("WebP", phone_photo((900, 600), "WEBP"), "image/webp"),
                             ("motion photo", motion_photo(), "image/jpeg"),
                             ("Samsung motion photo", motion_photo(samsung=True), "image/jpeg")):
        status, body = upload(studio, data, kind)
        assert status == 201, (name, body)
        path = Path(studio.server.db).with_suffix(".media") / "photos" / body["photo"][:2] / f"{body['photo']}.jpg"
        kept = Image.open(path)
        assert kept.format == "JPEG" and not kept.getexif(), name
        assert b"ftyp" not in path.read_bytes(), name


def test_a_message_carries_six_photos_at_most_and_each_upload_once(studio: Studio) -> None:
    """Seven photos, an unknown token, or a token already carried by a message: 400 invalid (photos)."""
    tokens = [upload(studio, phone_photo((200, 200)))[1]["photo"] for _ in range(7)]
    with studio.server.http() as client:
        def send(photos: list[str]) -> Any:
            return client.post("/api/board/submissions", json={
                "text": "照片测试", "client_key": str(uuid.uuid4()), "photos": photos})
        assert send(tokens).json()["error"]["field"] == "photos"
        assert send(["0" * 24]).json()["error"]["field"] == "photos"
        assert send(tokens[:6]).status_code == 201
        assert send(tokens[5:]).json()["error"]["field"] == "photos"


def test_a_live_question_photo_is_public_once_approved_and_leaves_the_feed_when_hidden(studio: Studio) -> None:
    """The queue shows it to moderators; approved, the audience's snapshot carries it; hidden, the feed drops it."""
    slug = studio.new_event()
    _, body = upload(studio, phone_photo())
    receipt = studio.ask(slug, "这条路什么时候修？", photos=[body["photo"]])
    question = studio.question(slug, receipt["question_id"])
    url = question["photos"][0]["url"]
    assert question["photos"][0]["state"] == "visible"
    assert public_get(studio, url).status_code == 404
    assert studio.mod1.act(question, "approve").status_code == 200
    assert public_get(studio, url).status_code == 200
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        snapshot = recv_until(ws, "snapshot")
        shown = next(q for q in snapshot["published"] if q["id"] == receipt["question_id"])
        assert [p["url"] for p in shown["photos"]] == [url]
        assert studio.mod2.post(f"/api/photos/{token}/hide", {"reason": "与提问无关"}).status_code == 200
        updated = frames_until(ws, "question.updated", {})
        assert updated["question"]["id"] == receipt["question_id"] and updated["question"]["photos"] == []
    assert public_get(studio, url).status_code == 404
    assert studio.question(slug, receipt["question_id"])["photos"][0]["state"] == "hidden"


def test_an_asker_adds_a_photo_to_their_open_case_which_waits_for_a_moderator(studio: Studio) -> None:
    """Before approval: 409; on the open case: pending (public 404) until approved; the board's queue lists it."""
    submission_id, code, first = submit_with_photo(studio, phone_photo((600, 400)))
    _, extra = upload(studio, phone_photo((600, 400)))
    with studio.server.http() as client:
        early = client.post(f"/api/board/track/{code}/photos", json={"photos": [extra["photo"]]})
        assert (early.status_code, early.json()["error"]["code"]) == (409, "not_allowed")
        case_id = studio.mod1.post(f"/api/board/submissions/{submission_id}/approve", {}).json()["case_id"]
        assert client.post("/api/board/track/nosuchcode/photos", json={"photos": [extra["photo"]]}).status_code == 404
        added = client.post(f"/api/board/track/{code}/photos", json={"photos": [extra["photo"]]})
        assert added.status_code == 200 and added.json() == {"case_id": case_id, "added": 1, "state": "pending"}
        url = f"/media/{extra['photo']}.jpg"
        assert client.get(url).status_code == 404
        assert client.get(first).status_code == 200
        page = client.get(f"/board/track/{code}").text
        assert "补充的 1 张审核中" in page and 'id="track-photos"' in page
    waiting = studio.mod1.get("/api/board/photos").json()
    assert [(p["url"], p["case_id"], p["state"]) for p in waiting] == [(url, case_id, "pending")]
    assert studio.mod1.post(f"/api/photos/{extra['photo']}/approve", {}).json()["state"] == "visible"
    assert public_get(studio, url).status_code == 200
    assert studio.mod1.get("/api/board/photos").json() == []
    with studio.server.http() as client:
        assert f'src="{url}"' in client.get(f"/board/cases/{case_id}").text


def test_retracting_a_message_deletes_its_photos(studio: Studio) -> None:
    """The asker's retraction removes the photo's row and its file."""
    _, code, url = submit_with_photo(studio, phone_photo((600, 400)))
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    path = Path(studio.server.db).with_suffix(".media") / "photos" / token[:2] / f"{token}.jpg"
    assert path.exists()
    with studio.server.http() as client:
        assert client.post(f"/api/board/track/{code}/retract").status_code == 200
    assert not path.exists()
    assert studio.mod1.client.get(url).status_code == 404


def test_a_pending_question_photo_is_seen_only_by_those_who_moderate_its_event(studio: Studio) -> None:
    """Before approval: the event's moderator and the admin see it; a moderator of other events, an
    official and the public get 404, as for a photo that does not exist. Hidden once its question is
    a board case: the case page shows it to the event's moderator only."""
    slug = f"photos-{uuid.uuid4().hex[:8]}"
    made = studio.admin.post("/api/events", {
        "slug": slug, "title": "只有一位审核员", "starts_at": "2026-11-22T20:00:00+08:00",
        "ends_at": "2026-11-22T22:00:00+08:00", "guests": ["guest1"], "moderators": ["mod1"]})
    assert made.status_code == 201, made.text
    assert studio.admin.post(f"/api/events/{slug}/open").status_code == 200
    _, body = upload(studio, phone_photo())
    receipt = studio.ask(slug, "路口积水，见照片", photos=[body["photo"]])
    url = studio.question(slug, receipt["question_id"])["photos"][0]["url"]
    assert studio.mod1.get(url).status_code == 200 and studio.admin.get(url).status_code == 200
    for reader in (studio.mod2, studio.guest1):
        assert reader.get(url).status_code == 404
    assert public_get(studio, url).status_code == 404
    token = url.rsplit("/", 1)[1].removesuffix(".jpg")
    assert studio.mod1.act(studio.question(slug, receipt["question_id"]), "approve").status_code == 200
    assert studio.mod1.post(f"/api/photos/{token}/hide", {"reason": "拍到了路人"}).status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    case_id = studio.question(slug, receipt["question_id"])["case_id"]
    page = f"/board/cases/{case_id}"
    assert token in studio.mod1.get(page).text and studio.mod1.get(url).status_code == 200
    assert token not in studio.mod2.get(page).text and studio.mod2.get(url).status_code == 404
    assert token not in public_get(studio, page).text
