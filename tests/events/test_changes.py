"""Replays never show a question that a later frame unpublished (pure, no I/O)."""

from __future__ import annotations

import json

from broadcast import Message
from studio.events.changes import without_withdrawn


def frame(seq: int, kind: str, question_id: int, text: str = "") -> Message:
    body = ({"type": kind, "seq": seq, "question_id": question_id} if kind == "question.unpublished"
            else {"type": kind, "seq": seq, "question": {"id": question_id, "text": text}})
    return Message("event:1", json.dumps(body, ensure_ascii=False), seq)


def test_a_replay_without_unpublish_is_returned_untouched() -> None:
    """No unpublish in the replay: the very same list comes back."""
    replay = [frame(1, "question.published", 7, "路灯"), frame(2, "answer.posted", 7, "路灯")]
    assert without_withdrawn(replay) is replay


def test_frames_before_an_unpublish_lose_their_text_and_keep_their_seq() -> None:
    """Frames of the question before its unpublish become unpublished frames; others stay."""
    replay = [frame(1, "question.published", 7, "身份证号 110101199003074578"),
              frame(2, "question.published", 8, "公交"),
              frame(3, "question.unpublished", 7),
              frame(4, "question.published", 7, "身份证号 [已隐去]")]
    out = without_withdrawn(replay)
    assert [m.seq for m in out] == [1, 2, 3, 4]
    assert "110101199003074578" not in "".join(m.text for m in out)
    assert json.loads(out[0].text) == {"type": "question.unpublished", "seq": 1, "question_id": 7}
    assert out[1] is replay[1] and out[3] is replay[3]
