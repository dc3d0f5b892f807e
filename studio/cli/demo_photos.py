"""The demo's photos on messages, drawn with Pillow when the demo is seeded (no image ships with
the project): a road with a pothole on a published board case, a broken bus shelter on a board
message waiting for review, a dark street on a live question at the moderation desk, and the
pothole again on an approved live question, so the official's console shows it.

Each drawing is saved the way a phone would send it (EXIF with a camera and GPS) and goes through
the same upload as a netizen's, so the demo shows the metadata gone from what is served.
"""

from __future__ import annotations

import io
import uuid

from PIL import Image, ImageDraw

from moderation.lifecycle import Action
from studio.accounts.directory import Staff
from studio.board import submissions
from studio.clock import Clock
from studio.desk import photos
from studio.desk.screener import Screener
from studio.events import questions
from studio.store.database import Database
from studio.store.media import Media

SIZE = (1280, 960)


def _as_phone_sends_it(image: Image.Image) -> bytes:
    """``image`` as a JPEG with a camera and a GPS position in its EXIF, as phones send them."""
    exif = Image.Exif()
    exif[0x010F] = "DemoPhone"  # Make
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 7.0), 3: "E", 4: (120.0, 9.0, 31.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, exif=exif)
    return out.getvalue()


def pothole() -> bytes:
    """A road seen from the pavement: asphalt, lane markings, a pothole with water in it."""
    image = Image.new("RGB", SIZE, "#8fb8de")
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 960), (1280, 960), (820, 330), (460, 330)], fill="#5b5f66")
    draw.rectangle((0, 0, 1280, 330), fill="#a9cbe8")
    draw.rectangle((0, 300, 1280, 340), fill="#6f8f5a")
    for y in range(380, 960, 110):
        width = 6 + (y - 330) // 40
        draw.polygon([(640 - width, y), (640 + width, y), (640 + width + 4, y + 60), (640 - width - 4, y + 60)],
                     fill="#f2d24b")
    draw.ellipse((420, 640, 900, 860), fill="#2f3136")
    draw.ellipse((470, 680, 850, 830), fill="#4a6a86")
    draw.polygon([(300, 960), (380, 900), (470, 960)], fill="#d9822b")  # a warning cone
    return _as_phone_sends_it(image)


def bus_shelter() -> bytes:
    """A bus shelter with its roof panel missing."""
    image = Image.new("RGB", SIZE, "#c9dbe9")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 760, 1280, 960), fill="#9a9a9a")
    for x in (240, 1040):
        draw.rectangle((x, 260, x + 30, 760), fill="#3d4a5c")
    draw.rectangle((220, 230, 640, 270), fill="#3d4a5c")
    draw.line((640, 250, 1070, 330), fill="#3d4a5c", width=14)  # the broken half, hanging
    draw.rectangle((320, 420, 960, 600), outline="#3d4a5c", width=8)
    draw.text((360, 470), "12", fill="#1f4e8c")
    return _as_phone_sends_it(image)


def dark_street() -> bytes:
    """A street at night with one lamp out."""
    image = Image.new("RGB", SIZE, "#15192b")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 700, 1280, 960), fill="#2a2d36")
    for x, lit in ((200, True), (640, False), (1080, True)):
        draw.rectangle((x, 240, x + 16, 700), fill="#454b5c")
        if lit:
            draw.ellipse((x - 90, 180, x + 106, 330), fill="#f6e7a1")
    return _as_phone_sends_it(image)


async def seed_message_photos(db: Database, media: Media, clock: Clock, screener: Screener, mod: Staff,
                      unit_ids: dict[str, int], live_slug: str) -> None:
    """A published board case with a photo, a board message with one awaiting review, a live
    question with one at the desk, and an approved live question with one (the official's queue)."""
    async def kept(data: bytes) -> str:
        return str((await photos.upload(db, media, clock, data, "image/jpeg"))["photo"])

    receipt, _ = await submissions.submit(db, clock, screener, {
        "text": "学院路与文化路路口东侧的路面塌陷出一个大坑，雨后积水看不清，已经有电动车摔倒，"
                "请尽快修补（附现场照片）。",
        "unit": unit_ids.get("区交通运输局"), "nickname": "路过的市民", "client_key": str(uuid.uuid4()),
        "photos": [await kept(pothole())],
    }, max_chars=2000)
    await submissions.decide(db, clock, mod, receipt["submission_id"], "approve", {}, max_chars=2000)
    await submissions.submit(db, clock, screener, {
        "text": "12 路公交文化路站的候车亭顶棚坏了一半，下雨天没法避雨，照片是今天早上拍的。",
        "nickname": "通勤族", "client_key": str(uuid.uuid4()), "photos": [await kept(bus_shelter())],
    }, max_chars=2000)
    await questions.ask(db, clock, slug=live_slug, body={
        "text": "学校后门那条路的路灯坏了两个月了，晚自习放学一片漆黑，能不能先修好？",
        "unit": unit_ids.get("区交通运输局"), "client_key": str(uuid.uuid4()),
        "photos": [await kept(dark_street())],
    }, max_chars=2000, screener=screener)
    approved = await questions.ask(db, clock, slug=live_slug, body={
        "text": "文化路上那个大坑填了又塌，这已经是第三次了，能不能彻底修好？照片是昨天拍的。",
        "unit": unit_ids.get("区交通运输局"), "nickname": "老司机", "client_key": str(uuid.uuid4()),
        "photos": [await kept(pothole())],
    }, max_chars=2000, screener=screener)
    await questions.act(db, clock, mod, approved.question_id, Action.APPROVE, {"version": 1}, max_chars=2000)
