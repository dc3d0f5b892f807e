"""Fan-out at event scale: studio vs python-socketio, one process, stuck viewers, three processes on Redis.

Method. Servers are started as a user would (``studio serve`` subprocesses;
``bench/socketio_server.py`` on uvicorn for the comparison) pinned to core 0
with ``taskset``; this process, pinned to core 1, is the load: one asyncio
loop holding every viewer as a bare WebSocket protocol (no per-connection
task, minimal frame parsing), so it stays ahead of the server. Messages are
host messages posted through the HTTP API (``POST /api/events/{slug}/messages``,
≈300-byte frames), ``--interval`` apart. For each delivery the latency is the
time from sending the POST to the frame's arrival. Server CPU is read from
``/proc/PID/stat`` around the message phase only; memory per viewer is the
RSS growth of the server(s) from before the viewers connect to when they are
all connected and idle. Every viewer checks that frames with ``seq`` arrive as
``last + 1`` (no gap, no duplicate, in order).

Scenarios:
  single    one studio process, N viewers
  stuck     the same with 1% viewers that never read (tiny receive buffer, reading paused);
            reports the others' latency and whether every stuck one was disconnected
  redis3    three studio processes sharing one store and one redis-server, viewers spread evenly
  socketio  python-socketio, one room, same payload (fewer messages: it is much slower)
  votes     every viewer sends one +1 for the same question at once: time to vote.ok and to the count

    ulimit -n 20000
    .venv/bin/python bench/fanout.py --viewers 10000 --messages 40 single stuck socketio
    .venv/bin/python bench/fanout.py --viewers 15000 --messages 40 redis3
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from procstat import cpu_seconds, free_port, rss_kib

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"
PAD = "各位网友大家好，" * 9  # with the envelope ≈300 bytes per frame
MARK = b'"text":"B'
IP_BIND_ADDRESS_NO_PORT = 24  # Linux: pick the local port at connect(), per destination




def pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") else []


def client_text(text: str) -> bytes:
    """A masked client text frame (zero mask key: the payload goes as is)."""
    payload = text.encode()
    if len(payload) < 126:
        return struct.pack("!BB", 0x81, 0x80 | len(payload)) + b"\0\0\0\0" + payload
    return struct.pack("!BBH", 0x81, 0x80 | 126, len(payload)) + b"\0\0\0\0" + payload


@dataclass
class Tally:
    sent_at: dict[int, float] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    order_errors: int = 0
    received: int = 0
    vote_ok: int = 0
    vote_count: int = 0
    post_rtt: list[float] = field(default_factory=list)
    retries: int = 0


class Viewer(asyncio.Protocol):
    """One WebSocket viewer: handshake, then frames parsed in place; no task of its own."""

    def __init__(self, host: str, path: str, tally: Tally, socketio: bool = False,
                 stuck: bool = False) -> None:
        self.request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                        "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n\r\n").encode()
        self.tally = tally
        self.socketio = socketio
        self.stuck = stuck
        self.buffer = b""
        self.upgraded = False
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self.last_seq: int | None = None
        self.bytes = 0
        self.close_reason = ""

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed before ready (close code {self.closed.result()} "
                                                     f"{self.close_reason!r}, "
                                                     f"{'after' if self.upgraded else 'before'} the handshake)"))

    def data_received(self, data: bytes) -> None:
        self.bytes += len(data)
        buffer = self.buffer + data if self.buffer else data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            if not buffer.startswith(b"HTTP/1.1 101"):
                self.ready.set_exception(ConnectionError(buffer[:200].decode(errors="replace")))
                return
            self.upgraded = True
            self.upgraded_now()
            buffer = buffer[end + 4:]
        offset, size = 0, len(buffer)
        while size - offset >= 2:
            opcode = buffer[offset] & 0x0F
            length = buffer[offset + 1] & 0x7F
            head = 2
            if length == 126:
                if size - offset < 4:
                    break
                length = int.from_bytes(buffer[offset + 2:offset + 4], "big")
                head = 4
            elif length == 127:
                if size - offset < 10:
                    break
                length = int.from_bytes(buffer[offset + 2:offset + 10], "big")
                head = 10
            if size - offset < head + length:
                break
            payload = buffer[offset + head:offset + head + length]
            offset += head + length
            self.frame(opcode, payload)
        self.buffer = buffer[offset:]

    def upgraded_now(self) -> None:
        """Called at the handshake's answer (``bench/reconnect.py``: a resumed viewer is ready then)."""

    def delivered(self, number: int) -> None:
        """Host message ``number`` arrived: its latency from the POST."""
        self.tally.latencies.append(time.perf_counter() - self.tally.sent_at[number])
        self.tally.received += 1

    def frame(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None
        if opcode == 0x8:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
            self.close_reason = payload[2:].decode(errors="replace")
            if not self.closed.done():
                self.closed.set_result(code)
            self.transport.close()
            return
        if opcode == 0x9:
            self.transport.write(struct.pack("!BB", 0x8A, 0x80 | len(payload)) + b"\0\0\0\0" + payload)
            return
        if opcode != 0x1:
            return
        if self.socketio:
            self.socketio_frame(payload)
            return
        if not self.ready.done():
            self.ready.set_result(None)
            self.last_seq = int(payload[payload.index(b'"seq":') + 6:].split(b",", 1)[0])
            if self.stuck:
                self.transport.pause_reading()
            return
        if payload.startswith(b'{"type":"vote.ok"'):
            self.tally.vote_ok += 1
            return
        at = payload.find(b'"seq":')
        if at < 0:
            return
        if payload.startswith(b'{"type":"votes"'):
            self.tally.vote_count = max(self.tally.vote_count, *json.loads(payload)["counts"].values())
        seq = int(payload[at + 6:at + 20].split(b",", 1)[0].split(b"}", 1)[0])
        if self.last_seq is not None and seq != self.last_seq + 1:
            self.tally.order_errors += 1
        self.last_seq = seq
        mark = payload.find(MARK)
        if mark >= 0 and not self.stuck:
            self.delivered(int(payload[mark + len(MARK):payload.index(b"|", mark)]))

    def socketio_frame(self, payload: bytes) -> None:
        assert self.transport is not None
        if payload[:1] == b"0":  # engine.io open: connect to the default namespace
            self.transport.write(client_text("40"))
        elif payload[:2] == b"40":
            if not self.ready.done():
                self.ready.set_result(None)
        elif payload == b"2":
            self.transport.write(client_text("3"))
        elif payload[:2] == b"42":
            mark = payload.find(MARK)
            if mark >= 0:
                number = int(payload[mark + len(MARK):payload.index(b"|", mark)])
                self.tally.latencies.append(time.perf_counter() - self.tally.sent_at[number])
                self.tally.received += 1


async def open_viewers(ports: list[int], path: str, count: int, tally: Tally, socketio: bool = False,
                       stuck_every: int = 0, source: str | None = None,
                       make: type[Viewer] = Viewer, retry: tuple[float, float] | None = None) -> list[Viewer]:
    """``count`` viewers spread over ``ports``, 200 handshakes at a time; ``source``: a local
    address to connect from (each loopback address has its own ephemeral ports); ``retry``: a
    viewer closed before its first frame comes back after a random delay in that window (as
    static/live.js does after a 4000 close), counted in ``tally.retries``; else it fails the run."""
    loop = asyncio.get_running_loop()
    viewers: list[Viewer] = []
    gate = asyncio.Semaphore(200)

    async def one(index: int) -> None:
        for _ in range(20 if retry else 0):
            try:
                return await attempt(index)
            except ConnectionError:
                tally.retries += 1
                assert retry is not None
                await asyncio.sleep(random.uniform(*retry))
        await attempt(index)

    async def attempt(index: int) -> None:
        port = ports[index % len(ports)]
        stuck = bool(stuck_every) and index % stuck_every == stuck_every - 1
        viewer = make(f"127.0.0.1:{port}", path, tally, socketio=socketio, stuck=stuck)
        sock = socket.socket()
        if source:
            sock.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            sock.bind((source, 0))
        if stuck:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        async with gate:
            await loop.sock_connect(sock, ("127.0.0.1", port))
            await loop.create_connection(lambda: viewer, sock=sock)
            await asyncio.wait_for(viewer.ready, 60)
        viewers.append(viewer)

    await asyncio.gather(*(one(i) for i in range(count)))
    return viewers


@dataclass
class Result:
    name: str
    viewers: int
    messages: int
    expected: int
    delivered: int
    cpu: float
    wall: float
    latencies: list[float]
    order_errors: int
    kib_per_viewer: float
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        ordered = sorted(self.latencies) or [0.0]
        p = lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000  # noqa: E731
        rate = self.delivered / self.cpu if self.cpu else 0.0
        return [
            f"[{self.name}] viewers={self.viewers} messages={self.messages}",
            f"  delivered {self.delivered:,} of {self.expected:,} in {self.wall:.1f}s wall; "
            f"seq order errors: {self.order_errors}",
            f"  server CPU {self.cpu:.2f}s → {rate:,.0f} deliveries per CPU-second",
            f"  latency p50={p(0.5):.0f}ms p99={p(0.99):.0f}ms max={ordered[-1] * 1000:.0f}ms",
            f"  memory {self.kib_per_viewer:.1f} KiB per idle viewer (server RSS growth / viewers)",
            *[f"  {note}" for note in self.notes],
        ]

    def p99(self) -> float:
        ordered = sorted(self.latencies) or [0.0]
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


class Studio:
    """One or more ``studio serve`` processes on one store (and one Redis when several)."""

    def __init__(self, tmp: Path, processes: int) -> None:
        self.tmp = tmp
        self.ports = [free_port() for _ in range(processes)]
        self.redis: subprocess.Popen[bytes] | None = None
        self.env = {**os.environ, "STUDIO_DB": str(tmp / "bench.db"), "STUDIO_RATE_LIMITS": "false",
                    "STUDIO_MAX_CONNECTIONS_PER_ADDRESS": "0", "STUDIO_LOG_LEVEL": "warning"}
        if processes > 1:
            redis_port = free_port()
            self.redis = subprocess.Popen(
                [*pinned(1), shutil.which("redis-server") or "redis-server", "--port", str(redis_port),
                 "--save", "", "--appendonly", "no", "--dir", str(tmp), "--loglevel", "warning"],
                stdout=subprocess.DEVNULL)
            self.env["STUDIO_BROADCAST"] = f"redis://127.0.0.1:{redis_port}/0"
        subprocess.run([sys.executable, "-m", "studio", "create-user", "admin", "--role", "admin"],
                       input=PASSWORD + "\n", text=True, env=self.env, check=True, capture_output=True)
        self.processes = [self.start(port) for port in self.ports]

    def start(self, port: int) -> subprocess.Popen[bytes]:
        """One ``studio serve`` process on ``port`` (also to restart one that was stopped)."""
        return subprocess.Popen([*pinned(0), sys.executable, "-m", "studio", "serve", "--port", str(port)],
                                env=self.env, cwd=ROOT)

    def stop(self) -> None:
        for process in [*self.processes, *([self.redis] if self.redis else [])]:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_http(base: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                await http.get(base + "/healthz")
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


async def open_event(http: httpx.AsyncClient, slug: str, title: str, moderators: list[str] | None = None) -> dict[str, str]:
    """Sign in as the admin, create a live event ``slug``; the CSRF header for further writes."""
    login = (await http.post("/api/login", json={"username": "admin", "password": PASSWORD})).json()
    headers = {"X-CSRF-Token": login["csrf_token"]}
    await http.post("/api/events", headers=headers, json={
        "slug": slug, "title": title, "starts_at": "2026-01-01T10:00:00+08:00",
        "ends_at": "2026-01-01T12:00:00+08:00", "guests": [], "moderators": moderators or []})
    await http.post(f"/api/events/{slug}/open", headers=headers)
    return headers


async def post(http: httpx.AsyncClient, path: str, **kwargs: Any) -> httpx.Response:
    """POST, retried once when a kept-alive connection was closed by the server meanwhile."""
    try:
        return await http.post(path, **kwargs)
    except (httpx.ReadError, httpx.RemoteProtocolError):
        return await http.post(path, **kwargs)


async def run_studio(name: str, processes: int, viewers: int, messages: int, interval: float,
                     stuck_share: float = 0.0) -> Result:
    tmp = Path(tempfile.mkdtemp())
    servers = Studio(tmp, processes)
    base = f"http://127.0.0.1:{servers.ports[0]}"
    try:
        for port in servers.ports:
            await wait_http(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            login = (await http.post("/api/login", json={"username": "admin", "password": PASSWORD})).json()
            headers = {"X-CSRF-Token": login["csrf_token"]}
            await http.post("/api/staff", headers=headers,
                            json={"username": "mod", "password": PASSWORD, "role": "moderator"})
            await http.post("/api/events", headers=headers, json={
                "slug": "bench", "title": "压测", "starts_at": "2026-01-01T10:00:00+08:00",
                "ends_at": "2026-01-01T12:00:00+08:00", "guests": [], "moderators": ["mod"]})
            await http.post("/api/events/bench/open", headers=headers)
            pids = [p.pid for p in servers.processes]
            rss_before = sum(rss_kib(pid) for pid in pids)
            tally = Tally()
            stuck_every = round(1 / stuck_share) if stuck_share else 0
            opened = await open_viewers(servers.ports, "/ws/events/bench", viewers, tally,
                                        stuck_every=stuck_every)
            await asyncio.sleep(3)  # idle: stats settle
            rss_idle = sum(rss_kib(pid) for pid in pids)
            stuck = [v for v in opened if v.stuck]
            readers = len(opened) - len(stuck)
            cpu_before = sum(cpu_seconds(pid) for pid in pids)
            started = time.perf_counter()
            for number in range(messages):
                tally.sent_at[number] = time.perf_counter()
                answer = await post(http, "/api/events/bench/messages", headers=headers,
                                    json={"text": f"B{number}|{PAD}"})
                tally.post_rtt.append(time.perf_counter() - tally.sent_at[number])
                answer.raise_for_status()
                await asyncio.sleep(interval)
            deadline = time.monotonic() + 120
            while tally.received < readers * messages and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            wall = time.perf_counter() - started
            cpu = sum(cpu_seconds(pid) for pid in pids) - cpu_before
            notes = []
            if os.environ.get("FANOUT_DEBUG"):
                print("post round trips ms:", [round(x * 1000) for x in tally.post_rtt])
            if stuck:
                for viewer in stuck:
                    assert viewer.transport is not None
                    viewer.transport.resume_reading()
                closed = await asyncio.wait([v.closed for v in stuck], timeout=10)
                codes = Counter(str(v.closed.result()) for v in stuck if v.closed.done())
                bytes_seen = max(v.bytes for v in stuck)
                notes.append(f"stuck viewers: {len(stuck)}, disconnected by the server: {len(closed[0])} "
                             f"(close codes: {dict(codes)}, None = reset); "
                             f"most bytes any of them had received: {bytes_seen / 1024:.0f} KiB")
            for viewer in opened:
                if viewer.transport is not None:
                    viewer.transport.abort()
    finally:
        servers.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return Result(name, viewers, messages, readers * messages, tally.received, cpu, wall,
                  tally.latencies, tally.order_errors, (rss_idle - rss_before) / viewers, notes)


async def run_socketio(viewers: int, messages: int, interval: float) -> Result:
    port = free_port()
    process = subprocess.Popen([*pinned(0), sys.executable,  # noqa: ASYNC220
                                str(ROOT / "bench" / "socketio_server.py"), str(port)], cwd=ROOT)
    try:
        await wait_http(f"http://127.0.0.1:{port}")
        rss_before = rss_kib(process.pid)
        tally = Tally()
        opened = await open_viewers([port], "/socket.io/?EIO=4&transport=websocket", viewers, tally,
                                    socketio=True)
        await asyncio.sleep(3)
        rss_idle = rss_kib(process.pid)
        cpu_before = cpu_seconds(process.pid)
        started = time.perf_counter()
        async with httpx.AsyncClient(timeout=300) as http:
            for number in range(messages):
                tally.sent_at[number] = time.perf_counter()
                frame = {"type": "host.message", "seq": number + 1,
                         "message": {"id": number, "text": f"B{number}|{PAD}", "at": "2026-01-01T10:00:00+08:00"}}
                await http.post(f"http://127.0.0.1:{port}/emit", content=json.dumps(frame, ensure_ascii=False))
                await asyncio.sleep(interval)
        deadline = time.monotonic() + 300
        while tally.received < viewers * messages and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        wall = time.perf_counter() - started
        cpu = cpu_seconds(process.pid) - cpu_before
        for viewer in opened:
            if viewer.transport is not None:
                viewer.transport.abort()
    finally:
        process.kill()
        process.wait(20)
    return Result("python-socketio", viewers, messages, viewers * messages, tally.received, cpu, wall,
                  tally.latencies, 0, (rss_idle - rss_before) / viewers)


async def run_votes(viewers: int) -> list[str]:
    """Every viewer sends one +1 for the same question at once: how fast they are taken and counted."""
    tmp = Path(tempfile.mkdtemp())
    servers = Studio(tmp, 1)
    base = f"http://127.0.0.1:{servers.ports[0]}"
    pid = servers.processes[0].pid
    try:
        await wait_http(base)
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            headers = await open_event(http, "bench", "压测")
            asked = (await http.post("/api/events/bench/questions",
                                     json={"text": "同问压测", "client_key": "00000000-0000-4000-8000-000000000001"})).json()
            queue = (await http.get("/api/events/bench/queue")).json()
            version = next(q["version"] for q in queue if q["id"] == asked["question_id"])
            (await http.post(f"/api/questions/{asked['question_id']}/approve", headers=headers,
                             json={"version": version})).raise_for_status()
            tally = Tally()
            opened = await open_viewers(servers.ports, "/ws/events/bench", viewers, tally)
            await asyncio.sleep(3)
            frame = client_text(json.dumps({"type": "vote", "question": asked["question_id"]}))
            cpu_before = cpu_seconds(pid)
            started = time.perf_counter()
            for viewer in opened:
                assert viewer.transport is not None
                viewer.transport.write(frame)
            accepted = counted = 0.0
            deadline = time.monotonic() + 120
            while (not accepted or not counted) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
                now = time.perf_counter() - started
                if not accepted and tally.vote_ok >= viewers:
                    accepted = now
                if not counted and tally.vote_count >= viewers:
                    counted = now
            cpu = cpu_seconds(pid) - cpu_before
            for viewer in opened:
                if viewer.transport is not None:
                    viewer.transport.abort()
    finally:
        servers.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return [f"[votes] {viewers} viewers each send one +1 for the same question at once",
            f"  vote.ok to all after {accepted:.2f}s; stored count reached {tally.vote_count} after "
            f"{counted:.2f}s (flush interval 1s); server CPU {cpu:.2f}s "
            f"→ {viewers / max(cpu, 1e-9):,.0f} +1s per CPU-second (including the votes frames' fan-out)"]


async def main_async(args: argparse.Namespace) -> None:
    results: dict[str, Result] = {}
    for scenario in args.scenarios:
        if scenario == "single":
            result = await run_studio("studio, 1 process", 1, args.viewers, args.messages, args.interval)
        elif scenario == "stuck":
            result = await run_studio("studio, 1 process, 1% stuck viewers", 1, args.viewers,
                                      args.messages, args.interval, stuck_share=0.01)
        elif scenario == "redis3":
            result = await run_studio("studio, 3 processes + Redis", 3, args.viewers, args.messages,
                                      args.interval)
        elif scenario == "votes":
            print("\n".join(await run_votes(args.viewers)), flush=True)
            continue
        elif scenario == "socketio":
            result = await run_socketio(args.socketio_viewers or args.viewers, args.socketio_messages,
                                        args.interval)
        else:
            raise SystemExit(f"unknown scenario {scenario}")
        results[scenario] = result
        print("\n".join(result.lines()), flush=True)
    if "single" in results and "socketio" in results:
        ours, theirs = results["single"], results["socketio"]
        ratio = (ours.delivered / ours.cpu) / max(1e-9, theirs.delivered / theirs.cpu)
        print(f"studio / python-socketio deliveries per CPU-second: {ratio:.1f}×")
    if "single" in results and "stuck" in results:
        change = results["stuck"].p99() / max(1e-9, results["single"].p99()) - 1
        print(f"p99 with 1% stuck viewers vs clean: {change:+.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", default=["single", "stuck", "socketio"])
    parser.add_argument("--viewers", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--socketio-messages", type=int, default=10)
    parser.add_argument("--socketio-viewers", type=int, default=0, help="default: --viewers")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between messages")
    args = parser.parse_args()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1})
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
