"""Soak: a compressed event night, to see that nothing grows and nothing is lost.

Method. Two ``studio serve`` processes on one store and one redis-server (as
``bench/fanout.py`` starts them). Viewers (``websockets`` clients, one task
each) join and leave all night and reconnect with ``since=`` whenever their
socket drops; every frame with ``seq`` must follow the last one. Each second
the night goes on: netizens ask over HTTP and +1 over their sockets, the
moderator approves what waits (one in ten rejected), a guest puts the most
supported question on air and answers it, the host posts a message whose
arrival at every viewer gives the latency. The moderator knows the queue as
the desk console does, from its staff socket (``staff.snapshot``, then
``question.submitted``, ``question.changed`` and ``votes``);
``--polling-desk`` reads the whole queue over HTTP every second instead, a
request as large as the event each second (how this bench first ran).
``--closing M``: in the night's last M minutes nobody asks (the host has
closed questions) while viewers, +1s, answers, host messages and reconnects
go on, so the event stops growing and what memory does then shows apart. Half way through, process 2 is
stopped and started again on its port (its viewers come back with ``since=``).
Every ``--every`` seconds a line records each process's RSS and open
descriptors, the viewers connected, and the p50/p99 latency of the host
messages of that window (a viewer that reconnected counts the messages it
caught up on from its reconnection, so the restart's window shows the
reconnect time), the reconnections and the asks acknowledged so far. A call
of the night's actors that fails (a timeout on a loaded machine) is counted
and the night goes on. At the end: every acknowledged ask is in the store,
every +1 acknowledged (``vote.ok``) is counted, every viewer is at the
store's ``seq``, and no frame arrived out of order.

The memory growth per ask after warm-up (from the second sample on) closes
the report. ``--allocator jemalloc`` runs the server processes with
``LD_PRELOAD=libjemalloc.so.2`` (as ``studio serve`` runs in production when
the library is installed, docs/operations.md) and says whether it was loaded;
``--allocator glibc`` runs them without it. With jemalloc the servers get
``MALLOC_CONF`` as production does (:data:`JEMALLOC_CONF`). The report ends
with the size of the final snapshot: what the event itself holds.

    nice -n 10 .venv/bin/python bench/soak.py --minutes 30 --viewers 600 --allocator jemalloc
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import websockets
from fanout import PASSWORD, ROOT, Studio, open_event, pinned, wait_http
from procstat import rss_kib

JEMALLOC = "libjemalloc.so.2"
"""The library ``LD_PRELOAD`` names (found on the loader's path, as Debian's libjemalloc2 installs it)."""
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"
"""``MALLOC_CONF`` as docs/operations.md gives it: freed pages go back to the system within a
second, from jemalloc's own thread, whether or not the process allocates meanwhile."""


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def allocator_of(pid: int) -> str:
    """``jemalloc`` when the process mapped the library, else ``glibc``."""
    with open(f"/proc/{pid}/maps") as maps:
        return "jemalloc" if "libjemalloc" in maps.read() else "glibc"


def growth_per_ask(samples: list[tuple[float, float, int]]) -> str:
    """Process 1's RSS growth from the second sample (after warm-up) to the last, per ask
    acknowledged, and the same over the night's last third (where a growth that levels off shows)."""
    if len(samples) < 3:
        return "  too few samples for the growth after warm-up"

    def per_ask(first: tuple[float, float, int], last: tuple[float, float, int]) -> str:
        (start, rss0, asks0), (end, rss1, asks1) = first, last
        grown = f"from minute {start:.1f} to {end:.1f}: {rss1 - rss0:+.1f} MiB"
        if asks1 == asks0:
            return grown + ", no asks meanwhile"
        return f"{grown} over {asks1 - asks0} asks, {(rss1 - rss0) * 1024 / (asks1 - asks0):.1f} KiB an ask"

    line = f"  process 1 {per_ask(samples[1], samples[-1])}"
    third = samples[len(samples) * 2 // 3]
    if len(samples) >= 6 and third is not samples[-1]:
        line += f"\n  process 1, the last third, {per_ask(third, samples[-1])}"
    return line


class Night:
    """What the viewers and the night's actors share."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.sent: dict[int, float] = {}
        self.latencies: list[float] = []
        self.order_errors = 0
        self.reconnects = 0
        self.connected = 0
        self.seqs: dict[int, int] = {}
        self.acknowledged: list[int] = []
        self.failed: list[str] = []
        self.live: set[int] = set()
        self.connections = 0
        self.voted: set[tuple[int, int]] = set()
        """(connection, question) of every +1 acknowledged with ``vote.ok`` (a viewer without the
        cookie counts once per connection)."""
        self.closing = asyncio.Event()
        """The host has closed questions: no more asks; everything else goes on."""
        self.quiet = asyncio.Event()
        self.stop = asyncio.Event()


async def viewer(night: Night, index: int, lifetime: float) -> None:
    """One viewer: watch for ``lifetime`` seconds (or all night), resuming after every drop."""
    seq: int | None = None
    leave_at = time.monotonic() + lifetime
    while not night.stop.is_set() and time.monotonic() < leave_at:
        port = night.ports[index % len(night.ports)]
        path = "/ws/events/soak" + (f"?since={seq}" if seq is not None else "")
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}{path}", open_timeout=20) as ws:
                night.connected += 1
                night.connections += 1
                connection = night.connections
                night.live.add(index)
                try:
                    while not night.stop.is_set() and time.monotonic() < leave_at:
                        try:
                            raw = await asyncio.wait_for(ws.recv(), 1.0)
                        except TimeoutError:
                            continue
                        frame = json.loads(raw)
                        if frame["type"] == "snapshot":
                            seq = frame["seq"]
                        elif "seq" in frame:
                            if seq is not None and frame["seq"] != seq + 1:
                                night.order_errors += 1
                            seq = frame["seq"]
                        night.seqs[index] = seq or 0
                        if frame["type"] == "host.message":
                            number = int(frame["message"]["text"].split("#", 1)[1])
                            night.latencies.append(time.perf_counter() - night.sent[number])
                        if frame["type"] == "vote.ok":
                            night.voted.add((connection, frame["question"]))
                        if frame["type"] == "question.published" and random.random() < 0.2:
                            await ws.send(json.dumps({"type": "vote", "question": frame["question"]["id"]}))
                finally:
                    night.connected -= 1
                    night.live.discard(index)
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError):
            night.reconnects += 1
            await asyncio.sleep(random.uniform(0.25, 3.0))


class Desk:
    """The moderator's view of the queue, kept as the desk console keeps it: from the staff socket
    (``staff.snapshot`` once, then ``question.submitted``, ``question.changed`` and ``votes``)."""

    def __init__(self) -> None:
        self.questions: dict[int, dict[str, Any]] = {}

    def take(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "staff.snapshot":
            self.questions = {q["id"]: q for q in frame["queue"]}
        elif kind in ("question.submitted", "question.changed"):
            self.update(frame["question"])
        elif kind == "votes":
            for question_id, count in frame["counts"].items():
                if int(question_id) in self.questions:
                    self.questions[int(question_id)]["votes"] = count

    def update(self, question: dict[str, Any]) -> None:
        """A newer view of a question (a frame, or the answer to the moderator's own action)."""
        known = self.questions.get(question["id"])
        if known is None or question["version"] >= known["version"]:
            self.questions[question["id"]] = question


async def follow_desk(night: Night, port: int, cookie: str, desk: Desk) -> None:
    """The moderator's staff socket, reopened (with a fresh ``staff.snapshot``) whenever it drops."""
    while not night.stop.is_set():
        try:
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/events/soak/staff", open_timeout=20,
                                          additional_headers={"Cookie": cookie},
                                          origin=websockets.Origin(f"http://127.0.0.1:{port}")) as ws:
                async for raw in ws:
                    desk.take(json.loads(raw))
        except (OSError, websockets.exceptions.WebSocketException, TimeoutError):
            await asyncio.sleep(1.0)


async def actors(night: Night, base: str, polling: bool) -> None:
    """The netizens' asks, the moderator, the guest and the host, once a second. The moderator
    follows the staff socket as the desk does; with ``polling`` it reads the whole queue over HTTP
    every second instead (what this bench did first: a request the size of the event each second)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as staff, httpx.AsyncClient(base_url=base, timeout=30) as public:
        login = (await staff.post("/api/login", json={"username": "admin", "password": PASSWORD})).json()
        headers = {"X-CSRF-Token": login["csrf_token"]}
        desk = Desk()
        cookie = "; ".join(f"{name}={value}" for name, value in staff.cookies.items())
        follower = None if polling else asyncio.create_task(
            follow_desk(night, int(base.rsplit(":", 1)[1]), cookie, desk))
        number = 0
        while not night.quiet.is_set():
            try:
                for _ in range(0 if night.closing.is_set() else random.randint(1, 4)):
                    answer = await public.post("/api/events/soak/questions", json={
                        "text": f"夜间提问 {uuid.uuid4().hex[:8]}：公交什么时候恢复？", "client_key": str(uuid.uuid4())})
                    if answer.status_code == 201:
                        night.acknowledged.append(answer.json()["question_id"])
                if polling:
                    desk.questions = {q["id"]: q for q in (await staff.get("/api/events/soak/queue")).json()}
                queue = list(desk.questions.values())
                for question in queue:
                    if question["status"] == "pending":
                        action = "reject" if random.random() < 0.1 else "approve"
                        body = {"version": question["version"], **({"reason": "ads"} if action == "reject" else {})}
                        acted = await staff.post(f"/api/questions/{question['id']}/{action}", json=body, headers=headers)
                        if acted.status_code == 200:
                            desk.update(acted.json())
                on_air = [q for q in queue if q["status"] == "on_air"]
                waiting = sorted((q for q in queue if q["status"] == "approved"), key=lambda q: -q["votes"])
                if on_air:
                    q = on_air[0]
                    acted = await staff.post(f"/api/questions/{q['id']}/answer", headers=headers,
                                             json={"version": q["version"], "text": "正在协调，下周一起恢复。"})
                elif waiting:
                    q = waiting[0]
                    acted = await staff.post(f"/api/questions/{q['id']}/on-air", headers=headers,
                                             json={"version": q["version"]})
                if (on_air or waiting) and acted.status_code == 200:
                    desk.update(acted.json())
                number += 1
                night.sent[number] = time.perf_counter()
                await staff.post("/api/events/soak/messages", headers=headers, json={"text": f"主持人 #{number}"})
            except (httpx.HTTPError, ValueError, KeyError) as exc:  # a refused or timed-out call: count it, go on
                night.failed.append(f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(1.0)
        if follower is not None:
            follower.cancel()


def uncounted(voted: set[tuple[int, int]], votes: dict[int, int]) -> int:
    """+1s acknowledged beyond a question's count in the store (the store may count more: a +1
    whose ``vote.ok`` the viewer did not read before its socket closed)."""
    acknowledged: dict[int, int] = {}
    for _, question in voted:
        acknowledged[question] = acknowledged.get(question, 0) + 1
    return sum(max(0, n - votes.get(question, 0)) for question, n in acknowledged.items())


async def run(minutes: float, viewers: int, every: float, allocator: str, polling: bool,
              closing: float) -> list[str]:
    for name in ("LD_PRELOAD", "MALLOC_CONF"):
        os.environ.pop(name, None)
    if allocator == "jemalloc":  # the server processes (and Redis) start with it
        os.environ.update(LD_PRELOAD=JEMALLOC, MALLOC_CONF=JEMALLOC_CONF)
    servers = Studio(Path(tempfile.mkdtemp()), 2)
    for name in ("LD_PRELOAD", "MALLOC_CONF"):
        os.environ.pop(name, None)
    base = f"http://127.0.0.1:{servers.ports[0]}"
    samples: list[tuple[float, float, int]] = []
    lines = [f"soak: {minutes:.0f} min, {viewers} viewers at a time on 2 processes + Redis, allocator "
             f"{' / '.join(allocator_of(p.pid) for p in servers.processes)}, the moderator "
             + ("reading the whole queue every second" if polling else "following the staff socket"),
             "  min | RSS MiB p1 / p2 | fds p1 / p2 | viewers | host messages p50 / p99 ms | reconnects | asks so far"]
    try:
        for port in servers.ports:
            await wait_http(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            await open_event(http, "soak", "通宵压测")
        night = Night(servers.ports)
        tasks = [asyncio.create_task(actors(night, base, polling))]
        started = time.monotonic()
        end = started + minutes * 60
        restarted = False
        closing_from: int | None = None
        next_index = 0

        def join(count: int) -> None:
            nonlocal next_index
            for _ in range(count):
                lifetime = random.uniform(60, minutes * 60)
                tasks.append(asyncio.create_task(viewer(night, next_index, lifetime)))
                next_index += 1

        join(viewers)
        window_start = 0
        while time.monotonic() < end:
            await asyncio.sleep(every)
            elapsed = time.monotonic() - started
            join(max(0, viewers - night.connected))
            if closing and not night.closing.is_set() and end - time.monotonic() <= closing * 60 + every / 2:
                night.closing.set()
                closing_from = len(samples)
                lines.append(f"  questions closed at {elapsed / 60:.1f} min: no more asks")
            if not restarted and elapsed > minutes * 30:
                restarted = True
                process = servers.processes[1]
                process.terminate()
                await asyncio.to_thread(process.wait, 30)
                servers.processes[1] = await asyncio.to_thread(
                    subprocess.Popen,
                    [*pinned(0), sys.executable, "-m", "studio", "serve", "--port", str(servers.ports[1])],
                    env=servers.env, cwd=ROOT)
                lines.append(f"  process 2 restarted at {elapsed / 60:.1f} min")
            window = sorted(night.latencies[window_start:]) or [0.0]
            window_start = len(night.latencies)
            pids = [p.pid for p in servers.processes]
            samples.append((elapsed / 60, rss_kib(pids[0]) / 1024, len(night.acknowledged)))
            lines.append(
                f"  {elapsed / 60:5.1f} | {rss_kib(pids[0]) / 1024:6.1f} / {rss_kib(pids[1]) / 1024:6.1f} | "
                f"{descriptors(pids[0])} / {descriptors(pids[1])} | {night.connected} | "
                f"{statistics.median(window) * 1000:.0f} / {window[int(len(window) * 0.99)] * 1000:.0f} | "
                f"{night.reconnects} | {len(night.acknowledged)}")
            print(lines[-1], flush=True)
        night.quiet.set()  # the night ends: no more activity, the feed settles
        await asyncio.sleep(10)
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            await http.post("/api/login", json={"username": "admin", "password": PASSWORD})  # the queue is staff-only
            stored = (await http.get("/api/events/soak/queue")).json()
            queue = {q["id"] for q in stored}
            votes = {q["id"]: q["votes"] for q in stored}
            async with websockets.connect(f"ws://127.0.0.1:{servers.ports[0]}/ws/events/soak") as ws:
                raw = await ws.recv(decode=False)
                final = json.loads(raw)
                head = final["seq"]
        watching = sorted(night.live)
        behind = [index for index in watching if night.seqs.get(index) != head]
        night.stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        missing = [qid for qid in night.acknowledged if qid not in queue]
        lines += [
            f"  asks acknowledged {len(night.acknowledged)}, missing from the store {len(missing)}",
            f"  +1s acknowledged {len(night.voted)}, counted in the store {sum(votes.values())}, "
            f"acknowledged but not counted {uncounted(night.voted, votes)}",
            f"  frames out of order {night.order_errors}",
            f"  actors' calls that failed {len(night.failed)}" + (f" (first: {night.failed[0]})" if night.failed else ""),
            f"  store seq at the end {head}: {len(watching) - len(behind)} of {len(watching)} viewers "
            f"still watching are at it; host messages delivered {len(night.latencies)}",
            f"  the snapshot at the end: {len(raw) / 1024:.0f} KiB for "
            f"{len(final['published']) + len(final['answered']) + bool(final['on_air'])} public questions",
            growth_per_ask(samples),
        ]
        if closing_from is not None and closing_from < len(samples):
            (start, rss0, _), (stop, rss1, _) = samples[closing_from], samples[-1]
            lines.append(f"  process 1 while questions were closed, minute {start:.1f} to {stop:.1f}: "
                         f"{rss1 - rss0:+.1f} MiB")
    finally:
        servers.stop()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--viewers", type=int, default=600)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between sample lines")
    parser.add_argument("--allocator", choices=["glibc", "jemalloc"], default="jemalloc",
                        help="the server processes' malloc (jemalloc: LD_PRELOAD=libjemalloc.so.2)")
    parser.add_argument("--polling-desk", action="store_true",
                        help="the moderator reads the whole queue over HTTP every second (the desk follows its socket)")
    parser.add_argument("--closing", type=float, default=0.0,
                        help="the night's last minutes without asks (the host closed questions; the rest goes on)")
    args = parser.parse_args()
    print("\n".join(asyncio.run(run(args.minutes, args.viewers, args.every, args.allocator, args.polling_desk,
                                     args.closing))),
          flush=True)


if __name__ == "__main__":
    main()
