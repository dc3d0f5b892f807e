"""Reading archive files and mapping their fields for ``studio import-board`` (no server)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from studio.board.importer import mapped, parse_time, prepare, read_records
from studio.clock import Clock
from studio.errors import ApiError

CLOCK = Clock("Asia/Shanghai")


def test_csv_in_utf8_or_gb18030_reads_the_same(tmp_path: Path) -> None:
    """A CSV saved by Excel on Chinese Windows (GB18030) reads like a UTF-8 one."""
    content = "标题,留言详情\n社保卡补办,怎么补办？\n"
    (tmp_path / "u.csv").write_text(content, encoding="utf-8-sig")
    (tmp_path / "g.csv").write_bytes(content.encode("gb18030"))
    assert read_records(tmp_path / "u.csv") == read_records(tmp_path / "g.csv") == [
        {"标题": "社保卡补办", "留言详情": "怎么补办？"}]


def test_bad_files_are_refused_with_the_line(tmp_path: Path) -> None:
    """A broken JSON line or an unknown file type is refused with a reason."""
    (tmp_path / "a.jsonl").write_text('{"title": "x"}\n{broken\n', encoding="utf-8")
    with pytest.raises(ApiError, match="第 2 行"):
        read_records(tmp_path / "a.jsonl")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ApiError, match="不支持"):
        read_records(tmp_path / "a.txt")


def test_field_names_match_loosely() -> None:
    """English and Chinese field names map, ignoring case, spaces, underscores and hyphens."""
    assert mapped({"Reply Time": "t", "答复意见": "r", "Submitted_At": "s", "other": 1, "TITLE": ""}) == {
        "reply_time": "t", "reply": "r", "time": "s"}


def test_times_are_stored_in_the_studio_timezone() -> None:
    """Common archive time formats become ISO 8601 in the studio's timezone."""
    assert parse_time("2019/4/5 9:03:00", CLOCK) == "2019-04-05T09:03:00+08:00"
    assert parse_time("2019-04-05T01:03:00Z", CLOCK) == "2019-04-05T09:03:00+08:00"
    assert parse_time(datetime(2019, 4, 5, 9, 3), CLOCK) == "2019-04-05T09:03:00+08:00"


def test_records_get_stable_keys_and_category_paths() -> None:
    """An id gives SOURCE:id; without one, a hash of title, time and text; levels join into a path."""
    row = prepare({"id": 7, "text": "内容", "time": "2020-01-01 08:00", "一级分类": "城乡建设",
                   "二级分类": "安全生产"}, CLOCK, "old", None)
    assert row.key == "old:7" and row.category == "城乡建设/安全生产" and row.unit is None
    one = prepare({"text": "内容", "time": "2020-01-01 08:00"}, CLOCK, "old", "区住建局")
    two = prepare({"text": "内容", "time": "2020-01-01 08:00"}, CLOCK, "old", None)
    assert one.key == two.key and one.key.startswith("old:#") and one.unit == "区住建局"
    with pytest.raises(ValueError, match="时间"):
        prepare({"text": "内容", "time": "昨天"}, CLOCK, "old", None)
