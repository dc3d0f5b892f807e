"""A process killed under its viewers (the reconnect storm) and 50,000 viewers over Redis.

storm  Two or more ``studio serve`` processes on one store and one redis-server
       (``fanout.Studio``) hold ``--viewers`` between them, spread evenly; the
       bench posts a host message every ``--interval`` seconds all along. After
       ``--before`` seconds the last process is killed (SIGKILL) and started again
       on its port ``--down`` seconds later. Each of its viewers reconnects with
       ``since=<last seq>`` to a process chosen at random (a survivor, or the
       restarted one once it listens), with the retry policy of ``static/live.js``
       mirrored below (first retry anywhere in 0.25-3 s after a drop, later ones
       half to all of 2, 4, 8, 15, 30 s; 0.2-2 s after a 4000 close; the attempt
       count starts again once resumed). A viewer has resumed when its
       handshake is answered (it subscribed first: every later frame reaches it).
       Reported: time from the kill until every dropped viewer has resumed, the
       distribution of reconnect times (drop to handshake answered), and the
       host messages' latency at the viewers that never disconnected, before,
       during (kill until all resumed) and after the storm. At the end every
       viewer must hold the store's last ``seq`` with no frame out of order,
       missing or repeated.

crowd  ``studio serve --workers W`` and ``studio edge --workers W`` on one
       redis-server; ``--viewers`` split evenly between the two ports, held by
       ``--loaders`` load processes, each connecting from its own loopback
       address (127.0.0.2, .3, ...: each has its own ephemeral ports) with the
       descriptor limit raised to its hard limit here, not in the product. One
       host message every ``--interval`` s; latency from the POST to the
       arrival; CPU per delivery for each server process (``/proc``, message
       phase only); every viewer must end at the last ``seq`` with none out of order.

    .venv/bin/python bench/reconnect.py storm --viewers 10000 --processes 2
    .venv/bin/python bench/reconnect.py crowd --viewers 50000 --workers 3 --loaders 4
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from fanout import (
    PAD,
    ROOT,
    Studio,
    Tally,
    Viewer,
    open_event,
    open_viewers,
    pinned,
    post,
    wait_http,
)
from procstat import cpu_seconds, rss_kib

# static/live.js's retry policy, mirrored: keep these equal to FIRST_RETRY and BACKOFF there.
FIRST_RETRY = (0.25, 3.0)
BACKOFF = (2.0, 4.0, 8.0, 15.0, 30.0)
RESUME_RETRY = (0.2, 2.0)  # after a 4000 ("resume") close
PATH = "/ws/events/bench"


def raise_descriptor_limit() -> int:
    """This process may open as many descriptors as its hard limit allows (children inherit it)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def quantiles(values: list[float]) -> str:
    """p50 / p90 / p99 / max in milliseconds."""
    if not values:
        return "none"
    ordered = sorted(values)
    at = lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000  # noqa: E731
    return f"p50 {at(0.5):,.0f} / p90 {at(0.9):,.0f} / p99 {at(0.99):,.0f} / max {ordered[-1] * 1000:,.0f} ms"


class Resuming(Viewer):
    """A viewer that may come back with ``since=``: then it is ready at the handshake's answer."""

    def __init__(self, host: str, path: str, tally: Tally, last_seq: int | None = None, **_: Any) -> None:
        super().__init__(host, path + (f"?since={last_seq}" if last_seq is not None else ""), tally)
        self.host = host
        self.last_seq = last_seq

    def upgraded_now(self) -> None:
        if self.last_seq is not None and not self.ready.done():
            self.ready.set_result(None)


class Member:
    """One person in the audience across connections: drops, retries as live.js does, resumes."""

    def __init__(self, viewer: Resuming) -> None:
        self.viewer = viewer
        self.drops = 0

    async def watch(self, storm: Storm) -> None:
        while True:
            code = await self.viewer.closed
            if storm.over:
                return
            dropped = time.perf_counter()
            self.drops += 1
            attempt = 0
            delay = random.uniform(*(RESUME_RETRY if code == 4000 else FIRST_RETRY))
            while True:
                await asyncio.sleep(delay)
                port = random.choice(storm.ports)
                viewer = Resuming(f"127.0.0.1:{port}", PATH, storm.moved, self.viewer.last_seq)
                try:
                    await asyncio.get_running_loop().create_connection(lambda v=viewer: v, "127.0.0.1", port)
                    await asyncio.wait_for(viewer.ready, 60)
                    break
                except (OSError, ConnectionError, TimeoutError) as error:
                    if viewer.transport is not None:
                        viewer.transport.abort()
                    reason = str(error).split("\r\n", 1)[0][:40] if isinstance(error, ConnectionError) else ""
                    storm.failed[f"{'restarted' if port == storm.ports[-1] else 'survivor'}: "
                                 f"{type(error).__name__} {reason}".strip()] += 1
                    attempt += 1
                    delay = BACKOFF[min(attempt - 1, len(BACKOFF) - 1)] * random.uniform(0.5, 1.0)
            self.viewer = viewer
            storm.resumed.append((time.perf_counter(), time.perf_counter() - dropped, port))


class Storm:
    """What the members and the host share."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.sent_at: dict[int, float] = {}
        self.phases = {name: Tally(sent_at=self.sent_at) for name in ("before", "during", "after")}
        self.moved = Tally(sent_at=self.sent_at)
        self.resumed: list[tuple[float, float, int]] = []
        self.failed: Counter[str] = Counter()
        self.over = False
        self.quiet = False


async def host(storm: Storm, http: httpx.AsyncClient, headers: dict[str, str], interval: float) -> None:
    """A host message every ``interval`` seconds until the storm is declared quiet."""
    number = 0
    while not storm.quiet:
        storm.sent_at[number] = time.perf_counter()
        (await post(http, "/api/events/bench/messages", headers=headers,
                    json={"text": f"B{number}|{PAD}"})).raise_for_status()
        number += 1
        await asyncio.sleep(interval)


async def head_seq(port: int) -> int:
    """The event's ``seq`` now, from a fresh viewer's snapshot."""
    [probe] = await open_viewers([port], PATH, 1, Tally())
    assert probe.transport is not None and probe.last_seq is not None
    probe.transport.abort()
    return probe.last_seq


async def converge(viewers: list[Viewer], head: int, seconds: float = 60) -> int:
    """Wait until every viewer holds ``head`` (or the time is up); how many do."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        at_head = sum(v.last_seq == head for v in viewers)
        if at_head == len(viewers):
            break
        await asyncio.sleep(0.2)
    return sum(v.last_seq == head for v in viewers)


async def run_storm(args: argparse.Namespace) -> list[str]:
    servers = Studio(Path(tempfile.mkdtemp()), args.processes)
    ports = servers.ports
    storm = Storm(ports)
    try:
        for port in ports:
            await wait_http(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}", timeout=60) as http:
            headers = await open_event(http, "bench", "重连压测")
            opened = await open_viewers(ports, PATH, args.viewers, storm.phases["before"], make=Resuming)
            members = [Member(v) for v in opened]  # type: ignore[arg-type]
            victim = len(ports) - 1
            on_victim = [m for m in members if m.viewer.host.endswith(f":{ports[victim]}")]
            watchers = [asyncio.create_task(m.watch(storm)) for m in members]
            await asyncio.sleep(3)
            talking = asyncio.create_task(host(storm, http, headers, args.interval))
            await asyncio.sleep(args.before)
            for member in members:
                member.viewer.tally = storm.phases["during"]
            killed = time.perf_counter()
            servers.processes[victim].send_signal(signal.SIGKILL)
            await asyncio.to_thread(servers.processes[victim].wait)
            await asyncio.sleep(args.down)
            servers.processes[victim] = servers.start(ports[victim])
            restarted = time.perf_counter() - killed
            deadline = time.monotonic() + 300
            while len(storm.resumed) < len(on_victim) and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            all_back = (max(at for at, _, _ in storm.resumed) - killed) if storm.resumed else float("nan")
            for member in members:
                if member.viewer.tally is storm.phases["during"]:
                    member.viewer.tally = storm.phases["after"]
            await asyncio.sleep(args.after)
            storm.quiet = True
            await talking
            head = await head_seq(ports[0])
            at_head = await converge([m.viewer for m in members], head)
            storm.over = True
            for member in members:
                if member.viewer.transport is not None:
                    member.viewer.transport.abort()
            await asyncio.gather(*watchers, return_exceptions=True)
    finally:
        servers.stop()
    stable = [m for m in members if m.drops == 0]
    dropped = [m for m in members if m.drops]
    tallies = [*storm.phases.values(), storm.moved]
    landed = defaultdict(int)
    for _, _, port in storm.resumed:
        landed["restarted" if port == ports[victim] else "survivors"] += 1
    seconds = [took for _, took, _ in storm.resumed]
    buckets = defaultdict(int)
    for took in seconds:
        buckets[min(int(took), 30)] += 1
    return [
        f"[storm] {args.viewers:,} viewers on {len(ports)} processes + Redis; process {victim + 1} "
        f"(holding {len(on_victim):,}) killed after {args.before:.0f}s of messages every {args.interval}s, "
        f"started again {restarted:.1f}s after the kill",
        f"  viewers that dropped {len(dropped):,} (dropped more than once {sum(m.drops > 1 for m in dropped)}); "
        f"resumed {len(storm.resumed):,} ({dict(landed)}), failed attempts on the way {storm.failed.total():,}",
        f"  failed attempts by process and cause: {dict(storm.failed)}",
        f"  every dropped viewer resumed {all_back:.1f}s after the kill",
        f"  reconnect time (drop to handshake answered): {quantiles(seconds)}; mean {statistics.fmean(seconds):.2f}s"
        if seconds else "  nobody resumed",
        "  resumed per second after the drop: " + ", ".join(f"{s}s:{buckets[s]}" for s in sorted(buckets)),
        f"  viewers never disconnected ({len(stable):,}), host message latency: "
        f"before {quantiles(storm.phases['before'].latencies)}",
        f"    during the storm {quantiles(storm.phases['during'].latencies)}",
        f"    after {quantiles(storm.phases['after'].latencies)}",
        f"  end: store seq {head}; viewers at it {at_head:,} of {len(members):,}; "
        f"frames out of order / repeated / missing {sum(t.order_errors for t in tallies)}",
    ]


class Crowd(Studio):
    """``studio serve --workers W`` on the first port, ``studio edge --workers W`` on the second."""

    workers = 3

    def start(self, port: int) -> subprocess.Popen[bytes]:
        command = "serve" if port == self.ports[0] else "edge"
        env = {**self.env, "STUDIO_SECRET_KEY": "bench-secret-key-0123456789abcdef"}
        return subprocess.Popen([*pinned(0), sys.executable, "-m", "studio", command, "--port", str(port),
                                 "--workers", str(self.workers)], env=env, cwd=ROOT)


ARRIVALS: dict[int, list[float]] = defaultdict(list)
"""In a load process: when each host message reached each of its viewers."""


class Counted(Viewer):
    """A load process's viewer: keeps each host message's arrival time, latency computed at the end."""

    def delivered(self, number: int) -> None:
        ARRIVALS[number].append(time.perf_counter())
        self.tally.received += 1


def loader(index: int, ports: list[int], count: int, pipe: Connection) -> None:
    """One load process: ``count`` viewers from 127.0.0.<index+2>; reports to the bench over ``pipe``."""
    raise_descriptor_limit()

    async def hold() -> None:
        tally = Tally()
        try:
            viewers = await open_viewers(ports, PATH, count, tally, source=f"127.0.0.{index + 2}", make=Counted,
                                         retry=RESUME_RETRY)
        except Exception as error:
            pipe.send(("failed", f"{type(error).__name__}: {error}"))
            return
        pipe.send(("ready", len(viewers), tally.retries))
        loop = asyncio.get_running_loop()
        sent_at, head = await loop.run_in_executor(None, pipe.recv)
        at_head = await converge(viewers, head)
        latencies = [at - sent_at[number] for number, times in ARRIVALS.items() for at in times]
        pipe.send(("done", at_head, tally.order_errors, tally.received, latencies))
        for viewer in viewers:
            if viewer.transport is not None:
                viewer.transport.abort()

    asyncio.run(hold())


async def run_crowd(args: argparse.Namespace) -> list[str]:
    Crowd.workers = args.workers
    servers = Crowd(Path(tempfile.mkdtemp()), 2)
    ports = servers.ports
    lines = [f"[crowd] {args.viewers:,} viewers: studio serve --workers {args.workers} and "
             f"studio edge --workers {args.workers} on Redis, {args.loaders} load processes"]
    pipes: list[Connection] = []
    loaders: list[multiprocessing.Process] = []
    try:
        for port in ports:
            await wait_http(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[0]}", timeout=60) as http:
            headers = await open_event(http, "bench", "五万人压测")
            await asyncio.sleep(2)  # the owner caches the snapshot in Redis for the edges
            started = time.perf_counter()
            share = [args.viewers // args.loaders + (i < args.viewers % args.loaders) for i in range(args.loaders)]
            for index, count in enumerate(share):
                ours, theirs = multiprocessing.Pipe()
                process = multiprocessing.Process(target=loader, args=(index, ports, count, theirs), daemon=True)
                process.start()
                pipes.append(ours)
                loaders.append(process)
            held = retries = 0
            for pipe in pipes:
                answer = await asyncio.to_thread(pipe.recv)
                if answer[0] == "failed":
                    lines.append(f"  a load process failed while connecting: {answer[1]}")
                else:
                    held, retries = held + answer[1], retries + answer[2]
            lines.append(f"  connected {held:,} viewers in {time.perf_counter() - started:.0f}s; joins closed "
                         f"with 4000 and retried (0.2-2 s later, as live.js) {retries:,}")
            if held < args.viewers:
                return lines
            pids = [pid for process in servers.processes for pid in [process.pid, *children(process.pid)]]
            await asyncio.sleep(3)
            rss = {pid: rss_kib(pid) for pid in pids}
            sockets = {pid: viewers_of(pid) for pid in pids}
            roles = {pid: role(pid) for pid in pids}
            cpu_before = {pid: cpu_seconds(pid) for pid in pids}
            sent_at: dict[int, float] = {}
            for number in range(args.messages):
                sent_at[number] = time.perf_counter()
                (await post(http, "/api/events/bench/messages", headers=headers,
                            json={"text": f"B{number}|{PAD}"})).raise_for_status()
                await asyncio.sleep(args.interval)
            head = await head_seq(ports[0])
            for pipe in pipes:
                pipe.send((sent_at, head))
            at_head = order_errors = received = 0
            latencies: list[float] = []
            for pipe in pipes:
                _, at, errors, got, measured = await asyncio.to_thread(pipe.recv)
                at_head, order_errors, received = at_head + at, order_errors + errors, received + got
                latencies += measured
            cpu = {pid: cpu_seconds(pid) - cpu_before[pid] for pid in pids}
    finally:
        for process in loaders:
            process.join(30)
            if process.is_alive():
                process.kill()
        servers.stop()
    lines += [
        f"  delivered {received:,} of {held * args.messages:,}; viewers at the last seq ({head}) {at_head:,}; "
        f"frames out of order {order_errors}",
        f"  latency {quantiles(latencies)}",
        f"  server CPU {sum(cpu.values()):.1f}s → {received / max(sum(cpu.values()), 1e-9):,.0f} deliveries "
        "per CPU-second overall",
    ]
    for pid, seconds in cpu.items():
        per = f", {seconds / (sockets[pid] * args.messages) * 1e6:.1f} µs per delivery" if sockets[pid] > 50 else ""
        lines.append(f"    {roles[pid]} (pid {pid}): CPU {seconds:.2f}s, RSS {rss[pid] / 1024:.0f} MiB, "
                     f"sockets {sockets[pid]:,}{per}")
    return lines


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (uvicorn's workers)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def role(pid: int) -> str:
    """``serve``/``edge`` and whether the process is uvicorn's supervisor, a worker or a helper."""
    words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    if b"serve" in words or b"edge" in words:
        return f"{'serve' if b'serve' in words else 'edge'} supervisor"
    parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    kind = "worker" if b"--multiprocessing-fork" in words or b"spawn_main" in b" ".join(words) else "helper"
    return f"{role(parent).split()[0]} {kind}"


def viewers_of(pid: int) -> int:
    """Established TCP sockets the process holds (its viewers, plus a few for Redis and the store)."""
    try:
        return sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir() if os.readlink(fd).startswith("socket:"))
    except OSError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["storm", "crowd"])
    parser.add_argument("--viewers", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2, help="storm: studio processes")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between host messages")
    parser.add_argument("--before", type=float, default=5.0, help="storm: seconds of messages before the kill")
    parser.add_argument("--down", type=float, default=2.0, help="storm: seconds the killed process stays down")
    parser.add_argument("--after", type=float, default=5.0, help="storm: seconds of messages after all resumed")
    parser.add_argument("--workers", type=int, default=3, help="crowd: workers of serve and of edge")
    parser.add_argument("--loaders", type=int, default=4, help="crowd: load processes")
    parser.add_argument("--messages", type=int, default=20, help="crowd: host messages")
    args = parser.parse_args()
    raise_descriptor_limit()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1})
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f}",
          flush=True)
    run = run_storm if args.scenario == "storm" else run_crowd
    print("\n".join(asyncio.run(run(args))), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f}",
          flush=True)


if __name__ == "__main__":
    main()
