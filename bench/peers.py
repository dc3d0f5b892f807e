"""The studio against its peers: join storm, idle and steady state, in one run.

Servers, each started as its users would start it, pinned to core 0 (``taskset``):

  studio           ``studio serve`` (one process, the whole app: store, snapshot, ``seq``,
                   the slow-client policy); host messages posted through the HTTP API
  node-ws          ``bench/node_ws_server.js``: Node.js ``ws``, a plain broadcast loop
  node-socketio    ``bench/node_socketio_server.js``: Node.js socket.io, one room
  python-socketio  ``bench/socketio_server.py``: python-socketio (ASGI) on uvicorn, one room

The Node packages are installed by this script (``npm install`` into the
ignored ``bench/node_modules``); python-socketio comes with the project's
``bench`` extra. The load is this process, pinned to core 1: one asyncio loop
holding every viewer as a bare WebSocket protocol (``bench/fanout.py``'s
viewer). Every message is a ≈300-byte frame; its latency is the time from
asking the server to send it (the POST) to its arrival at a viewer. The POSTs
go out from the watchers' process (below), which holds only the viewers already
watching: sent from this one, busy with a thousand handshakes, they would leave
late and the latency would be the load generator's.

For every server and every ``--viewers`` size, three phases on one server process:

  storm   ``--watchers`` viewers are watching; then the rest connect at once (up to ``--gate``
          handshakes in flight) while a message goes out every ``--interval`` seconds. The
          storm's messages are those sent from its start until 5 s after the last viewer got
          its first frame (at least 5 s); a delivery counts when the viewer had its first frame
          before the message was sent (a viewer already watching). Also: how long the joins took
          and the wait from a viewer's connect to its first frame (snapshot).
  idle    ``--settle`` s after the storm, the server's CPU over ``--idle`` s of silence, as a
          share of one core per 10,000 viewers, and memory per viewer (RSS growth / viewers).
  steady  ``--messages`` messages ``--interval`` s apart: deliveries per server CPU-second
          (CPU read from ``/proc`` around the phase), latency p50/p99, every delivery checked.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/peers.py --viewers 5000 10000

Targets: storm p99 < 250 ms; idle < 2 % of a core per 10,000 viewers; steady deliveries per
server CPU-second at or above node-ws's in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fanout import (
    MARK,
    PAD,
    Studio,
    Tally,
    Viewer,
    client_text,
    open_event,
    pinned,
    post,
    wait_http,
)
from procstat import cpu_seconds, free_port, rss_kib

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SERVERS = ["studio", "node-ws", "node-socketio", "python-socketio"]
STORM_TAIL = 5.0
PER_MESSAGE = False
"""``--per-message``: print each message's slowest delivery to the watchers."""


class PeerViewer(Viewer):
    """A viewer that counts a delivery only for messages sent after its own first frame.

    In the watchers' process (``arrivals`` set) it only notes each message's arrival time.
    """

    arrivals: list[tuple[int, float]] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connect_at = time.perf_counter()
        self.ready_at = 0.0

    def ready_now(self) -> None:
        if not self.ready.done():
            self.ready_at = time.perf_counter()
            self.ready.set_result(None)

    def arrived(self, payload: bytes) -> None:
        mark = payload.find(MARK)
        if mark < 0:
            return
        number = int(payload[mark + len(MARK):payload.index(b"|", mark)])
        if self.arrivals is not None:
            self.arrivals.append((number, time.perf_counter()))
            return
        now = time.perf_counter()
        sent = self.tally.sent_at.get(number)
        if sent is None:  # here before the watchers' process said when it was sent
            EARLY.append((self.tally, number, now, self.ready_at))
        elif sent >= self.ready_at:
            self.tally.latencies.append(now - sent)
            self.tally.received += 1


    def frame(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None
        if opcode != 0x1 or self.socketio:
            super().frame(opcode, payload)
            return
        at = payload.find(b'"seq":')
        if not self.ready.done():
            self.ready_now()
            self.last_seq = int(payload[at + 6:].split(b",", 1)[0].split(b"}", 1)[0])
            return
        if at < 0:
            return
        seq = int(payload[at + 6:at + 20].split(b",", 1)[0].split(b"}", 1)[0])
        if self.last_seq is not None and seq != self.last_seq + 1:
            self.tally.order_errors += 1
        self.last_seq = seq
        self.arrived(payload)

    def socketio_frame(self, payload: bytes) -> None:
        assert self.transport is not None
        if payload[:1] == b"0":
            self.transport.write(client_text("40"))
        elif payload[:2] == b"40":
            self.ready_now()
        elif payload == b"2":
            self.transport.write(client_text("3"))
        elif payload[:2] == b"42":
            self.arrived(payload)


EARLY: list[tuple[Tally, int, float, float]] = []
"""Arrivals of messages whose send time was not known yet: (tally, number, arrival, viewer ready)."""


def count_early() -> None:
    """Count the arrivals that came before their message's send time was known."""
    waiting = []
    for tally, number, at, ready_at in EARLY:
        sent = tally.sent_at.get(number)
        if sent is None:
            waiting.append((tally, number, at, ready_at))
        elif sent >= ready_at:
            tally.latencies.append(at - sent)
            tally.received += 1
    EARLY[:] = waiting


@dataclass
class Server:
    """One peer server process and how to make it send a message."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    path: str
    socketio: bool = False
    http: httpx.AsyncClient | None = None
    headers: dict[str, str] = field(default_factory=dict)
    studio: Studio | None = None
    tmp: Path | None = None

    @property
    def pid(self) -> int:
        return self.process.pid

    def message(self, number: int) -> dict[str, Any]:
        """The HTTP request that makes the server send message ``number`` (path, headers, body)."""
        text = f"B{number}|{PAD}"
        if self.studio is not None:
            assert self.http is not None
            cookie = "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())
            return {"path": "/api/events/bench/messages", "headers": {**self.headers, "cookie": cookie},
                    "json": {"text": text}}
        frame = {"type": "host.message", "message": {"id": number, "text": text,
                                                     "at": "2026-01-01T10:00:00+08:00"}}
        return {"path": "/emit", "headers": {}, "content": json.dumps(frame, ensure_ascii=False)}

    async def stop(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        if self.studio is not None:
            self.studio.stop()
        else:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)


async def start(name: str) -> Server:
    """Start one peer on core 0 and wait until it answers."""
    if name == "studio":
        tmp = Path(tempfile.mkdtemp())
        studio = Studio(tmp, 1)
        port = studio.ports[0]
        server = Server(name, port, studio.processes[0], "/ws/events/bench", studio=studio, tmp=tmp)
    else:
        port = free_port()
        command = {
            "node-ws": ["node", str(BENCH / "node_ws_server.js"), str(port)],
            "node-socketio": ["node", str(BENCH / "node_socketio_server.js"), str(port)],
            "python-socketio": [sys.executable, str(BENCH / "socketio_server.py"), str(port)],
        }[name]
        process = subprocess.Popen([*pinned(0), *command], cwd=ROOT)  # noqa: ASYNC220
        server = Server(name, port, process, "/socket.io/?EIO=4&transport=websocket"
                        if "socketio" in name else "/", socketio="socketio" in name)
    base = f"http://127.0.0.1:{port}"
    await wait_http(base)
    server.http = httpx.AsyncClient(base_url=base, timeout=120)
    if server.studio is not None:
        server.headers = await open_event(server.http, "bench", "压测")
    return server


async def connect(server: Server, count: int, tally: Tally, gate: int,
                  viewers: list[PeerViewer]) -> None:
    """Open ``count`` viewers, at most ``gate`` handshakes in flight; each is added once it is ready."""
    loop = asyncio.get_running_loop()
    limit = asyncio.Semaphore(gate)
    failed: list[PeerViewer] = []

    async def one() -> None:
        async with limit:
            viewer = PeerViewer(f"127.0.0.1:{server.port}", server.path, tally, socketio=server.socketio)
            sock = socket.socket()
            sock.setblocking(False)
            try:
                await loop.sock_connect(sock, ("127.0.0.1", server.port))
                await loop.create_connection(lambda: viewer, sock=sock)
                await asyncio.wait_for(viewer.ready, 120)
            except (TimeoutError, OSError):  # ConnectionError is an OSError
                failed.append(viewer)
                if viewer.transport is not None:
                    viewer.transport.abort()
                sock.close()
                return
        viewers.append(viewer)

    await asyncio.gather(*(one() for _ in range(count)))
    if failed:
        raise NotServed(f"{len(failed):,} of {count:,} viewers got no first frame within 120 s")


class NotServed(Exception):
    """Some viewers could not join: the server is reported as failing the storm."""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def wait_for(tally: Tally, expected: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while tally.received < expected and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)


@dataclass
class Figures:
    """One server at one size: what each phase measured."""

    server: str
    viewers: int
    lines: list[str] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)


class Watchers:
    """The viewers already watching, in a process of their own on core 1 (``--watch``), so the
    storm's handshakes in this process do not delay their reading; arrival times are
    ``time.perf_counter()`` (the system's monotonic clock, the same in both processes)."""

    def __init__(self, server: Server, count: int) -> None:
        self.count = count
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--watch", str(server.port), server.path, str(count),
             "socketio" if server.socketio else "plain"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=BENCH)

    async def ask(self, command: str) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return await asyncio.to_thread(self.process.stdout.readline)

    async def ready(self) -> None:
        line = await self.ask("ready")
        if line.strip() != "ready":
            raise RuntimeError(f"the watchers did not connect: {line!r}")

    async def emit(self, request: dict[str, Any]) -> float:
        """Have the watchers' process send a message (see :func:`watch`); the time it was sent."""
        answer = json.loads(await self.ask("emit " + json.dumps(request, ensure_ascii=False)))
        if "error" in answer:
            raise RuntimeError(f"the server refused a message: {answer['error']}")
        return float(answer["sent"])

    async def report(self, sent_at: dict[int, float]) -> tuple[list[float], int]:
        """The latencies of every delivery since the last report, and the order errors seen."""
        answer = json.loads(await self.ask("report"))
        if PER_MESSAGE:
            worst: dict[int, float] = {}
            for number, at in answer["arrivals"]:
                worst[number] = max(worst.get(number, 0.0), at - sent_at[number])
            print("  worst per message (ms):", {n: round(v * 1000) for n, v in sorted(worst.items())})
        return [at - sent_at[number] for number, at in answer["arrivals"]], answer["order_errors"]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


async def watch(port: int, path: str, count: int, socketio: bool) -> None:
    """The watchers' process: connect, then answer ``ready`` / ``emit REQUEST`` / ``report`` on stdin.

    The messages are sent from here, not from the process holding the joining crowd: that one's
    loop is busy with a thousand handshakes, so a request it sent would leave late and its
    latency would be the load generator's. Sent and arrival times are both read here.
    """
    PeerViewer.arrivals = []
    tally = Tally()
    viewers: list[PeerViewer] = []
    server = Server("", port, None, path, socketio=socketio)  # type: ignore[arg-type]
    await connect(server, count, tally, 50, viewers)
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
        while line := (await reader.readline()).decode().strip():
            if line == "ready":
                print("ready", flush=True)
            elif line.startswith("emit "):
                request = json.loads(line[5:])
                sent = time.perf_counter()
                answer = await post(http, request.pop("path"), **request)
                reply = {"sent": sent} if answer.is_success else {"error": answer.text[:200]}
                print(json.dumps(reply), flush=True)
            elif line == "report":
                arrivals, PeerViewer.arrivals = PeerViewer.arrivals, []
                print(json.dumps({"arrivals": arrivals, "order_errors": tally.order_errors}), flush=True)


class Profile:
    """``py-spy record`` of the server during one phase (``--py-spy PREFIX``: PREFIX-server-size-phase.txt,
    py-spy's raw collapsed stacks), stopped with SIGINT so it writes its file."""

    def __init__(self, prefix: str | None, server: Server, size: int, phase: str) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        if prefix:
            spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            self.process = subprocess.Popen(
                [spy, "record", "-p", str(server.pid), "-r", "250", "-f", "raw",
                 "-o", f"{prefix}-{server.name}-{size}-{phase}.txt"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(30)


async def run_one(name: str, size: int, args: argparse.Namespace) -> Figures:
    """Storm, idle and steady on one fresh server process with ``size`` viewers."""
    figures = Figures(name, size)
    server = await start(name)
    viewers: list[PeerViewer] = []
    watchers: Watchers | None = None
    number = 0
    try:
        rss_before = rss_kib(server.pid)
        watchers = Watchers(server, args.watchers)
        await watchers.ready()
        await asyncio.sleep(1)
        storm = Tally()
        profile = Profile(args.py_spy, server, size, "storm")
        cpu_before = cpu_seconds(server.pid)
        started = time.perf_counter()
        joining = asyncio.create_task(connect(server, size - args.watchers, storm, args.gate, viewers))
        sent_storm = 0
        joined_after: float | None = None
        while True:
            now = time.perf_counter()
            if joined_after is None and joining.done():
                joining.result()
                joined_after = now - started
            if now - started >= max(STORM_TAIL, (joined_after or 1e9) + STORM_TAIL):
                break
            storm.sent_at[number] = await watchers.emit(server.message(number))
            count_early()
            number += 1
            sent_storm += 1
            await asyncio.sleep(args.interval)
        await asyncio.sleep(2)
        storm_cpu = cpu_seconds(server.pid) - cpu_before
        profile.stop()
        watched, _ = await watchers.report(storm.sent_at)  # order errors: counted at the end
        waits = [v.ready_at - v.connect_at for v in viewers]
        deliveries = storm.received + len(watched)
        figures.values.update(storm_p99=percentile(watched, 0.99), join_p99=percentile(storm.latencies, 0.99),
                              storm_rate=deliveries / max(storm_cpu, 1e-9))
        figures.lines.append(
            f"  storm: {size - args.watchers:,} joined in {joined_after:.1f}s while {args.watchers} watched; "
            f"{sent_storm} messages; the watchers' {len(watched):,} deliveries p50 "
            f"{percentile(watched, 0.5):.0f} / p99 {percentile(watched, 0.99):.0f} / max "
            f"{percentile(watched, 1.0):.0f} ms; the joiners' {storm.received:,} (sent after their first "
            f"frame) p50 {percentile(storm.latencies, 0.5):.0f} / p99 {percentile(storm.latencies, 0.99):.0f} ms; "
            f"first frame after connect p50 {percentile(waits, 0.5):.0f} / p99 {percentile(waits, 0.99):.0f} ms; "
            f"server CPU {storm_cpu:.2f}s ({figures.values['storm_rate']:,.0f} deliveries per CPU-s, joins included)")

        await asyncio.sleep(args.settle)
        rss_idle = rss_kib(server.pid)
        bytes_before = sum(v.bytes for v in viewers)
        cpu_before = cpu_seconds(server.pid)
        await asyncio.sleep(args.idle)
        idle_cpu = cpu_seconds(server.pid) - cpu_before
        idle_bytes = sum(v.bytes for v in viewers) - bytes_before
        share = idle_cpu / args.idle * 10_000 / size
        figures.values.update(idle=share, kib=(rss_idle - rss_before) / size)
        figures.lines.append(
            f"  idle: {idle_cpu:.2f}s CPU in {args.idle:.0f}s = {share:.2%} of a core per 10,000 viewers; "
            f"{idle_bytes:,} bytes to the joiners meanwhile; "
            f"{figures.values['kib']:.1f} KiB per viewer (RSS growth)")

        steady = Tally()
        for viewer in viewers:
            viewer.tally = steady
        profile = Profile(args.py_spy, server, size, "steady")
        cpu_before = cpu_seconds(server.pid)
        for _ in range(args.messages):
            steady.sent_at[number] = await watchers.emit(server.message(number))
            count_early()
            number += 1
            await asyncio.sleep(args.interval)
        await wait_for(steady, len(viewers) * args.messages, 120)
        await asyncio.sleep(1)
        steady_cpu = cpu_seconds(server.pid) - cpu_before
        profile.stop()
        watched, more_errors = await watchers.report(steady.sent_at)
        latencies = steady.latencies + watched
        delivered = steady.received + len(watched)
        rate = delivered / max(steady_cpu, 1e-9)
        figures.values.update(steady_rate=rate, steady_p99=percentile(latencies, 0.99))
        errors = storm.order_errors + steady.order_errors + more_errors
        figures.lines.append(
            f"  steady: {args.messages} messages, {delivered:,} of {size * args.messages:,} delivered, "
            f"seq errors {errors}; server CPU {steady_cpu:.2f}s → {rate:,.0f} deliveries per CPU-s; "
            f"p50 {percentile(latencies, 0.5):.0f} / p99 {percentile(latencies, 0.99):.0f} ms")
    finally:
        for viewer in viewers:
            if viewer.transport is not None:
                viewer.transport.abort()
        if watchers is not None:
            watchers.stop()
        await server.stop()
    return figures


def install_node() -> None:
    """``npm install`` the Node peers' packages into bench/node_modules (ignored by git)."""
    if (BENCH / "node_modules" / "socket.io").exists() and (BENCH / "node_modules" / "ws").exists():
        return
    subprocess.run(["npm", "install", "--prefix", str(BENCH), "--no-audit", "--no-fund",
                    "--no-package-lock"], check=True)


async def main_async(args: argparse.Namespace) -> None:
    results: list[Figures] = []
    for size in args.viewers:
        for name in args.servers:
            print(f"[{name}] {size:,} viewers", flush=True)
            try:
                figures = await run_one(name, size, args)
            except NotServed as exc:
                print(f"  not served: {exc}", flush=True)
                continue
            print("\n".join(figures.lines), flush=True)
            results.append(figures)
    print("\nsummary (same run; compare rows of one size only)")
    print("| server | viewers | storm p99 ms (watchers) | joiners' p99 ms | storm /CPU-s | idle % core per 10k | KiB/viewer "
          "| steady /CPU-s | steady p99 ms |")
    for f in results:
        v = f.values
        print(f"| {f.server} | {f.viewers:,} | {v['storm_p99']:.0f} | {v['join_p99']:.0f} | {v['storm_rate']:,.0f} | "
              f"{v['idle']:.2%} | {v['kib']:.1f} | {v['steady_rate']:,.0f} | {v['steady_p99']:.0f} |")
    for size in args.viewers:
        rows = {f.server: f.values for f in results if f.viewers == size}
        if "studio" in rows and "node-ws" in rows:
            ratio = rows["studio"]["steady_rate"] / max(1e-9, rows["node-ws"]["steady_rate"])
            print(f"{size:,} viewers: studio / node-ws steady deliveries per CPU-second {ratio:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, nargs="+", default=[5_000, 10_000])
    parser.add_argument("--servers", nargs="+", default=SERVERS, choices=SERVERS)
    parser.add_argument("--watchers", type=int, default=200, help="viewers watching before the storm")
    parser.add_argument("--gate", type=int, default=1000, help="handshakes in flight during the storm")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between messages")
    parser.add_argument("--messages", type=int, default=20, help="messages in the steady phase")
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of silence measured")
    parser.add_argument("--py-spy", metavar="PREFIX", help="record each server's storm and steady phases "
                        "with py-spy into PREFIX-SERVER-SIZE-PHASE.txt (profiling costs the server CPU)")
    parser.add_argument("--per-message", action="store_true",
                        help="print each message's slowest delivery to the watchers")
    parser.add_argument("--watch", nargs=4, help=argparse.SUPPRESS)  # PORT PATH COUNT socketio|plain
    args = parser.parse_args()
    global PER_MESSAGE
    PER_MESSAGE = args.per_message
    if args.watch:
        port, path, count, kind = args.watch
        asyncio.run(watch(int(port), path, int(count), kind == "socketio"))
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(args.viewers) * 2 + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))  # inherited by the servers
    if any(name.startswith("node") for name in args.servers):
        install_node()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1})
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
