"""Photos people upload (guest photos, photos on messages): what an upload must be, and the one image
the server keeps of it.

Pure: bytes in, bytes out. The type is what the bytes are (only the JPEG, PNG, WebP and HEIC/HEIF
decoders are ever tried), never the file name; a declared type that names another image type
(a renamed file) is refused, and so is an image with something else appended or embedded (a
polyglot: bytes after the image's own end, or markup or script inside it). The pixel count is
checked from the header before anything is decoded, so a decompression bomb is refused without
being expanded; the kept image is re-encoded from the pixels alone (a JPEG turned upright by its
EXIF orientation, with no EXIF, GPS, ICC or comment left). Each refusal has its own error code.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_PHOTO_BYTES = 5 * 1024 * 1024
"""The largest guest photo accepted (413 ``image_too_large`` beyond)."""
MAX_MESSAGE_PHOTO_BYTES = 12 * 1024 * 1024
"""The largest photo on a message accepted (a phone's full-size HEIC or JPEG fits)."""
MAX_PHOTO_PIXELS = 40_000_000
"""The largest image accepted, in pixels (a 40-megapixel camera's), checked before decoding."""
MIN_PHOTO_SIDE = 64
"""The smallest side accepted, in pixels."""
PHOTO_SIZE = 400
"""The kept guest photo is PHOTO_SIZE × PHOTO_SIZE."""
MESSAGE_PHOTO_SIDE = 1600
"""The kept photo of a message is at most MESSAGE_PHOTO_SIDE pixels on its longer side."""
MAX_MESSAGE_PHOTOS = 6
"""Photos one message may carry."""
UNATTACHED_HOURS = 24
"""An upload no message carries is deleted once this many hours have passed: at the next upload
or the next purge (daily, and ``studio purge``), whichever comes first."""
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
DECLARED = {
    "image/jpeg": "JPEG", "image/jpg": "JPEG", "image/pjpeg": "JPEG", "image/png": "PNG",
    "image/webp": "WEBP", "image/heic": "HEIF", "image/heif": "HEIF",
    "image/heic-sequence": "HEIF", "image/heif-sequence": "HEIF",
}
"""The declared types that name each format; ``application/octet-stream`` or none names none."""
MARKUP = re.compile(rb"<(script|html|svg|iframe|body|\?php|!doctype)[\s>/]", re.IGNORECASE)
SLACK = 64
"""Bytes of padding tolerated after an image's end (some cameras pad with zeros)."""
SAMSUNG_TRAILER = 64 * 1024
"""The largest Samsung trailer (``SEFH`` … ``SEFT``) tolerated after a motion photo's clip."""


class PhotoRefused(ValueError):
    """An upload that is not a photo we keep: ``code`` (docs/api.md) and ``message``, in Chinese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Photo:
    """The kept image: JPEG bytes, their size in pixels and a token naming them (a content hash)."""

    data: bytes
    width: int
    height: int
    token: str


def photo_path(token: str | None) -> str | None:
    """Where the kept guest photo named ``token`` is served (``None`` without one)."""
    return f"/photos/{token}.jpg" if token else None


def media_url(token: str) -> str:
    """Where the kept photo of a message named ``token`` is served (a stable address)."""
    return f"/media/{token}.jpg"


def too_large(limit: int) -> PhotoRefused:
    """The refusal of an upload over ``limit`` bytes."""
    return PhotoRefused("image_too_large", f"照片文件过大，最大 {limit // (1024 * 1024)} MB")


def _jpeg_end(data: bytes) -> int:
    """Where a JPEG's EOI marker ends, walking its segments and entropy-coded scans."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise PhotoRefused("bad_image", "照片文件已损坏，无法读取")
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
            continue
        if marker == 0xD9:
            return at + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        at += 2 + length
        if marker == 0xDA:  # the scan runs to the next marker that is not a stuffed 00 or a restart
            while at + 1 < len(data):
                if data[at] == 0xFF and data[at + 1] != 0 and not 0xD0 <= data[at + 1] <= 0xD7:
                    break
                at += 1
    return len(data)


def _png_end(data: bytes) -> int:
    at = 8
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        at += 12 + int(length)
        if kind == b"IEND":
            return at
    return len(data)


def _box_end(data: bytes) -> int:
    """Where the last top-level ISO-BMFF box (HEIC/HEIF) ends."""
    at = 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        if size == 1 and at + 16 <= len(data):
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
        elif size == 0:
            return len(data)
        if size < 8 or at + size > len(data) or not kind.isascii():
            return at
        at += size
    return at


def image_end(data: bytes, kind: str) -> int:
    """Where the image of format ``kind`` ends in ``data`` (what follows is not part of it)."""
    if kind == "JPEG":
        return _jpeg_end(data)
    if kind == "PNG":
        return _png_end(data)
    if kind == "WEBP":
        riff = int(struct.unpack("<I", data[4:8])[0]) + 8
        return riff + (riff % 2)
    return _box_end(data)


def motion_clip(trailing: bytes) -> bool:
    """Whether the bytes after a JPEG are a phone's "motion photo" clip (Google's and Xiaomi's
    Motion Photo, Samsung's): an MP4 — ISO-BMFF boxes from an ``ftyp`` to the last byte — after
    Samsung's ``MotionPhoto_Data`` tag if present, followed at most by Samsung's own trailer
    (under 64 KiB, ending ``SEFT``). Anything else after the picture is not one."""
    clip = trailing.removeprefix(b"MotionPhoto_Data")
    if clip[4:8] != b"ftyp":
        return False
    end = _box_end(clip)
    rest = clip[end:]
    return end > 8 and (not rest or (len(rest) <= SAMSUNG_TRAILER and rest.endswith(b"SEFT")))


def check_disguise(data: bytes, kind: str, declared: str | None) -> None:
    """Refuse ``image_disguised`` a renamed file (``declared`` names another type) or a polyglot.
    A JPEG carrying a phone's motion-photo clip (:func:`motion_clip`) is not one: the clip is
    dropped with everything else when the pixels are re-encoded."""
    named = (declared or "").split(";")[0].strip().lower()
    if named and named != "application/octet-stream" and DECLARED.get(named) != kind:
        raise PhotoRefused("image_disguised", f"文件类型（{named}）与内容（{kind}）不符，请勿改名上传")
    trailing = data[image_end(data, kind):]
    if len(trailing.strip(b"\x00\r\n\t ")) > SLACK and not (kind == "JPEG" and motion_clip(trailing)):
        raise PhotoRefused("image_disguised",
                           "照片后面附带了其他内容（如压缩包），请导出为普通照片后上传")
    if MARKUP.search(data):
        raise PhotoRefused("image_disguised", "照片中夹带了网页或脚本内容，不能上传")


def decode(data: bytes, declared: str | None = None) -> Image.Image:
    """The upright RGB pixels of an upload, or :class:`PhotoRefused` with its code.

    Policy: empty, corrupt or under ``MIN_PHOTO_SIDE`` pixels a side: ``bad_image``; not JPEG,
    PNG, WebP or HEIC/HEIF (GIF, SVG, a renamed executable …): ``image_type``; more than
    ``MAX_PHOTO_PIXELS`` pixels: ``image_bomb`` (read from the header, nothing expanded); a
    declared type naming another image type, bytes after the image's end, or markup or
    script inside it: ``image_disguised``.
    """
    if not data:
        raise PhotoRefused("bad_image", "请选择要上传的照片")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise PhotoRefused("image_bomb", f"照片像素过多（{image.width}×{image.height}），请缩小后再上传")
            if min(image.width, image.height) < MIN_PHOTO_SIDE:
                raise PhotoRefused("bad_image", f"照片太小，边长至少 {MIN_PHOTO_SIDE} 像素")
            check_disguise(data, str(image.format), declared)
            image.load()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("image_bomb", "照片像素过多，请缩小后再上传") from None
    except UnidentifiedImageError:
        raise PhotoRefused("image_type", "只接受 JPEG、PNG、WebP 或 HEIC 格式的照片") from None
    except (OSError, ValueError, SyntaxError, struct.error):
        raise PhotoRefused("bad_image", "照片文件已损坏，无法读取") from None
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        pixels = Image.new("RGB", rgba.size, "#ffffff")
        pixels.paste(rgba, mask=rgba.getchannel("A"))
        return pixels
    return upright.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    """``image`` as a JPEG made from its pixels alone: nothing of any info (EXIF, comment, ICC) follows."""
    clean = Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def process_photo(data: bytes, declared: str | None = None) -> Photo:
    """The square JPEG kept of a guest photo; :class:`PhotoRefused` for anything else (:func:`decode`).

    The crop keeps the middle (faces are usually there) and scales to ``PHOTO_SIZE``.
    """
    square = ImageOps.fit(decode(data, declared), (PHOTO_SIZE, PHOTO_SIZE), method=Image.Resampling.LANCZOS)
    kept = _jpeg(square)
    return Photo(kept, PHOTO_SIZE, PHOTO_SIZE, hashlib.sha256(kept).hexdigest()[:24])


def process_message_photo(data: bytes, declared: str | None = None) -> Photo:
    """The JPEG kept of a photo on a message: upright, at most ``MESSAGE_PHOTO_SIDE`` on its longer
    side (never enlarged), no metadata; :class:`PhotoRefused` as :func:`decode` says."""
    pixels = decode(data, declared)
    pixels.thumbnail((MESSAGE_PHOTO_SIDE, MESSAGE_PHOTO_SIDE), Image.Resampling.LANCZOS)
    kept = _jpeg(pixels)
    return Photo(kept, pixels.width, pixels.height, hashlib.sha256(kept).hexdigest()[:24])


def blur_region(jpeg: bytes, box: tuple[int, int, int, int]) -> bytes:
    """The kept JPEG with the rectangle ``box`` (left, top, width, height, in its pixels) made
    unrecognisable: pixelated to 12 blocks across its shorter side, then blurred. The box is
    clipped to the image; an empty one is a ``ValueError``."""
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    left, top = max(0, box[0]), max(0, box[1])
    right, bottom = min(image.width, box[0] + box[2]), min(image.height, box[1] + box[3])
    if right - left < 2 or bottom - top < 2:
        raise ValueError("empty region")
    region = image.crop((left, top, right, bottom))
    block = max(1, min(region.size) // 12)
    small = region.resize((max(1, region.width // block), max(1, region.height // block)),
                          Image.Resampling.BOX)
    covered = small.resize(region.size, Image.Resampling.NEAREST).filter(ImageFilter.GaussianBlur(block))
    image.paste(covered, (left, top))
    return _jpeg(image)
