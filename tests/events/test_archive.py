"""Closing an event archives it to the board, every status change through the lifecycle (no server)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from moderation import lifecycle
from moderation.lifecycle import Action, EventStatus, Refusal, Role, Status
from studio.desk import reasons
from studio.errors import ApiError
from studio.events import manage, questions
from studio.store import audit
from studio.store.events import event_row
from studio.store.questions import question_row, question_timeline

pytestmark = pytest.mark.asyncio


async def ask(seeded: Any, text: str, **fields: Any) -> int:
    body = {"text": text, "client_key": str(uuid.uuid4()), **fields}
    receipt = await questions.ask(seeded.db, seeded.clock, slug=seeded.slug, body=body, max_chars=500)
    return receipt.question_id


async def act(seeded: Any, who: str, question_id: int, action: Action, **fields: Any) -> dict[str, Any]:
    async with seeded.db.read() as conn:
        version = (await question_row(conn, question_id))["version"]
    return await questions.act(seeded.db, seeded.clock, seeded.staff[who], question_id, action,
                               {"version": version, **fields}, max_chars=500)


async def one_of_each(seeded: Any) -> dict[str, int]:
    """A question in every state a live event can hold when it closes."""
    async with seeded.db.read() as conn:
        reason = (await reasons.list_reasons(conn))[0]["code"]
    made = {name: await ask(seeded, f"{name} 的问题", unit="人社局" if name != "hard" else None)
            for name in ("pending", "rejected", "merged", "approved", "hard", "on_air", "answered")}
    await act(seeded, "mod1", made["rejected"], Action.REJECT, reason=reason)
    for name in ("approved", "on_air", "answered"):
        await act(seeded, "mod1", made[name], Action.APPROVE)
    await act(seeded, "mod1", made["hard"], Action.APPROVE, hard=True)
    await act(seeded, "mod1", made["merged"], Action.MERGE, into=made["approved"])
    await act(seeded, "guest1", made["answered"], Action.ON_AIR)
    await act(seeded, "guest1", made["answered"], Action.ANSWER, text="下周起可以办理。")
    await act(seeded, "guest1", made["on_air"], Action.ON_AIR)
    return made


async def state_of(seeded: Any, question_id: int) -> dict[str, Any]:
    async with seeded.db.read() as conn:
        row = await question_row(conn, question_id)
        case = await conn.fetchone("SELECT kind, status, unit_id, hard FROM cases WHERE id = ?",
                                   (row["case_id"],)) if row["case_id"] else None
        timeline = [r["status"] for r in await question_timeline(conn, question_id)]
    return {"status": row["status"], "version": row["version"], "handled": row["handled_action"],
            "by": row["handled_by"], "case": dict(case) if case else None, "timeline": timeline,
            "case_id": row["case_id"]}


async def test_closing_leaves_each_question_where_the_archive_always_put_it(seeded: Any) -> None:
    """Answered → a post; approved and on air → transferred cases (hard kept); the rest unchanged."""
    made = await one_of_each(seeded)
    before = {name: await state_of(seeded, question_id) for name, question_id in made.items()}
    await manage.close_event(seeded.db, seeded.clock, seeded.staff["mod1"], seeded.slug)
    after = {name: await state_of(seeded, question_id) for name, question_id in made.items()}
    unit = seeded.units["人社局"]

    for name in ("pending", "rejected", "merged"):
        assert after[name] == before[name]
    assert after["answered"]["status"] == "answered"
    assert after["answered"]["version"] == before["answered"]["version"]
    assert after["answered"]["case"] == {"kind": "post", "status": "replied", "unit_id": unit, "hard": 0}
    for name, was, case_unit, hard in (("approved", "approved", unit, 0), ("on_air", "on_air", unit, 0),
                                       ("hard", "approved", None, 1)):
        assert before[name]["status"] == was
        assert after[name]["status"] == "transferred"
        assert after[name]["version"] == before[name]["version"] + 1
        assert (after[name]["handled"], after[name]["by"]) == ("archive", "mod1")
        assert after[name]["timeline"] == [*before[name]["timeline"], "transferred"]
        assert after[name]["case"] == {"kind": "case", "status": "open", "unit_id": case_unit, "hard": hard}
    async with seeded.db.read() as conn:
        assert (await event_row(conn, seeded.slug))["status"] == "closed"


async def test_each_transfer_is_audited_and_announced(seeded: Any) -> None:
    """Every archived question has an ``archive`` audit line and a public question.transferred frame."""
    made = await one_of_each(seeded)
    seeded.published.clear()
    await manage.close_event(seeded.db, seeded.clock, seeded.staff["mod1"], seeded.slug)
    async with seeded.db.read() as conn:
        lines = [e for e in await audit.entries(conn, seeded.event_id) if e["action"] == "archive"]
    archived = {made["approved"]: "approved", made["hard"]: "approved", made["on_air"]: "on_air"}
    assert {line["question_id"]: line["from_status"] for line in lines} == archived
    for line in lines:
        assert (line["actor"], line["role"], line["to_status"]) == ("mod1", "moderator", "transferred")
        assert line["detail"]["case_id"] == (await state_of(seeded, line["question_id"]))["case_id"]
    frames = [json.loads(m.text) for m in seeded.published if m.channel == f"event:{seeded.event_id}"]
    transferred = [f for f in frames if f["type"] == "question.transferred"]
    assert sorted(f["question"]["id"] for f in transferred) == sorted(archived)
    assert frames[-1]["type"] == "event.status" and frames[-1]["status"] == "closed"


async def test_the_archive_asks_the_lifecycle_for_every_transfer(seeded: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """decide() is asked with the closing moderator as actor on the live event; a refusal undoes the close."""
    made = await one_of_each(seeded)
    asked: list[tuple[Status, Action, Any, EventStatus]] = []

    def refusing(status: Status, action: Action, actor: Any, *, event_status: EventStatus,
                 question_unit: int | None = None) -> lifecycle.Decision:
        asked.append((status, action, actor, event_status))
        raise Refusal("not_allowed", "refused for the test")

    monkeypatch.setattr(manage, "decide", refusing)
    before = {name: await state_of(seeded, question_id) for name, question_id in made.items()}
    with pytest.raises(ApiError) as refused:
        await manage.close_event(seeded.db, seeded.clock, seeded.staff["mod1"], seeded.slug)
    assert refused.value.code == "not_allowed"
    [(status, action, actor, event_status)] = asked
    assert (status, action, event_status) == (Status.APPROVED, Action.TRANSFER, EventStatus.LIVE)
    assert (actor.role, actor.event_staff) == (Role.MODERATOR, True)
    assert {name: await state_of(seeded, question_id) for name, question_id in made.items()} == before
    async with seeded.db.read() as conn:
        assert (await event_row(conn, seeded.slug))["status"] == "live"
