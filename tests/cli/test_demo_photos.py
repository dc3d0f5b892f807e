"""The demo's photos: drawn with Pillow when it is seeded, kept without their EXIF, one public with
its case, one waiting with its board message, one at the moderation desk, one on an approved live
question (the official's console)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from studio.cli.demo import prepare
from studio.clock import Clock
from studio.store.database import Database
from studio.store.media import Media


@pytest.mark.asyncio
async def test_the_demo_seeds_photos_stripped_of_their_metadata(tmp_path: Path) -> None:
    """Four photos in the media folder, JPEGs without EXIF: one public case, a board message and a
    live question awaiting review, an approved live question."""
    db = Database(str(tmp_path / "demo.db"))
    await db.open()
    media = Media(tmp_path / "demo.media")
    media.open()
    try:
        await prepare(db, Clock("Asia/Shanghai"), media)
        async with db.read() as conn:
            rows = await conn.fetchall(
                "SELECT p.token, p.state, q.status AS question, s.status AS submission FROM message_photos p "
                "LEFT JOIN board_submissions s ON s.id = p.submission_id "
                "LEFT JOIN questions q ON q.id = p.question_id ORDER BY p.id")
    finally:
        await db.close()
    assert [(row["state"], row["submission"], row["question"]) for row in rows] == [
        ("visible", "approved", None), ("visible", "pending", None), ("visible", None, "pending"),
        ("visible", None, "approved")]
    for row in rows:
        with Image.open(media.path(row["token"])) as kept:
            assert kept.format == "JPEG" and not kept.getexif()
        assert b"DemoPhone" not in media.path(row["token"]).read_bytes()
