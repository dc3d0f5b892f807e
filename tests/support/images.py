"""Images for the photo tests, made with Pillow at test time: a phone photo with EXIF and GPS,
HEIC, and the uploads that must be refused (bombs, polyglots, renamed files)."""

from __future__ import annotations

import io
import struct
import zlib

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()


def phone_photo(size: tuple[int, int] = (1200, 800), fmt: str = "JPEG") -> bytes:
    """A photo as a phone sends it: EXIF with a camera, GPS, an orientation (rotate 90°) and a comment;
    the left half dark, the right half light, so a blurred region is easy to see."""
    image = Image.new("RGB", size, "#f4f4f4")
    image.paste((20, 40, 160), (0, 0, size[0] // 2, size[1]))
    for x in range(0, size[0], 16):  # stripes: fine detail a blur removes
        image.paste((0, 0, 0), (x, 0, x + 8, size[1] // 4))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS
    out = io.BytesIO()
    extra = {"comment": b"secret note"} if fmt == "JPEG" else {}
    image.save(out, format=fmt, exif=exif, **extra)
    return out.getvalue()


def png_header_bomb() -> bytes:
    """A PNG whose header claims 100000×100000 pixels (10 gigapixels) with a few bytes of data."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 100_001 * 4)) + chunk(b"IEND", b""))


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 200), "red").save(out, format="GIF")
    return out.getvalue()


def mp4_clip(payload: bytes = b"\x00\x00\x01\x65" * 4000) -> bytes:
    """A minimal MP4: an ``ftyp`` box and an ``mdat`` box holding ``payload``."""
    brands = b"mp42" + b"\x00\x00\x00\x00" + b"isommp42"
    return (struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands
            + struct.pack(">I", 8 + len(payload)) + b"mdat" + payload)


def motion_photo(samsung: bool = False) -> bytes:
    """A phone's motion photo: the JPEG, then the clip (Google's layout, or Samsung's tag and trailer)."""
    if samsung:
        return phone_photo((400, 300)) + b"MotionPhoto_Data" + mp4_clip() + b"SEFH" + b"\x00" * 40 + b"SEFT"
    return phone_photo((400, 300)) + mp4_clip()


def zip_polyglot() -> bytes:
    """A real JPEG with a ZIP archive appended (opens as a picture and as an archive)."""
    archive = b"PK\x03\x04" + b"\x14\x00" * 8 + b"payload.js" + b"alert(document.cookie)" * 20
    return phone_photo((400, 300)) + archive


def html_polyglot() -> bytes:
    """A real PNG carrying an HTML page with a script in a text chunk."""
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<html><script>alert(1)</script></html>")
    Image.new("RGB", (300, 200), "green").save(out, format="PNG", pnginfo=info)
    return out.getvalue()
