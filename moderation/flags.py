"""The screening flag: one finding in a question's text, with its exact span.

Offsets are code-point indexes into the ORIGINAL text (the text the asker
sent), ``end`` exclusive, so ``original[flag.start:flag.end] == flag.text``
always holds, whatever the normalisation matched on.
"""

from __future__ import annotations

from dataclasses import dataclass

REDACTED = "[已隐去]"
"""The public replacement for personal data that is not partially masked."""


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding. ``kind`` is one of ``pii.id_number``, ``pii.mobile``,
    ``pii.landline``, ``pii.bank_card``, ``pii.email``, ``pii.plate``,
    ``pii.name``, ``word.<category>``, ``spam.link``, ``spam.contact``,
    ``spam.flood``, ``spam.repeat``, ``spam.empty``, ``duplicate``.
    ``detail`` qualifies a finding in a code (``check_digit``: an ID number
    whose check character does not match, most likely mistyped)."""

    kind: str
    start: int
    end: int
    text: str
    suggestion: str | None = None
    level: str | None = None
    question_id: int | None = None
    score: float | None = None
    detail: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The DESIGN.md §4 form: ``{kind, start, end, text}`` plus every
        optional field that is set (``suggestion``, ``level``,
        ``question_id``, ``score``, ``detail``); fields that are ``None`` are
        omitted."""
        out: dict[str, object] = {
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
        }
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion
        if self.level is not None:
            out["level"] = self.level
        if self.question_id is not None:
            out["question_id"] = self.question_id
        if self.score is not None:
            out["score"] = self.score
        if self.detail is not None:
            out["detail"] = self.detail
        return out
