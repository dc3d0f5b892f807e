"""A question asked through a real ``studio edge`` is screened by the owner like a local one, and
leaves nothing of the asker in Redis once the owner has handled it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis as redis_client

from support.clients import Studio, recv_until
from support.redis_server import RedisServer, available
from support.servers import EdgeServer, Server, edge_feed, running_server

pytestmark = pytest.mark.skipif(not available(), reason="redis-server is not installed")

TEXT = "我的手机13812345678，小区门口天天乱停车，请问谁来管？"


@pytest.fixture
def owner(tmp_path: Path, redis: RedisServer) -> Iterator[Server]:
    """One ``studio serve`` process on the test's redis-server (it runs the relay for edges)."""
    folder = tmp_path / "owner"
    folder.mkdir()
    with running_server(folder, {"STUDIO_BROADCAST": redis.url}) as server:
        yield server


@pytest.fixture
def edge(tmp_path: Path, redis: RedisServer, owner: Server) -> Iterator[Server]:
    """``studio edge`` sharing only the redis-server with the owner."""
    folder = tmp_path / "edge"
    folder.mkdir()
    server = EdgeServer(folder, env={"STUDIO_BROADCAST": redis.url, "STUDIO_DB": "/nonexistent/x.db"})
    server.start()
    try:
        yield server
    finally:
        server.stop()


def ask_over(ws: Any, text: str) -> int:
    """Ask on an audience socket; the question id of its ``ask.ok``."""
    ws.send(json.dumps({"type": "ask", "text": text, "client_key": str(uuid.uuid4())}))
    return int(recv_until(ws, "ask.ok", timeout=15)["question_id"])


def stored(studio: Studio, slug: str, question_id: int) -> dict[str, Any]:
    """The question as the moderators' queue holds it (original text, flags, priority)."""
    return studio.question(slug, question_id)


def test_edge_ask_is_screened_like_a_local_one(owner: Server, edge: Server) -> None:
    """The same text with a mobile number gets pii.mobile and the same flags and priority
    whether it came through the edge (and the owner's relay) or straight to the owner, and
    the asker's repeat is a flood and a duplicate both ways."""
    studio = Studio(owner)
    through_edge, local = studio.new_event(), studio.new_event()

    ws, _ = edge_feed(edge, through_edge)
    with ws:
        edge_id = ask_over(ws, TEXT)
        edge_again = ask_over(ws, TEXT + "！")
    with owner.ws(f"/ws/events/{local}") as ws:
        local_id = ask_over(ws, TEXT)
        local_again = ask_over(ws, TEXT + "！")
    over_http = studio.ask(local, TEXT.replace("乱停车", "违规停车"))

    forwarded = stored(studio, through_edge, edge_id)
    direct = stored(studio, local, local_id)
    assert forwarded["original_text"] == direct["original_text"] == TEXT
    mobile = {"kind": "pii.mobile", "start": 4, "end": 15, "text": "13812345678", "suggestion": "138****5678"}
    assert mobile in forwarded["flags"]
    assert forwarded["flags"] == direct["flags"]
    assert forwarded["priority"] == direct["priority"] > 0
    assert forwarded["status"] == direct["status"] == "pending"

    # The asker's second try: a flood and a near-duplicate of the first, on both ways in.
    repeated = stored(studio, through_edge, edge_again)
    assert {f["kind"] for f in repeated["flags"]} >= {"pii.mobile", "spam.flood", "duplicate"}
    local_repeat = stored(studio, local, local_again)
    assert [(f["kind"], f.get("question_id") == local_id) for f in local_repeat["flags"]] == [
        (f["kind"], f.get("question_id") == edge_id) for f in repeated["flags"]]
    assert repeated["priority"] == local_repeat["priority"]

    http = stored(studio, local, over_http["question_id"])
    assert mobile in http["flags"]
    assert http["priority"] >= direct["priority"]  # the same, plus a near-duplicate of the first


def test_handled_asks_and_votes_leave_no_address_in_redis(owner: Server, edge: Server, redis: RedisServer) -> None:
    """Once the owner has answered an ask and counted a +1 forwarded by the edge, the streams that
    carried them (address, viewer key, text) and the answer (tracking and rating codes) hold nothing."""
    studio = Studio(owner)
    slug = studio.new_event()
    ws, _ = edge_feed(edge, slug)
    with ws:
        question_id = ask_over(ws, "夜里的噪音谁来管？")
        assert studio.mod1.act(studio.question(slug, question_id), "approve").status_code == 200
        recv_until(ws, "question.published", timeout=15)
        ws.send(json.dumps({"type": "vote", "question": question_id}))
        recv_until(ws, "vote.ok", timeout=15)
    deadline = time.monotonic() + 15
    client = redis_client.Redis.from_url(redis.url, decode_responses=True)
    try:
        while studio.question(slug, question_id)["votes"] < 1:
            assert time.monotonic() < deadline, "the +1 was never counted"
            time.sleep(0.1)
        streams = ["studio:asks", "studio:votes", *client.keys("studio:replies:*")]
        while any(client.xlen(stream) for stream in streams):
            assert time.monotonic() < deadline, {stream: client.xrange(stream) for stream in streams}
            time.sleep(0.1)
    finally:
        client.close()
