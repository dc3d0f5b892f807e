"""Real citizen messages (问政西地省 sample, kept beside the project) go through the loop unchanged."""

from __future__ import annotations

import json
import uuid

import pytest

from support.clients import Studio, recv_json
from support.data import WENZHENG as DATA


def real_messages() -> list[dict[str, str]]:
    path = DATA / "messages.jsonl"
    if not path.exists():
        pytest.skip("the shared wenzheng sample is not beside the project")
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_real_messages_round_trip_exactly(studio: Studio) -> None:
    """Real texts (full-width punctuation, line breaks, up to 2000 characters) publish byte for byte."""
    messages = real_messages()
    fitting = [m for m in messages if len(m["text"].strip()) <= 2000][:80]
    too_long = [m for m in messages if len(m["text"].strip()) > 2000]
    assert len(fitting) == 80 and too_long
    slug = studio.new_event()
    ids = {}
    for message in fitting:
        asked = studio.ask(slug, message["text"], nickname=message["user"][-6:])
        ids[asked["question_id"]] = message["text"].strip()
    queue = {q["id"]: q for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
    for question_id in ids:
        studio.mod1.act(queue[question_id], "approve")
    with studio.server.ws(f"/ws/events/{slug}") as ws:
        snapshot = recv_json(ws)
    published = {q["id"]: q["text"] for q in snapshot["published"]}
    assert published == ids
    with studio.server.http() as client:
        refused = client.post(f"/api/events/{slug}/questions",
                              json={"text": too_long[0]["text"], "client_key": str(uuid.uuid4())})
    assert refused.status_code == 400 and refused.json()["error"]["field"] == "text"
