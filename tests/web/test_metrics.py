"""``/metrics`` and the logs on a real server: figures that move with activity, who may read them,
and logs that carry no question text, nickname or address."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from studio.logs import redact_path
from support.clients import Studio, frames_until, recv_json, running_studio

NICKNAME = "测试昵称甲乙"
TEXT = "指标测试的提问内容：地铁站口的共享单车太多了"


def samples(page: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, by name and sorted labels (the process label left out)."""
    found = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            labels = tuple(sorted((k, v) for k, v in sample.labels.items() if k != "process"))
            found[sample.name, labels] = sample.value
    return found


def line_of(entry: dict[str, str]) -> str:
    return json.dumps(entry, ensure_ascii=False)


def scrape(studio: Studio, **headers: str) -> tuple[int, str]:
    with studio.server.http() as client:
        answer = client.get("/metrics", headers=headers)
    return answer.status_code, answer.text


def test_metrics_move_with_the_night(studio: Studio) -> None:
    """Viewers, asks, refusals, the moderation backlog, frames, answer times and store writes all show."""
    slug = studio.new_event()
    status, page = scrape(studio)
    assert status == 200
    before = samples(page)
    with studio.server.ws(f"/ws/events/{slug}") as viewer:
        recv_json(viewer)
        asked = studio.ask(slug, TEXT, nickname=NICKNAME)
        viewer.send(json.dumps({"type": "vote", "question": 999999}))
        frames_until(viewer, "error", {})
        question = studio.question(slug, asked["question_id"])
        status, page = scrape(studio)
        during = samples(page)
        assert during["studio_viewers", (("event", slug),)] == 1
        assert during["studio_moderation_pending", (("event", slug),)] == 1
        assert during["studio_moderation_oldest_wait_seconds", (("event", slug),)] >= 0
        assert studio.mod1.act(question, "approve").status_code == 200
        question = studio.question(slug, asked["question_id"])
        assert studio.guest1.act(question, "on_air").status_code == 200
        question = studio.question(slug, asked["question_id"])
        assert studio.guest1.act(question, "answer", text="马上清理").status_code == 200
        frames_until(viewer, "answer.posted", {})
        status, page = scrape(studio)
    after = samples(page)
    asks = ("studio_audience_requests_total", (("kind", "ask"), ("outcome", "ok")))
    assert after[asks] == before.get(asks, 0) + 1
    refused = ("studio_audience_requests_total", (("kind", "vote"), ("outcome", "not_found")))
    assert after[refused] == before.get(refused, 0) + 1
    assert after["studio_moderation_pending", (("event", slug),)] == 0
    assert after["studio_answer_seconds_count", (("event", slug),)] == 1
    assert after["studio_frames_total", ()] > before["studio_frames_total", ()]
    assert after["studio_deliveries_total", ()] > before["studio_deliveries_total", ()]
    assert after["studio_store_write_seconds_count", ()] > before["studio_store_write_seconds_count", ()]
    assert "studio_send_queue_bytes" in {name for name, _ in after}
    assert TEXT not in page and NICKNAME not in page


def test_metrics_answer_loopback_or_the_token_only(tmp_path: Path) -> None:
    """Without a token only loopback clients read the page; with one, only its bearer."""
    for folder in ("open", "token"):
        (tmp_path / folder).mkdir()
    with running_studio(tmp_path / "open") as open_studio:
        assert scrape(open_studio)[0] == 200
        assert scrape(open_studio, **{"X-Forwarded-For": "203.0.113.9"})[0] == 403
    with running_studio(tmp_path / "token", env={"STUDIO_METRICS_TOKEN": "s3cret-token"}) as guarded:
        assert scrape(guarded)[0] == 403
        assert scrape(guarded, Authorization="Bearer wrong")[0] == 403
        assert scrape(guarded, Authorization="Bearer s3cret-token", **{"X-Forwarded-For": "203.0.113.9"})[0] == 200


def test_json_logs_carry_no_text_nickname_or_address(tmp_path: Path) -> None:
    """With STUDIO_LOG_FORMAT=json every line is a JSON object, and none names what the public wrote."""
    with running_studio(tmp_path, env={"STUDIO_LOG_FORMAT": "json", "STUDIO_LOG_LEVEL": "debug"}) as studio:
        slug = studio.new_event()
        asked = studio.ask(slug, TEXT, nickname=NICKNAME)
        with studio.server.http() as client:
            client.get(f"/track/{asked['tracking_code']}")
            client.get("/board", params={"q": "共享单车"})
            client.post(f"/api/events/{slug}/questions", content=b"{" * 40)
        with studio.server.ws(f"/ws/events/{slug}") as viewer:
            recv_json(viewer)
            viewer.send("not json")
            frames_until(viewer, "error", {"code": "bad_json"})
        log = studio.server.log.read_text(encoding="utf-8")
    lines = [line for line in log.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert any(entry["logger"] == "uvicorn.access" for entry in entries)
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    for forbidden in (TEXT, NICKNAME, "共享单车", asked["tracking_code"]):
        assert forbidden not in log, forbidden
    # the one address in the log is the server's own, where it listens
    assert [e["message"] for e in entries if "127.0.0.1" in line_of(e)] == [
        f"Uvicorn running on {studio.server.base} (Press CTRL+C to quit)"]
    assert all(re.fullmatch(r"[A-Z]+ \S+ \d{3}", e["message"]) for e in entries if e["logger"] == "uvicorn.access")


def test_paths_lose_their_query_and_tracking_codes() -> None:
    """The access log's path keeps the route and drops search words and tracking codes."""
    assert redact_path("/board?q=%E5%85%B1") == "/board"
    assert redact_path("/track/AbC123_x") == "/track/…"
    assert redact_path("/api/board/track/AbC123?x=1") == "/api/board/track/…"
    assert redact_path("/events/ev-1") == "/events/ev-1"


def test_the_dashboard_and_the_runbook_name_only_metrics_the_server_serves(studio: Studio) -> None:
    """Every studio_* name in deploy/grafana-dashboard.json and docs/operations.md is on the page."""
    from support.data import REPOSITORY

    slug = studio.new_event()
    with studio.server.ws(f"/ws/events/{slug}") as viewer:
        recv_json(viewer)
        studio.ask(slug, "让积压和答复时间都有数据")
        page = scrape(studio)[1]
    served = {family.name for family in text_string_to_metric_families(page)}
    served |= {f"{name}_{suffix}" for name in served for suffix in ("total", "bucket", "count", "sum")}
    served |= {name.removesuffix("_total") for name in served}
    served.add("studio_redis_reader_lag_seconds")  # served by processes on Redis (tests/live/test_scale.py)
    for document in ("deploy/grafana-dashboard.json", "docs/operations.md"):
        named = set(re.findall(r"studio_[a-z_]+", (REPOSITORY / document).read_text(encoding="utf-8")))
        assert named and named <= served, (document, named - served)
