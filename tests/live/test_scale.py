"""Several server processes on one store and one real redis-server: order, resume, restarts, kills."""

from __future__ import annotations

import json
import signal
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from support.clients import Studio, recv_json, recv_until
from support.redis_server import RedisServer, available
from support.servers import ADMIN_PASSWORD, EdgeServer, Server, edge_feed
from support.viewer import ViewerState

pytestmark = pytest.mark.skipif(not available(), reason="redis-server is not installed")


class Cluster:
    """N ``studio serve`` processes sharing one SQLite file and one Redis."""

    def __init__(self, tmp: Path, redis: RedisServer, count: int) -> None:
        self.redis = redis
        self.servers: list[Server] = []
        db = str(tmp / "shared.db")
        try:
            for index in range(count):
                folder = tmp / f"p{index}"
                folder.mkdir()
                server = Server(folder, env={"STUDIO_DB": db, "STUDIO_BROADCAST": redis.url})
                server.db = db
                self.servers.append(server)
                if index == 0:
                    server.create_user("admin", "admin", ADMIN_PASSWORD)
                server.start()
            self.studio = Studio(self.servers[0])
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture
def cluster(tmp_path: Path, redis: RedisServer) -> Iterator[Cluster]:
    """Two processes on one store and the test's redis-server."""
    running = Cluster(tmp_path, redis, 2)
    try:
        yield running
    finally:
        running.stop()


def approve_new(studio: Studio, slug: str, text: str) -> dict[str, Any]:
    asked = studio.ask(slug, text)
    result: dict[str, Any] = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
    return result


def follow(ws: Any, state: ViewerState, target: int, timeout: float = 15) -> None:
    """Apply frames until the viewer reaches ``target`` (ViewerState asserts no gap, no duplicate)."""
    while state.seq < target:
        state.apply(recv_json(ws, timeout))


def current_seq(server: Server, slug: str) -> int:
    with server.ws(f"/ws/events/{slug}") as ws:
        return int(recv_json(ws)["seq"])


def reference(server: Server, slug: str) -> dict[str, Any]:
    state = ViewerState()
    with server.ws(f"/ws/events/{slug}") as ws:
        state.apply(recv_json(ws))
    return state.summary()


def test_change_through_one_process_reaches_viewers_on_all_in_order(cluster: Cluster) -> None:
    """Changes made through either process reach viewers on both, in seq order, without gaps."""
    a, b = cluster.servers
    studio = cluster.studio
    staff_b = Studio(b)
    slug = studio.new_event()
    viewers = [(server.ws(f"/ws/events/{slug}"), ViewerState()) for server in (a, b, a, b)]
    for ws, state in viewers:
        state.apply(recv_json(ws))
    for index in range(6):
        approve_new(studio if index % 2 else staff_b, slug, f"第{index}个问题")
        (staff_b.mod2 if index % 2 else studio.mod1).post(f"/api/events/{slug}/messages",
                                                         {"text": f"主持人消息{index}"})
    target = current_seq(b, slug)
    for ws, state in viewers:
        follow(ws, state, target)
        assert state.summary() == reference(a, slug)
        ws.close()


def test_since_on_any_process_is_gap_free(cluster: Cluster) -> None:
    """A viewer that saw seq N on one process resumes on the other with exactly the changes after N."""
    a, b = cluster.servers
    studio = cluster.studio
    slug = studio.new_event()
    state = ViewerState()
    with a.ws(f"/ws/events/{slug}") as ws:
        state.apply(recv_json(ws))
        approve_new(studio, slug, "断线前的问题")
        follow(ws, state, current_seq(a, slug))
    for index in range(5):
        approve_new(studio, slug, f"断线期间的问题{index}")
    with b.ws(f"/ws/events/{slug}?since={state.seq}") as ws:
        follow(ws, state, current_seq(b, slug))
    assert state.summary() == reference(b, slug)


def viewers_on(page: str, slug: str) -> float:
    """The ``studio_viewers`` figure of one event on a process's metrics page."""
    return next(sample.value for family in text_string_to_metric_families(page) for sample in family.samples
                if sample.name == "studio_viewers" and sample.labels.get("event") == slug)


def test_viewer_counts_add_up_across_processes(cluster: Cluster) -> None:
    """stats.viewers counts the audience of every process; each process's /metrics its own."""
    a, b = cluster.servers
    slug = cluster.studio.new_event()
    sockets = [server.ws(f"/ws/events/{slug}") for server in (a, a, b)]
    viewers = [recv_json(ws)["stats"]["viewers"] for ws in sockets]
    converged = []
    for ws, seen in zip(sockets, viewers, strict=True):
        while seen != 3:  # stats frames come only when a figure changed, so start from the snapshot's
            seen = recv_until(ws, "stats", timeout=10)["viewers"]
        converged.append(seen)
    # each process serves its own viewers on /metrics, and how far behind its Redis reader is
    pages = [httpx.get(f"{server.base}/metrics").text for server in (a, b)]
    for ws in sockets:
        ws.close()
    assert converged == [3, 3, 3]
    assert [viewers_on(page, slug) for page in pages] == [2, 1]
    assert all("studio_redis_reader_lag_seconds{" in page for page in pages)


def test_concurrent_writes_from_several_processes_all_succeed(cluster: Cluster) -> None:
    """Asks hammered at both processes at once: every one is stored, none sees 'database is locked'."""
    a, b = cluster.servers
    slug = cluster.studio.new_event()

    def ask(index: int) -> int:
        server = (a, b)[index % 2]
        with httpx.Client(base_url=server.base, timeout=30) as client:
            answer = client.post(f"/api/events/{slug}/questions",
                                 json={"text": f"并发提问{index}", "client_key": str(uuid.uuid4())})
        return answer.status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(ask, range(200)))
    assert codes == [201] * 200
    queue = cluster.studio.mod1.get(f"/api/events/{slug}/queue").json()
    assert len([q for q in queue if q["original_text"].startswith("并发提问")]) == 200
    for server in (a, b):
        assert "database is locked" not in server.log.read_text()


@pytest.mark.parametrize("redis", [False, True], ids=["no-persistence", "persistence"], indirect=True)
def test_redis_restart_mid_event_viewers_converge(cluster: Cluster) -> None:
    """Redis killed and restarted (empty, or from its AOF): viewers on both processes converge, nothing committed is lost."""
    a, b = cluster.servers
    studio = cluster.studio
    slug = studio.new_event()
    viewers = [(server.ws(f"/ws/events/{slug}"), ViewerState()) for server in (a, b)]
    for ws, state in viewers:
        state.apply(recv_json(ws))
    approve_new(studio, slug, "重启前的问题")
    cluster.redis.stop()
    # Committed while Redis is down: acknowledged, its publish fails.
    during = approve_new(studio, slug, "Redis 停止期间通过的问题")
    studio.mod1.post(f"/api/events/{slug}/messages", {"text": "Redis 停止期间的主持人消息"})
    cluster.redis.start()
    after = approve_new(Studio(b), slug, "重启后的问题")
    target = current_seq(a, slug)
    for ws, state in viewers:
        follow(ws, state, target, timeout=20)
        summary = state.summary()
        assert summary == reference(a, slug)
        assert during["id"] in summary["questions"] and after["id"] in summary["questions"]
        ws.close()
    # Both processes are tailing Redis again: a new change reaches a fresh viewer on each live.
    watchers = [(server.ws(f"/ws/events/{slug}"), ViewerState()) for server in (a, b)]
    for ws, state in watchers:
        state.apply(recv_json(ws))
    studio.mod1.post(f"/api/events/{slug}/messages", {"text": "恢复后的消息"})
    for ws, state in watchers:
        assert recv_until(ws, "host.message", timeout=10)["seq"] == state.seq + 1
        ws.close()


def test_process_killed_mid_event_its_viewers_resume_on_another(cluster: Cluster) -> None:
    """SIGKILL one process: its viewer reconnects to the other with since= and misses nothing."""
    a, b = cluster.servers
    studio_b = Studio(b)
    slug = cluster.studio.new_event()
    state = ViewerState()
    ws = a.ws(f"/ws/events/{slug}")
    state.apply(recv_json(ws))
    approve_new(studio_b, slug, "被杀前的问题")
    follow(ws, state, current_seq(b, slug))
    key = str(uuid.uuid4())
    ws.send(json.dumps({"type": "ask", "text": "杀进程前刚确认的提问", "client_key": key}))
    ok = recv_until(ws, "ask.ok", seen=[])
    a.stop(signal.SIGKILL)
    ws.close()
    for index in range(3):
        approve_new(studio_b, slug, f"被杀后的问题{index}")
    with b.ws(f"/ws/events/{slug}?since={state.seq}") as resumed:
        follow(resumed, state, current_seq(b, slug))
        assert state.summary() == reference(b, slug)
        resumed.send(json.dumps({"type": "ask", "text": "杀进程前刚确认的提问", "client_key": key}))
        assert recv_until(resumed, "ask.ok")["tracking_code"] == ok["tracking_code"]


def test_edge_serves_feed_resume_ask_and_vote_with_only_redis(cluster: Cluster, tmp_path: Path) -> None:
    """An edge without the store: snapshot, live frames in order, since=, ask.ok after the owner's commit, +1;
    its /metrics counts its own viewers."""
    owner = cluster.servers[0]
    studio = cluster.studio
    slug = studio.new_event()
    first = approve_new(studio, slug, "边缘节点看到的第一个问题")
    folder = tmp_path / "edge"
    folder.mkdir()
    edge = EdgeServer(folder, env={"STUDIO_BROADCAST": cluster.redis.url, "STUDIO_DB": "/nonexistent/x.db"})
    edge.start()
    try:
        state = ViewerState()
        ws, frame = edge_feed(edge, slug)
        state.apply(frame)
        follow(ws, state, current_seq(owner, slug))
        for _ in range(50):  # until the edge's Redis reader has made its first read
            page = httpx.get(f"{edge.base}/metrics").text
            if "studio_redis_reader_lag_seconds{" in page:
                break
            time.sleep(0.1)
        assert viewers_on(page, slug) == 1 and "studio_redis_reader_lag_seconds{" in page
        assert "studio_store_write_seconds" not in page  # the store's figures are the owner's
        approve_new(studio, slug, "边缘节点实时收到的问题")
        studio.mod1.post(f"/api/events/{slug}/messages", {"text": "主持人经边缘节点"})
        follow(ws, state, current_seq(owner, slug))
        assert state.summary() == reference(owner, slug)

        key = str(uuid.uuid4())
        ws.send(json.dumps({"type": "ask", "text": "经边缘节点提交的问题", "client_key": key}))
        ok = recv_until(ws, "ask.ok", timeout=15)
        queue = {q["id"]: q for q in studio.mod1.get(f"/api/events/{slug}/queue").json()}
        assert queue[ok["question_id"]]["original_text"] == "经边缘节点提交的问题"
        ws.send(json.dumps({"type": "ask", "text": "经边缘节点提交的问题", "client_key": key}))
        assert recv_until(ws, "ask.ok", timeout=15)["tracking_code"] == ok["tracking_code"]

        ws.send(json.dumps({"type": "vote", "question": first["id"]}))
        recv_until(ws, "vote.ok")
        while True:
            votes = recv_until(ws, "votes", timeout=15)
            state.seq = votes["seq"]
            if votes["counts"].get(str(first["id"])) == 1:
                break
        seen = state.seq
        ws.close()
        for index in range(3):
            studio.mod1.post(f"/api/events/{slug}/messages", {"text": f"离线期间{index}"})
        resumed = ViewerState()
        resumed.seq = seen
        with edge.ws(f"/ws/events/{slug}?since={seen}") as again:
            while resumed.seq < current_seq(owner, slug):
                frame = recv_json(again, 10)
                assert frame["type"] != "snapshot"
                if "seq" in frame:
                    assert frame["seq"] == resumed.seq + 1
                    resumed.seq = frame["seq"]
    finally:
        edge.stop()


def test_an_edge_replay_after_an_unpublish_holds_no_withdrawn_text(cluster: Cluster, tmp_path: Path) -> None:
    """Through an edge (the Redis stream, not the store): since= before an unpublish shows no withdrawn text."""
    owner = cluster.servers[0]
    studio = cluster.studio
    slug = studio.new_event()
    folder = tmp_path / "edge"
    folder.mkdir()
    edge = EdgeServer(folder, env={"STUDIO_BROADCAST": cluster.redis.url, "STUDIO_DB": "/nonexistent/x.db"})
    edge.start()
    try:
        before = current_seq(owner, slug)
        slip = "110101199003074578"
        question = approve_new(studio, slug, f"身份证号 {slip} 的社保问题")
        answer = studio.mod1.act(question, "unpublish", reason="含身份证号")
        assert answer.status_code == 200, answer.text
        head = current_seq(owner, slug)
        seen: list[dict[str, Any]] = []
        for _ in range(50):  # until the stream reaches the unpublish
            with edge.ws(f"/ws/events/{slug}?since={before}") as ws:
                seen = []
                while not seen or seen[-1].get("seq", 0) < head:
                    seen.append(recv_json(ws, 10))
                    if seen[-1]["type"] == "snapshot":
                        break
            if seen and seen[-1]["type"] != "snapshot":
                break
        assert [frame["type"] for frame in seen][-1] == "question.unpublished"
        assert slip not in json.dumps(seen, ensure_ascii=False)
    finally:
        edge.stop()
