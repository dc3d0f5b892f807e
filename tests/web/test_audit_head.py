"""The audit chain's head in public: the API, the /audit page, a closed event's transcript and exports."""

from __future__ import annotations

import json

from support.clients import Studio


def test_head_is_published_and_printed_when_an_event_closes(studio: Studio) -> None:
    """The head moves with every audited action; the one at close shows on the transcript page and
    in the Markdown, JSON and CSV exports, and on the /audit page."""
    slug = studio.new_event()
    with studio.server.http() as client:
        before = client.get("/api/audit/head").json()
    studio.ask(slug, "公交站台能加遮阳棚吗")
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        after = client.get("/api/audit/head").json()
        assert after["algorithm"] == "sha256" and len(after["hash"]) == 64
        assert after["entry"] == before["entry"] + 2 and after["hash"] != before["hash"]
        closing = client.get(f"/api/events/{slug}/transcript").json()["audit_head"]
        assert closing == after
        page = client.get(f"/events/{slug}").text
        assert closing["hash"] in page and f"第 {closing['entry']} 条" in page
        assert closing["hash"] in client.get(f"/events/{slug}/transcript.md").text
        exported = json.loads(client.get(f"/events/{slug}/transcript.json").text)
        assert exported["audit_head"] == closing
        csv = client.get(f"/events/{slug}/transcript.csv").text
        assert closing["hash"] in csv.splitlines()[-1]
        audit = client.get("/audit")
        assert audit.status_code == 200 and after["hash"] in audit.text
        assert "studio audit verify --against" in audit.text


def test_open_event_has_no_closing_head(studio: Studio) -> None:
    """An event still live has no closing head in its transcript."""
    slug = studio.new_event()
    with studio.server.http() as client:
        assert client.get(f"/api/events/{slug}/transcript").json()["audit_head"] is None
