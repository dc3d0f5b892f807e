"""The ask service: one path for asks and +1s from HTTP, the audience socket and edges (no server)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from moderation.lifecycle import Action
from studio.desk.screener import Screener
from studio.errors import ApiError
from studio.events import manage, questions
from studio.events.asking import AskService, forwarded_asker, http_asker, socket_asker
from studio.events.votes import VoteBuffer
from studio.live.relay import Relay
from studio.ratelimit import Limits
from studio.store.questions import question_row, question_timeline
from support.relay_redis import RelayBackend

pytestmark = pytest.mark.asyncio

FLAGGED = "我这里可以代开发票，联系我"
"""A question the default lexicon flags (``代开发票`` is a blocked advertising term)."""


async def no_snapshots(reader: Any, event: Any) -> tuple[int, str]:
    """The relay's snapshot build, which these tests of asks and +1s never reach."""
    raise AssertionError("the ask tests cache no snapshots")


def service(seeded: Any, limits: Limits | None = None) -> AskService:
    votes = VoteBuffer(seeded.db, seeded.clock, interval=60)
    return AskService(seeded.db, seeded.clock, votes, Screener(seeded.db), max_chars=500,
                      limits=limits)


def tight_limits(*, asks: int = 100, votes: int = 100) -> Limits:
    """``asks`` asks and ``votes`` +1s per client, then one a minute; addresses unlimited."""
    return Limits(ask_burst=asks, ask_rate=1 / 60, ask_address_burst=1000, ask_address_rate=10,
                  vote_burst=votes, vote_rate=1 / 60, vote_address_burst=1000, vote_address_rate=10)


def ask_body(text: str, **extra: Any) -> dict[str, Any]:
    return {"text": text, "client_key": str(uuid.uuid4()), **extra}


async def stored(seeded: Any, question_id: int) -> dict[str, Any]:
    """What the store keeps of a question, without what differs between two asks by design."""
    async with seeded.db.read() as conn:
        row = dict(await question_row(conn, question_id))
        timeline = [r["status"] for r in await question_timeline(conn, question_id)]
    kept = {key: row[key] for key in ("status", "original_text", "nickname", "unit_id", "priority")}
    return {**kept, "flags": json.loads(row["flags"]), "timeline": timeline}


async def test_http_and_edge_asks_store_the_same_question(seeded: Any) -> None:
    """An ask over HTTP and the same ask forwarded by an edge are stored alike: screened, pending, timed."""
    asking = service(seeded)
    await manage.create_event(seeded.db, seeded.clock, seeded.staff["admin"], {
        "slug": "second", "title": "第二场", "starts_at": "2026-11-23T20:00:00+08:00",
        "ends_at": "2026-11-23T22:00:00+08:00", "guests": [], "moderators": []})
    over_http = await asking.ask(seeded.slug, ask_body(FLAGGED, nickname="老王"),
                                 http_asker(None, "10.0.0.1"))
    forwarded = await asking.ask("second", ask_body(FLAGGED, nickname="老王"),
                                 forwarded_asker("v:someone", "10.0.0.2"))
    assert over_http.created and forwarded.created
    from_http, from_edge = await stored(seeded, over_http.question_id), await stored(seeded, forwarded.question_id)
    assert from_http == from_edge
    assert from_http["status"] == "pending" and from_http["timeline"] == ["pending"]
    assert any(flag["kind"].startswith("word.") for flag in from_http["flags"])


async def test_a_repeated_client_key_gets_the_first_receipt_whichever_way_it_came(seeded: Any) -> None:
    """The page resends an ask over HTTP after its socket (or edge) stored it: one question, one receipt."""
    asking = service(seeded)
    body = ask_body("公交线路什么时候调整？")
    first = await asking.ask(seeded.slug, body, socket_asker("v:abc", "10.0.0.1"))
    again = await asking.ask(seeded.slug, dict(body), http_asker("v:abc", "10.0.0.1"))
    relayed = await asking.ask(seeded.slug, dict(body), forwarded_asker("v:abc", "10.0.0.1"))
    assert first.created and not again.created and not relayed.created
    assert first.body() == again.body() == relayed.body()


async def test_an_edge_forwarded_ask_is_screened_through_the_relay(seeded: Any) -> None:
    """The owner's relay hands an edge's ask to the service: the flags are stored, ask.ok goes back."""
    asking = service(seeded)
    backend = RelayBackend()
    relay = Relay(backend, asking, seeded.db, no_snapshots, interval=60)
    body = ask_body(FLAGGED)
    await relay._ask({"edge": "e1", "ref": "r1", "slug": seeded.slug, "body": json.dumps(body),
                      "viewer": "conn:xyz", "address": "10.0.0.9"})
    [reply] = backend.client.frames
    assert reply["type"] == "ask.ok" and reply["client_key"] == body["client_key"]
    question = await stored(seeded, reply["question_id"])
    assert any(flag["kind"].startswith("word.") for flag in question["flags"])
    assert question["priority"] > 0


async def test_the_relay_answers_a_refused_ask_with_the_error_frame(seeded: Any) -> None:
    """An ask the service refuses (empty text) goes back to the edge as an error frame with its client_key."""
    backend = RelayBackend()
    relay = Relay(backend, service(seeded), seeded.db, no_snapshots, interval=60)
    body = ask_body("   ")
    await relay._ask({"edge": "e1", "ref": "r1", "slug": seeded.slug, "body": json.dumps(body)})
    [reply] = backend.client.frames
    assert reply["type"] == "error" and reply["code"] == "invalid" and reply["field"] == "text"
    assert reply["client_key"] == body["client_key"]


async def test_asking_too_often_answers_too_fast_with_retry_after(seeded: Any) -> None:
    """Past the client's burst the service refuses with 429 too_fast and how long to wait."""
    asking = service(seeded, tight_limits(asks=2))
    asker = socket_asker("v:fast", "10.0.0.1")
    for n in range(2):
        await asking.ask(seeded.slug, ask_body(f"第{n}个问题"), asker)
    with pytest.raises(ApiError) as refused:
        await asking.ask(seeded.slug, ask_body("第三个问题"), asker)
    assert refused.value.code == "too_fast" and refused.value.status_code == 429
    assert 0 < refused.value.extra["retry_after"] <= 60
    other = await asking.ask(seeded.slug, ask_body("别人的问题"), socket_asker("v:other", "10.0.0.1"))
    assert other.created


async def test_asks_an_edge_forwards_are_not_limited_twice(seeded: Any) -> None:
    """The edge applied the limits: the owner stores every ask it forwards."""
    asking = service(seeded, tight_limits(asks=1))
    asker = forwarded_asker("v:edge-viewer", "10.0.0.1")
    receipts = [await asking.ask(seeded.slug, ask_body(f"问题{n}"), asker) for n in range(3)]
    assert all(receipt.created for receipt in receipts)


async def test_http_asks_without_a_viewer_are_limited_by_address(seeded: Any) -> None:
    """Over HTTP without the viewer cookie the client is the address: a second cookie-less ask waits."""
    asking = service(seeded, tight_limits(asks=1))
    await asking.ask(seeded.slug, ask_body("第一个"), http_asker(None, "10.0.0.7"))
    with pytest.raises(ApiError) as refused:
        await asking.ask(seeded.slug, ask_body("第二个"), http_asker("", "10.0.0.7"))
    assert refused.value.code == "too_fast"


async def test_votes_are_limited_and_only_count_on_public_questions(seeded: Any) -> None:
    """A +1 on a pending question is 404; past the burst it is too_fast; a public one is accepted."""
    asking = service(seeded, tight_limits(votes=1))
    receipt = await asking.ask(seeded.slug, ask_body("请问社保怎么转移？"), http_asker(None, "10.0.0.1"))
    voter = socket_asker("v:voter", "10.0.0.3")
    with pytest.raises(ApiError) as hidden:
        await asking.vote(seeded.event_id, receipt.question_id, forwarded_asker("v:voter", ""))
    assert hidden.value.code == "not_found"
    await questions.act(seeded.db, seeded.clock, seeded.staff["mod1"], receipt.question_id,
                        Action.APPROVE, {"version": 1}, max_chars=500)
    await asking.vote(seeded.event_id, receipt.question_id, voter)
    with pytest.raises(ApiError) as refused:
        await asking.vote(seeded.event_id, receipt.question_id, voter)
    assert refused.value.code == "too_fast" and refused.value.extra["retry_after"] > 0


async def test_a_forwarded_vote_on_a_hidden_question_is_dropped_quietly(seeded: Any) -> None:
    """The edge already said vote.ok: the relay drops a +1 the service refuses instead of failing."""
    asking = service(seeded)
    receipt = await asking.ask(seeded.slug, ask_body("还没公开的问题"), http_asker(None, "10.0.0.1"))
    relay = Relay(RelayBackend(), asking, seeded.db, no_snapshots, interval=60)
    await relay._vote({"event": str(seeded.event_id), "question": str(receipt.question_id),
                       "viewer": "v:someone"})
    await asking.votes.flush()
    async with seeded.db.read() as conn:
        row = await question_row(conn, receipt.question_id)
    assert row["votes"] == 0
