"""Supervision on a running studio: a supervisor account, board cases made through the API, lateness."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from support.clients import StaffClient, Studio
from support.servers import STAFF_PASSWORD

LONG_AGO = "2026-01-05T23:59:59+08:00"
"""A deadline long past: a case given it is overdue."""


def supervisor(studio: Studio, username: str = "sup1") -> StaffClient:
    """The supervisor (督查考评) ``username``, created by the admin the first time."""
    answer = studio.admin.post("/api/staff", {"username": username, "password": STAFF_PASSWORD,
                                              "role": "supervisor", "display_name": "督查组"})
    assert answer.status_code in (201, 409), answer.text
    return StaffClient(studio.server, username, STAFF_PASSWORD)


def board_case(studio: Studio, text: str, unit: str | None = "人社局") -> dict[str, Any]:
    """A netizen's board message approved by a moderator (routed to ``unit`` when given): the case id
    and its rating code."""
    with studio.server.http() as client:
        sent = client.post("/api/board/submissions", json={"text": text, "client_key": str(uuid.uuid4())})
    assert sent.status_code == 201, sent.text
    body: dict[str, Any] = {} if unit is None else {"unit": studio.units[unit]}
    approved = studio.mod1.post(f"/api/board/submissions/{sent.json()['submission_id']}/approve", body)
    assert approved.status_code == 200, approved.text
    return {"id": approved.json()["case_id"], "rating_code": sent.json()["rating_code"]}


def make_overdue(studio: Studio, case_id: int, due_at: str = LONG_AGO) -> None:
    """Move the case's deadline into the past, in the server's own store."""
    with sqlite3.connect(studio.server.db, timeout=10) as db:
        db.execute("UPDATE cases SET due_at = ? WHERE id = ?", (due_at, case_id))


def withdraw(studio: Studio, case_id: int) -> None:
    """Mark the case withdrawn for review, as unpublishing its question does."""
    with sqlite3.connect(studio.server.db, timeout=10) as db:
        db.execute("UPDATE cases SET withdrawn_at = '2026-01-06T10:00:00+08:00' WHERE id = ?", (case_id,))


def rate(studio: Studio, case_id: int, code: str, rating: str) -> None:
    """The asker rates the case's current reply round."""
    with studio.server.http() as client:
        answer = client.post(f"/api/board/cases/{case_id}/rating", json={"code": code, "rating": rating})
    assert answer.status_code == 200, answer.text
