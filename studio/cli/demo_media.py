"""The demo's pictures and video: guest photos drawn at demo time and the live event's video link.

The photos are placeholders drawn with Pillow (a head-and-shoulders silhouette over the initials
of the guest's name, in pinyin) — no picture files ship with the studio — and are uploaded through
the same check and re-encoding as an admin's upload (:func:`studio.accounts.photos.upload_photo`).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from studio.accounts.directory import Staff
from studio.accounts.photos import upload_photo
from studio.clock import Clock
from studio.store.database import Database

VIDEO_URL = "https://live.example.org/player/xiaozhao-2026"
"""The live event's video: a partner player's page (not a stream the browser plays), so the event
page shows it as a link (``static/video.js``)."""

PORTRAITS: dict[str, tuple[str, str]] = {
    "renshe": ("ZJG", "#1a5bb8"),
    "jiaoyu": ("LF", "#157a3a"),
    "jiaotong": ("CL", "#8c0f15"),
}
"""Each demo guest's initials (张建国, 刘芳, 陈立) and background colour."""

SIZE = 480


def portrait(initials: str, colour: str) -> bytes:
    """A square PNG: a light silhouette on ``colour`` with ``initials`` on a darker band at the bottom."""
    image = Image.new("RGB", (SIZE, SIZE), colour)
    draw = ImageDraw.Draw(image)
    figure = (255, 255, 255, 90)
    overlay = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    shapes.ellipse((SIZE * 0.33, SIZE * 0.14, SIZE * 0.67, SIZE * 0.50), fill=figure)
    shapes.ellipse((SIZE * 0.14, SIZE * 0.54, SIZE * 0.86, SIZE * 1.10), fill=figure)
    shapes.rectangle((0, SIZE * 0.74, SIZE, SIZE), fill=(0, 0, 0, 120))
    image.paste(overlay, (0, 0), overlay)
    font = ImageFont.load_default(size=SIZE // 6)
    draw.text((SIZE / 2, SIZE * 0.87), initials, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def seed_guest_photos(db: Database, clock: Clock, admin: Staff) -> None:
    """Give each demo guest a drawn photo, as an admin's upload would."""
    for username, (initials, colour) in PORTRAITS.items():
        await upload_photo(db, clock, admin, username, portrait(initials, colour))
