"""Idle means idle: what N connected viewers cost the server while nothing happens.

Method. One ``studio serve`` process pinned to core 0 (``taskset``), a live
event, N audience sockets held by this process (pinned to core 1) as bare
protocols (``bench/fanout.py``'s viewers). After the connections settle
(``--settle`` seconds: the join's snapshots and the stats frames that follow),
the server's CPU time is read from ``/proc`` over ``--seconds`` of silence —
no asks, no messages, no +1s — and given as a share of one core, alone and per
10,000 viewers, with the frames the viewers received meanwhile (any periodic
traffic shows there). Memory per idle viewer is the RSS growth from before the
viewers connected.

    ulimit -n 20000
    .venv/bin/python bench/idle.py --viewers 10000 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
from pathlib import Path

import httpx
from fanout import Studio, Tally, open_event, open_viewers, wait_http
from procstat import cpu_seconds, rss_kib


async def run(viewers: int, seconds: float, settle: float) -> list[str]:
    servers = Studio(Path(tempfile.mkdtemp()), 1)
    port = servers.ports[0]
    pid = servers.processes[0].pid
    try:
        await wait_http(f"http://127.0.0.1:{port}")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            await open_event(http, "idle", "空闲")
        rss_before = rss_kib(pid)
        tally = Tally()
        opened = await open_viewers([port], "/ws/events/idle", viewers, tally)
        await asyncio.sleep(settle)
        rss_idle = rss_kib(pid)
        frames_before, cpu_before = tally.received, cpu_seconds(pid)
        await asyncio.sleep(seconds)
        cpu = cpu_seconds(pid) - cpu_before
        frames = tally.received - frames_before
        for viewer in opened:
            if viewer.transport is not None:
                viewer.transport.close()
    finally:
        servers.stop()
    share = cpu / seconds
    return [
        f"viewers {len(opened)}, silent for {seconds:.0f} s after {settle:.0f} s to settle",
        f"server CPU {cpu:.2f} s = {share:.2%} of a core ({share * 10_000 / max(1, len(opened)):.2%} per 10,000 viewers)",
        f"frames received by the viewers while silent: {frames}",
        f"memory per idle viewer: {(rss_idle - rss_before) / max(1, len(opened)):.1f} KiB",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=10.0)
    args = parser.parse_args()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1})
    print("\n".join(asyncio.run(run(args.viewers, args.seconds, args.settle))), flush=True)


if __name__ == "__main__":
    main()
