"""Rows to the JSON shapes of docs/api.md. Pure, no I/O.

Public shapes are built only from public columns (``public_text`` and never
``original_text``); questions reach them only in public states.
"""

from __future__ import annotations

import json
from typing import Any

from moderation.lifecycle import PUBLIC_STATUSES, Status
from studio.photos import media_url

DEFAULT_NICKNAME = "网友"


def unit_ref(unit_id: int | None, name: str | None) -> dict[str, Any] | None:
    return {"id": unit_id, "name": name} if unit_id is not None else None


def answer_of(row: Any) -> dict[str, Any] | None:
    if row["answer_text"] is None:
        return None
    return {
        "text": row["answer_text"],
        "by": {
            "name": row["answer_name"],
            "title": row["answer_title"] or "",
            "unit": unit_ref(row["answer_unit_id"], row["answer_unit_name"]),
        },
        "at": row["answered_at"],
        "corrected_at": row["corrected_at"],
    }


def collected(row: Any) -> bool:
    """Whether the question was collected before its event opened (选题征集)."""
    return "collected" in row.keys() and bool(row["collected"])


def photos_of(row: Any, *, public: bool) -> list[dict[str, Any]]:
    """The question's photos (``{url, width, height}``, with ``state`` for staff); the public
    sees only the visible ones."""
    if "photos" not in row.keys():
        return []
    found = []
    for photo in json.loads(row["photos"] or "[]"):
        if public and photo["state"] != "visible":
            continue
        shape = {"url": media_url(photo["token"]), "width": photo["width"], "height": photo["height"]}
        found.append(shape if public else {**shape, "state": photo["state"]})
    return found


def public_question(row: Any) -> dict[str, Any]:
    """The audience's view of a question; refuses questions that are not public."""
    if Status(row["status"]) not in PUBLIC_STATUSES:
        raise ValueError(f"question {row['id']} is not public")
    return {
        "id": row["id"],
        "status": row["status"],
        "text": row["public_text"],
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "votes": row["votes"],
        "asked_at": row["asked_at"],
        "published_at": row["published_at"],
        "answer": answer_of(row),
        "collected": collected(row),
        "photos": photos_of(row, public=True),
    }


def staff_question(row: Any, moderation: bool = True) -> dict[str, Any]:
    """The staff console's view: original text, flags and who handled it last.

    Without ``moderation`` (an official's console) the original text and the
    screening flags are left out: officials work from the public text.
    """
    handled = None
    if row["handled_by"]:
        handled = {"by": row["handled_by"], "action": row["handled_action"], "at": row["handled_at"]}
    return {
        "id": row["id"],
        "status": row["status"],
        "version": row["version"],
        "text": row["public_text"] if row["public_text"] is not None else row["original_text"],
        "original_text": row["original_text"] if moderation else None,
        "flags": json.loads(row["flags"]) if moderation else [],
        "priority": row["priority"] if moderation else 0,
        "unit": unit_ref(row["unit_id"], row["unit_name"]),
        "nickname": row["nickname"] or DEFAULT_NICKNAME,
        "votes": row["votes"],
        "asked_at": row["asked_at"],
        "reason": row["reason"],
        "merged_into": row["merged_into"],
        "hard": bool(row["hard"]),
        "answer": answer_of(row),
        "case_id": row["case_id"],
        "handled": handled,
        "collected": collected(row),
        "photos": photos_of(row, public=not moderation),
    }


def host_message(row: Any) -> dict[str, Any]:
    return {"id": row["id"], "text": row["text"], "author": "主持人", "at": row["at"]}
