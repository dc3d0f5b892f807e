"""Guest photos against a real server: a good one is re-encoded and shown on the guest card; bad
uploads (wrong type, too big, a renamed executable, decompression bombs) get a clear error by code and store nothing."""

from __future__ import annotations

import io
import sqlite3
import sys
from pathlib import Path

from PIL import Image

from support.clients import Studio
from support.images import png_header_bomb


def jpeg_with_metadata() -> bytes:
    """A 1200×800 JPEG carrying EXIF (a camera, GPS) and an orientation that turns it upright."""
    image = Image.new("RGB", (1200, 800), "#3366aa")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret note")
    return out.getvalue()


def png_small_bomb() -> bytes:
    """A 9000×9000 PNG (81 megapixels) that compresses to a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def stored_photos(db: str) -> int:
    with sqlite3.connect(db) as conn:
        count: int = conn.execute("SELECT COUNT(*) FROM staff_photos").fetchone()[0]
    return count


def put_photo(studio: Studio, username: str, data: bytes, kind: str = "image/jpeg") -> tuple[int, dict[str, object]]:
    answer = studio.admin.client.put(f"/api/staff/{username}/photo", content=data,
                                     headers={"X-CSRF-Token": studio.admin.csrf, "Content-Type": kind})
    return answer.status_code, answer.json() if answer.content else {}


def test_bad_uploads_get_a_clear_error_and_store_nothing(studio: Studio) -> None:
    """GIF, text, a renamed executable, a truncated JPEG, bombs, a tiny image and 6 MiB: refused, none stored."""
    before = stored_photos(studio.server.db)
    gif = io.BytesIO()
    Image.new("RGB", (200, 200)).save(gif, format="GIF")
    tiny = io.BytesIO()
    Image.new("RGB", (20, 20)).save(tiny, format="PNG")
    executable = Path(sys.executable).resolve().read_bytes()[:200_000]
    kinds = {"type": (415, "image_type"), "bomb": (400, "image_bomb"), "bad": (400, "bad_image")}
    cases = {
        "gif": (gif.getvalue(), "只接受", "type"),
        "text": (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "只接受", "type"),
        "renamed executable": (executable, "只接受", "type"),
        "truncated": (jpeg_with_metadata()[:600], "损坏", "bad"),
        "header bomb": (png_header_bomb(), "像素过多", "bomb"),
        "small bomb": (png_small_bomb(), "像素过多", "bomb"),
        "tiny": (tiny.getvalue(), "太小", "bad"),
        "empty": (b"", "请选择", "bad"),
    }
    for name, (data, says, kind) in cases.items():
        expected = kinds[kind]
        status, body = put_photo(studio, "guest1", data, "application/octet-stream")
        error = body["error"]
        assert (status, error["code"]) == expected, name  # type: ignore[index]
        assert says in error["message"], (name, error)  # type: ignore[index]
    status, body = put_photo(studio, "guest1", b"\xff\xd8\xff" + b"\x00" * (6 * 1024 * 1024))
    assert (status, body["error"]["code"]) == (413, "image_too_large")  # type: ignore[index]
    assert studio.guest1.client.put("/api/staff/guest1/photo", content=jpeg_with_metadata(),
                                    headers={"X-CSRF-Token": studio.guest1.csrf}).status_code == 403
    assert stored_photos(studio.server.db) == before


def test_a_photo_is_reencoded_without_metadata_and_shown_on_the_guest_card(studio: Studio) -> None:
    """The kept photo is a 400×400 JPEG turned upright with no EXIF or comment; the event and its page show it."""
    status, body = put_photo(studio, "guest2", jpeg_with_metadata())
    assert status == 200, body
    path = str(body["photo"])
    slug = studio.new_event()
    with studio.server.http() as client:
        served = client.get(path)
        assert served.headers["content-type"] == "image/jpeg"
        kept = Image.open(io.BytesIO(served.content))
        assert (kept.format, kept.size) == ("JPEG", (400, 400))
        assert not kept.getexif() and "comment" not in kept.info and "icc_profile" not in kept.info
        assert b"TestCam" not in served.content and b"secret note" not in served.content
        guests = {g["name"]: g for g in client.get(f"/api/events/{slug}").json()["guests"]}
        assert guests["guest2"]["photo"] == path
        page = client.get(f"/events/{slug}").text
        assert f'src="{path}"' in page
        assert client.get("/photos/" + "0" * 24 + ".jpg").status_code == 404
        assert client.get("/photos/../studio.db").status_code == 404
    assert studio.admin.client.delete("/api/staff/guest2/photo",
                                      headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 204
    with studio.server.http() as client:
        assert client.get(path).status_code == 404
