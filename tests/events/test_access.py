"""The one rule for event staff, for each role, and the services that ask it (no server)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from moderation.lifecycle import Action, Role
from studio.accounts.access import event_actor, require_event_staff, works_on
from studio.desk import claims
from studio.errors import ApiError
from studio.events import manage, questions
from studio.events.console import staff_queue

pytestmark = pytest.mark.asyncio


async def actor_of(seeded: Any, username: str) -> Any:
    async with seeded.db.read() as conn:
        return await event_actor(conn, seeded.event_id, seeded.staff[username])


async def refusal(seeded: Any, username: str, *roles: Role) -> str | None:
    """The 403 message ``require_event_staff`` answers, or ``None`` when it lets the staff member in."""
    try:
        async with seeded.db.read() as conn:
            await require_event_staff(conn, seeded.event_id, seeded.staff[username], *roles)
    except ApiError as exc:
        assert exc.code == "forbidden" and exc.status_code == 403
        return exc.message
    return None


async def test_admins_work_on_every_event_without_being_listed(seeded: Any) -> None:
    """An admin's actor is not event staff, yet the rule lets them in for any role list that names admins."""
    actor = await actor_of(seeded, "admin")
    assert actor.role is Role.ADMIN and not actor.event_staff
    assert works_on(actor) and works_on(actor, (Role.ADMIN, Role.MODERATOR))
    assert not works_on(actor, (Role.MODERATOR,))


async def test_moderators_work_on_the_events_that_list_them(seeded: Any) -> None:
    """mod1 (listed) is event staff at the desk; mod2 (not listed) is refused with the rule's message."""
    listed, unlisted = await actor_of(seeded, "mod1"), await actor_of(seeded, "mod2")
    assert listed.event_staff and works_on(listed, (Role.ADMIN, Role.MODERATOR))
    assert not works_on(listed, (Role.ADMIN, Role.OFFICIAL))
    assert not unlisted.event_staff and not works_on(unlisted)
    assert await refusal(seeded, "mod1") is None
    assert await refusal(seeded, "mod2") == "不是本场访谈的工作人员"


async def test_officials_work_on_the_events_that_list_them_as_guests(seeded: Any) -> None:
    """guest1 (listed) gets an actor with their unit; guest3 (not listed) is refused; neither is a moderator."""
    guest = await actor_of(seeded, "guest1")
    assert guest.role is Role.OFFICIAL and guest.event_staff
    assert guest.unit_id == seeded.units["人社局"]
    assert await refusal(seeded, "guest1") is None
    assert await refusal(seeded, "guest1", Role.ADMIN, Role.MODERATOR) == "不是本场访谈的工作人员"
    assert await refusal(seeded, "guest3") == "不是本场访谈的工作人员"


async def test_event_management_and_claims_use_the_rule_with_their_own_wording(seeded: Any) -> None:
    """Host messages and claims let in the listed moderator and refuse others with their messages."""
    await manage.post_message(seeded.db, seeded.clock, seeded.staff["mod1"], seeded.slug, {"text": "欢迎"})
    with pytest.raises(ApiError) as host:
        await manage.post_message(seeded.db, seeded.clock, seeded.staff["mod2"], seeded.slug,
                                  {"text": "不该发出的消息"})
    assert host.value.code == "forbidden" and host.value.message == "只有管理员或本场审核员可以操作"
    receipt = await questions.ask(seeded.db, seeded.clock, slug=seeded.slug, max_chars=500,
                                  body={"text": "公积金怎么提取？", "client_key": str(uuid.uuid4())})
    held = await claims.claim(seeded.db, seeded.staff["mod1"], receipt.question_id, 60)
    assert held["by"] == "mod1"
    for outsider in ("mod2", "guest1"):
        with pytest.raises(ApiError) as claim:
            await claims.claim(seeded.db, seeded.staff[outsider], receipt.question_id, 60)
        assert claim.value.code == "forbidden" and claim.value.message == "不是本场访谈的审核员"


async def test_a_stale_action_tells_only_event_staff_who_handled_the_question(seeded: Any) -> None:
    """With an old version, listed staff get 409 stale with the question; others get 403 forbidden."""
    receipt = await questions.ask(seeded.db, seeded.clock, slug=seeded.slug, max_chars=500,
                                  body={"text": "路灯坏了谁来修？", "client_key": str(uuid.uuid4())})
    await questions.act(seeded.db, seeded.clock, seeded.staff["mod1"], receipt.question_id,
                        Action.APPROVE, {"version": 1}, max_chars=500)
    with pytest.raises(ApiError) as stale:
        await questions.act(seeded.db, seeded.clock, seeded.staff["admin"], receipt.question_id,
                            Action.REJECT, {"version": 1}, max_chars=500)
    assert stale.value.code == "stale" and stale.value.extra["question"]["status"] == "approved"
    with pytest.raises(ApiError) as outsider:
        await questions.act(seeded.db, seeded.clock, seeded.staff["mod2"], receipt.question_id,
                            Action.REJECT, {"version": 1}, max_chars=500)
    assert outsider.value.code == "forbidden"


async def test_the_staff_queue_shows_each_role_what_the_lifecycle_lets_it_see(seeded: Any) -> None:
    """Moderators see every question with its original text; an official only public ones of their unit or none."""
    asked = []
    for text, unit in (("待审核的问题", None), ("给人社局的问题", "人社局"), ("给交通局的问题", "交通局"),
                       ("不指定单位的问题", None)):
        body = {"text": text, "client_key": str(uuid.uuid4()), "unit": unit}
        asked.append(await questions.ask(seeded.db, seeded.clock, slug=seeded.slug, body=body,
                                         max_chars=500))
    for receipt in asked[1:]:
        await questions.act(seeded.db, seeded.clock, seeded.staff["mod1"], receipt.question_id,
                            Action.APPROVE, {"version": 1}, max_chars=500)
    async with seeded.db.read() as conn:
        moderator = await event_actor(conn, seeded.event_id, seeded.staff["mod1"])
        official = await event_actor(conn, seeded.event_id, seeded.staff["guest1"])
        desk = await staff_queue(conn, seeded.event_id, moderator)
        guest = await staff_queue(conn, seeded.event_id, official)
    assert [q["id"] for q in desk] == [r.question_id for r in asked]
    assert [q["original_text"] for q in desk] == ["待审核的问题", "给人社局的问题", "给交通局的问题",
                                                  "不指定单位的问题"]
    assert [q["id"] for q in guest] == [asked[1].question_id, asked[3].question_id]
    assert all(q["original_text"] is None for q in guest)
