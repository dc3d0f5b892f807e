"""Guest photos: what an upload must be, and the one image the server keeps of it.

Pure: bytes in, bytes out. The type is what the bytes are (only JPEG, PNG and
WebP decoders are ever tried), never the file name or the declared type; the
pixel count is checked from the header before anything is decoded, so a
decompression bomb is refused without being expanded; the kept image is
re-encoded from the pixels alone (a square JPEG, turned upright by its EXIF
orientation, with no EXIF, GPS, ICC or comment left).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
"""The largest upload accepted (413 ``too_large`` beyond)."""
MAX_PHOTO_PIXELS = 40_000_000
"""The largest image accepted, in pixels (a 40-megapixel camera's), checked before decoding."""
PHOTO_SIZE = 400
"""The kept photo is PHOTO_SIZE × PHOTO_SIZE."""
FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoRefused(ValueError):
    """An upload that is not a photo we keep; ``message`` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Photo:
    """The kept image: JPEG bytes, their size in pixels and a token naming them (a content hash)."""

    data: bytes
    width: int
    height: int
    token: str


def photo_path(token: str | None) -> str | None:
    """Where the kept photo named ``token`` is served (``None`` without one)."""
    return f"/photos/{token}.jpg" if token else None


def process_photo(data: bytes) -> Photo:
    """The square JPEG kept of an uploaded photo; :class:`PhotoRefused` for anything else.

    Policy: empty, not an image, of another type (GIF, BMP, SVG, a renamed
    executable …), larger than ``MAX_PHOTO_PIXELS`` or under 64 pixels a side,
    or truncated/corrupt — refused, with the reason. The crop keeps the middle
    (faces are usually there) and scales to ``PHOTO_SIZE``.
    """
    if not data:
        raise PhotoRefused("请选择要上传的照片")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise PhotoRefused(f"照片像素过多（{image.width}×{image.height}），请缩小后再上传")
            if min(image.width, image.height) < 64:
                raise PhotoRefused("照片太小，边长至少 64 像素")
            image.load()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("照片像素过多，请缩小后再上传") from None
    except UnidentifiedImageError:
        raise PhotoRefused("只接受 JPEG、PNG 或 WebP 格式的照片") from None
    except (OSError, ValueError, SyntaxError):
        raise PhotoRefused("照片文件已损坏，无法读取") from None
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        pixels = Image.new("RGB", rgba.size, "#ffffff")
        pixels.paste(rgba, mask=rgba.getchannel("A"))
    else:
        pixels = upright.convert("RGB")
    square = ImageOps.fit(pixels, (PHOTO_SIZE, PHOTO_SIZE), method=Image.Resampling.LANCZOS)
    # a new image from the pixels alone: nothing of the upload's info (EXIF, comment, ICC) follows
    clean = Image.frombytes("RGB", square.size, square.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
    kept = out.getvalue()
    return Photo(kept, PHOTO_SIZE, PHOTO_SIZE, hashlib.sha256(kept).hexdigest()[:24])
