"""Baseline of the audience feed: N viewers, M host messages, one server process.

Method: starts `studio serve` pinned to one core (taskset, when available),
opens N audience sockets from this process (pinned to another core), posts M
host messages through the HTTP API one after another, and measures for each
delivery the time from the POST being sent to the frame arriving at a viewer.
Server CPU time is read from /proc before and after the messages, so
"deliveries per server CPU-second" counts only the fan-out work.

    .venv/bin/python bench/live_feed.py --viewers 2000 --messages 50
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from procstat import cpu_seconds, free_port, rss_kib

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-1"




def start_server(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "STUDIO_DB": db, "STUDIO_RATE_LIMITS": "false",
           "STUDIO_MAX_CONNECTIONS_PER_ADDRESS": "0", "STUDIO_LOG_LEVEL": "warning"}
    subprocess.run([sys.executable, "-m", "studio", "create-user", "admin", "--role", "admin"],
                   input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True)
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    return subprocess.Popen([*pin, sys.executable, "-m", "studio", "serve", "--port", str(port)],
                            env=env, cwd=ROOT)


async def run(viewers: int, messages: int) -> None:
    tmp = tempfile.mkdtemp()
    port = free_port()
    server = start_server(str(Path(tmp) / "bench.db"), port)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(100):
                try:
                    await http.get("/healthz")
                    break
                except httpx.HTTPError:
                    await asyncio.sleep(0.1)
            login = (await http.post("/api/login", json={"username": "admin", "password": PASSWORD})).json()
            headers = {"X-CSRF-Token": login["csrf_token"]}
            await http.post("/api/staff", json={"username": "mod", "password": PASSWORD, "role": "moderator"},
                            headers=headers)
            await http.post("/api/events", headers=headers, json={
                "slug": "bench", "title": "压测", "starts_at": "2026-01-01T10:00:00+08:00",
                "ends_at": "2026-01-01T12:00:00+08:00", "guests": [], "moderators": ["mod"]})
            await http.post("/api/events/bench/open", headers=headers)

            rss_before = rss_kib(server.pid)
            sockets = []
            for index in range(viewers):
                ws = await websockets.connect(f"ws://127.0.0.1:{port}/ws/events/bench", max_queue=None,
                                              compression=None, open_timeout=60)
                await ws.recv()
                sockets.append(ws)
                if index % 1000 == 999:
                    await asyncio.sleep(0.1)
            await asyncio.sleep(1)
            rss_idle = rss_kib(server.pid)
            sent_at: dict[int, float] = {}
            latencies: list[float] = []
            received = [0] * viewers

            async def reader(index: int, ws: websockets.ClientConnection) -> None:
                while received[index] < messages:
                    frame = await ws.recv()
                    now = time.perf_counter()
                    if '"host.message"' in frame:
                        number = int(str(frame).split("第", 1)[1].split("条", 1)[0])
                        latencies.append(now - sent_at[number])
                        received[index] += 1

            readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(sockets)]
            cpu_before = cpu_seconds(server.pid)
            started = time.perf_counter()
            for number in range(messages):
                sent_at[number] = time.perf_counter()
                answer = await http.post("/api/events/bench/messages", headers=headers,
                                         json={"text": f"第{number}条：" + "主持人说" * 60})
                answer.raise_for_status()
                await asyncio.sleep(0.05)
            await asyncio.wait_for(asyncio.gather(*readers), timeout=300)
            elapsed = time.perf_counter() - started
            cpu = cpu_seconds(server.pid) - cpu_before
            for ws in sockets:
                await ws.close()
    finally:
        server.terminate()
        server.wait(10)
    deliveries = len(latencies)
    ordered = sorted(latencies)
    print(f"viewers={viewers} messages={messages} frame≈{len('主持人说'.encode()) * 60 + 150} bytes")
    print(f"deliveries={deliveries} (expected {viewers * messages}) in {elapsed:.1f}s wall")
    print(f"server CPU {cpu:.2f}s → {deliveries / cpu:,.0f} deliveries per CPU-second")
    print(f"latency p50={statistics.median(ordered) * 1000:.0f}ms "
          f"p99={ordered[int(len(ordered) * 0.99) - 1] * 1000:.0f}ms max={ordered[-1] * 1000:.0f}ms")
    print(f"server RSS: {rss_before / 1024:.0f} MiB before viewers, {rss_idle / 1024:.0f} MiB with them idle "
          f"→ {(rss_idle - rss_before) / max(1, viewers):.1f} KiB per idle viewer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1})
    asyncio.run(run(args.viewers, args.messages))


if __name__ == "__main__":
    main()
