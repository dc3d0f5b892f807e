"""Spreadsheet cells written from people's text: one rule for the transcript CSV and the ranking XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from studio.board.exports import cell, to_csv


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil.example","点我")', "+1+cmd|' /C calc'!A0", "-2+3",
                                  "@SUM(A1)", "\t=1", "\r=1", "\n=1", "＝1+1", "＋1", "－1", "＠A1"])
def test_text_that_starts_like_a_formula_gets_a_leading_quote(text: str) -> None:
    """Every formula start (and its full-width look-alike) is written as text with a leading '."""
    assert cell(text) == "'" + text


@pytest.mark.parametrize(("value", "written"), [("普通文字", "普通文字"), ("a=1", "a=1"), (3, 3), (2.5, 2.5),
                                                (None, None), (True, "True"), ("", "")])
def test_other_values_are_written_as_they_are(value: Any, written: Any) -> None:
    """Plain text, numbers and empty cells are unchanged; anything else is a string."""
    assert cell(value) == written


def test_the_transcript_csv_writes_every_cell_through_the_rule() -> None:
    """A nickname, unit, question and answer starting with = each come out with a leading '."""
    transcript = {"event": {"slug": "ev", "title": "t"}, "items": [{
        "kind": "qa", "case_id": None,
        "question": {"id": 1, "asked_at": "2026-01-01T10:00:00+08:00", "nickname": "=昵称",
                     "unit": {"id": 1, "name": "=单位"}, "text": "=问题",
                     "answer": {"by": {"name": "=嘉宾", "title": ""}, "at": "2026-01-01T10:05:00+08:00",
                                "text": "@答复"}}}]}
    lines = list(csv.DictReader(io.StringIO(to_csv(transcript, "http://x").lstrip("\ufeff"))))
    assert [line["text"] for line in lines] == ["'=问题", "'@答复"]
    assert lines[0]["unit"] == "'=单位" and lines[1]["speaker"] == "'=嘉宾"
