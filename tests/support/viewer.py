"""A model of the audience page, built only from frames, to compare what viewers converge on."""

from __future__ import annotations

from typing import Any


class ViewerState:
    """What an audience page holds, built only from frames (as the page's script does)."""

    def __init__(self) -> None:
        self.seq = 0
        self.questions: dict[int, dict[str, Any]] = {}
        self.messages: list[int] = []
        self.status = ""

    def apply(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "snapshot":
            self.seq = frame["seq"]
            self.status = frame["event"]["status"]
            self.questions = {}
            for question in frame["published"] + frame["answered"]:
                self.questions[question["id"]] = question
            if frame["on_air"]:
                self.questions[frame["on_air"]["id"]] = frame["on_air"]
            self.messages = sorted(m["id"] for m in frame["messages"])
            return
        if "seq" not in frame:
            return
        assert frame["seq"] == self.seq + 1, (frame, self.seq)
        self.seq = frame["seq"]
        if "question" in frame:
            self.questions[frame["question"]["id"]] = frame["question"]
        elif kind == "question.unpublished":
            self.questions.pop(int(frame["question_id"]), None)
        elif kind == "votes":
            for question_id, count in frame["counts"].items():
                if int(question_id) in self.questions:
                    self.questions[int(question_id)]["votes"] = count
        elif kind == "host.message":
            self.messages = sorted([*self.messages, frame["message"]["id"]])
        elif kind == "event.status":
            self.status = frame["status"]

    def summary(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "status": self.status,
            "messages": self.messages,
            "questions": {
                qid: (q["status"], q["text"], q["votes"], (q["answer"] or {}).get("text"))
                for qid, q in sorted(self.questions.items())
                if q["status"] in ("approved", "on_air", "answered")
            },
        }
