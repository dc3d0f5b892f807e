"""Board cases made the way the studio makes them: a direct submission a moderator approves."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from studio.accounts.directory import Staff
from studio.board import submissions
from studio.clock import Clock
from studio.store.database import Database, Tx
from studio.store.submissions import insert_submission
from support.clients import Studio

RATING_CODE = "ABCD2345"
"""The rating code every case made here carries."""


async def new_case(db: Database, clock: Clock, moderator: Staff, text: str, *,
                   unit: int | None = None, hard: bool = False,
                   public_text: str | None = None) -> int:
    """Submit ``text``, have ``moderator`` approve it (routed to ``unit`` when given); the case id."""
    async with db.write() as tx:
        submission = await insert_submission(
            tx, original_text=text, nickname="", unit_id=None, client_key=secrets.token_hex(8),
            tracking_code=secrets.token_urlsafe(12), rating_code=RATING_CODE, address="",
            flags="[]", submitted_at=clock.stamp())
    body: dict[str, Any] = {"hard": hard}
    if unit is not None:
        body["unit"] = unit
    if public_text is not None:
        body["text"] = public_text
    view = await submissions.decide(db, clock, moderator, submission, "approve", body,
                                    max_chars=2000)
    case_id: int = view["case_id"]
    return case_id


async def pending_submission(tx: Tx, clock: Clock, text: str) -> int:
    """A direct submission waiting for review, written in ``tx``; its id."""
    submission_id: int = await insert_submission(
        tx, original_text=text, nickname="", unit_id=None, client_key=secrets.token_hex(8),
        tracking_code=secrets.token_urlsafe(12), rating_code=RATING_CODE, address="",
        flags="[]", submitted_at=clock.stamp())
    return submission_id


def submit_message(studio: Studio, text: str) -> dict[str, Any]:
    """A netizen's board message sent through the API (no cookie); its receipt."""
    with studio.server.http() as client:
        answer = client.post("/api/board/submissions", json={"text": text, "client_key": str(uuid.uuid4())})
    assert answer.status_code == 201, answer.text
    receipt: dict[str, Any] = answer.json()
    return receipt


def open_case(studio: Studio, text: str, unit: str = "交通局") -> tuple[int, dict[str, Any]]:
    """A board message approved by ``mod1`` and routed to ``unit``: the case id and the asker's receipt."""
    receipt = submit_message(studio, text)
    approved = studio.mod1.post(f"/api/board/submissions/{receipt['submission_id']}/approve",
                                {"unit": studio.units[unit]})
    assert approved.status_code == 200, approved.text
    case_id: int = approved.json()["case_id"]
    return case_id, receipt


@contextmanager
def case_viewer(studio: Studio, case_id: int) -> Iterator[httpx.Client]:
    """A browser-like client that opened the case's page (and so holds a viewer cookie)."""
    with studio.server.http() as client:
        assert client.get(f"/board/cases/{case_id}").status_code == 200
        assert "studio_viewer" in client.cookies
        yield client
