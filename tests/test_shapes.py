"""Rows to the JSON shapes of the contract: public shapes from public columns only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from studio.shapes import DEFAULT_NICKNAME, public_question, staff_question, unit_ref

FLAGS = [{"kind": "pii.mobile", "start": 4, "end": 15, "text": "13912345678", "suggestion": "139****5678"}]


def row(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 7, "status": "approved", "version": 3, "public_text": "路灯坏了[已隐去]",
        "original_text": "路灯坏了13912345678", "flags": json.dumps(FLAGS), "priority": 71,
        "nickname": "", "unit_id": 2, "unit_name": "城管局", "votes": 5,
        "asked_at": "2026-03-02T10:00:00+08:00", "published_at": "2026-03-02T10:01:00+08:00",
        "answer_text": None, "answer_name": None, "answer_title": None, "answer_unit_id": None,
        "answer_unit_name": None, "answered_at": None, "corrected_at": None, "reason": None, "merged_into": None,
        "hard": 0, "case_id": None, "handled_by": "mod1", "handled_action": "approve",
        "handled_at": "2026-03-02T10:01:00+08:00",
    }
    return {**base, **changes}


def test_the_public_shape_has_the_public_text_only() -> None:
    """The audience sees the public text, the default nickname and no screening detail."""
    shape = public_question(row())
    assert shape["text"] == "路灯坏了[已隐去]"
    assert shape["nickname"] == DEFAULT_NICKNAME
    assert shape["unit"] == {"id": 2, "name": "城管局"}
    text = json.dumps(shape, ensure_ascii=False)
    assert "13912345678" not in text and "flags" not in text and "priority" not in text


@pytest.mark.parametrize("status", ["pending", "rejected", "merged"])
def test_a_question_that_is_not_public_has_no_public_shape(status: str) -> None:
    """Pending, rejected and merged questions are refused, whatever their columns hold."""
    with pytest.raises(ValueError, match="not public"):
        public_question(row(status=status))


def test_officials_work_from_the_public_text() -> None:
    """The moderators' shape has the original and the flags; the officials' has neither."""
    desk = staff_question(row())
    assert desk["original_text"] == "路灯坏了13912345678"
    assert desk["flags"] == FLAGS and desk["priority"] == 71
    assert desk["handled"] == {"by": "mod1", "action": "approve", "at": "2026-03-02T10:01:00+08:00"}
    official = staff_question(row(), moderation=False)
    assert official["original_text"] is None and official["flags"] == [] and official["priority"] == 0
    assert official["text"] == "路灯坏了[已隐去]"


def test_an_answer_names_who_gave_it() -> None:
    """An answered question carries the answer with the official's name, title and unit."""
    shape = public_question(row(status="answered", answer_text="明天修好", answer_name="王明",
                                answer_title="局长", answer_unit_id=2, answer_unit_name="城管局",
                                answered_at="2026-03-02T10:05:00+08:00"))
    assert shape["answer"] == {"text": "明天修好", "by": {"name": "王明", "title": "局长",
                                                       "unit": {"id": 2, "name": "城管局"}},
                               "at": "2026-03-02T10:05:00+08:00", "corrected_at": None}
    assert unit_ref(None, "无") is None
