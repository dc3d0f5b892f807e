"""The pure photo rules (studio/photos.py): each refusal's code, what is kept, blurring a region."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageStat

from studio.photos import (
    MESSAGE_PHOTO_SIDE,
    PhotoRefused,
    blur_region,
    image_end,
    process_message_photo,
    process_photo,
)
from support.images import (
    gif,
    html_polyglot,
    motion_photo,
    mp4_clip,
    phone_photo,
    png_header_bomb,
    zip_polyglot,
)


def refusal(data: bytes, declared: str | None = None) -> str:
    with pytest.raises(PhotoRefused) as refused:
        process_message_photo(data, declared)
    assert refused.value.message
    return refused.value.code


def test_each_bad_upload_has_its_code() -> None:
    """Wrong type, bomb, polyglots, a renamed file, truncated and tiny images: one code each."""
    tiny = io.BytesIO()
    Image.new("RGB", (20, 20)).save(tiny, format="PNG")
    assert refusal(gif()) == "image_type"
    assert refusal(b"MZ\x90\x00" + b"\x00" * 500, "image/jpeg") == "image_type"
    assert refusal(png_header_bomb()) == "image_bomb"
    assert refusal(zip_polyglot()) == "image_disguised"
    assert refusal(html_polyglot()) == "image_disguised"
    assert refusal(phone_photo((300, 200), "WEBP") + b"<?php echo 1; ?>" * 10) == "image_disguised"
    assert refusal(phone_photo((300, 200), "PNG"), "image/jpeg") == "image_disguised"
    assert refusal(phone_photo()[:700]) == "bad_image"
    assert refusal(tiny.getvalue()) == "bad_image"
    assert refusal(b"") == "bad_image"


def test_every_format_ends_where_its_image_ends() -> None:
    """JPEG (baseline and progressive), PNG, WebP and HEIC: the image's end is the file's end."""
    for fmt in ("JPEG", "PNG", "WEBP", "HEIF"):
        data = phone_photo((320, 240), fmt)
        assert image_end(data, fmt) == len(data), fmt
    progressive = io.BytesIO()
    Image.new("RGB", (320, 240), "teal").save(progressive, format="JPEG", progressive=True)
    assert image_end(progressive.getvalue(), "JPEG") == len(progressive.getvalue())


def test_the_kept_photo_is_upright_small_enough_and_bare() -> None:
    """A 4000×3000 phone JPEG turned 90° is kept as 1200×1600 with no EXIF, GPS or comment; a
    padded file (zeros after the end) and a declared alias (image/jpg) are accepted."""
    kept = process_message_photo(phone_photo((4000, 3000)) + b"\x00" * 32, "image/jpg")
    assert (kept.width, kept.height) == (1200, MESSAGE_PHOTO_SIDE)
    image = Image.open(io.BytesIO(kept.data))
    assert image.format == "JPEG" and not image.getexif() and "comment" not in image.info
    assert b"TestCam" not in kept.data
    guest = process_photo(phone_photo((800, 600), "HEIF"), "image/heic")
    assert (guest.width, guest.height) == (400, 400)


def test_a_motion_photo_is_kept_as_its_picture_and_nothing_else_may_follow_one() -> None:
    """Google's and Samsung's motion photos (a JPEG with its clip after the end) are accepted and kept
    as the still picture alone; a clip cut short, a clip followed by an archive or a page, or a clip
    after a PNG are still polyglots."""
    for photo in (motion_photo(), motion_photo(samsung=True)):
        kept = process_message_photo(photo, "image/jpeg")
        assert (kept.width, kept.height) == (300, 400) and b"ftyp" not in kept.data and b"mdat" not in kept.data
        assert image_end(kept.data, "JPEG") == len(kept.data)
    still = phone_photo((400, 300))
    assert refusal(motion_photo()[:-100]) == "image_disguised"
    assert refusal(motion_photo() + b"PK\x03\x04" + b"payload" * 30) == "image_disguised"
    assert refusal(still + mp4_clip() + b"SEFH" + b"\x00" * 70_000 + b"SEFT") == "image_disguised"
    assert refusal(still + mp4_clip(b"<script>alert(1)</script>" * 40)) == "image_disguised"
    assert refusal(phone_photo((300, 200), "PNG") + mp4_clip()) == "image_disguised"


def test_blurring_changes_only_the_region() -> None:
    """Inside the box the detail is gone; outside it the pixels stay; an empty box is refused."""
    kept = process_message_photo(phone_photo()).data
    blurred = blur_region(kept, (500, 0, 300, 300))
    before = Image.open(io.BytesIO(kept)).convert("L")
    after = Image.open(io.BytesIO(blurred)).convert("L")
    inside, outside = (500, 0, 800, 300), (500, 600, 800, 1200)
    assert ImageStat.Stat(after.crop(inside)).var[0] < ImageStat.Stat(before.crop(inside)).var[0] / 2
    assert ImageStat.Stat(ImageChops.difference(before.crop(outside), after.crop(outside))).mean[0] < 3
    with pytest.raises(ValueError):
        blur_region(kept, (900, 0, 10, 10))
