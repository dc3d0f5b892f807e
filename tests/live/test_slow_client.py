"""A viewer that stops reading is dropped; everyone else keeps receiving every frame."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from support.clients import Studio, recv_json, recv_until
from support.raw_socket import raw_viewer
from support.servers import start_server


def stuck_viewer(port: int, path: str) -> socket.socket:
    """Open a WebSocket by hand with a tiny receive buffer, then never read from it."""
    return raw_viewer(port, path, receive_buffer=4096)


def test_viewer_that_stops_reading_is_dropped(tmp_path: Path) -> None:
    """Past its send buffer a stuck viewer is disconnected; a reading viewer gets all frames in order."""
    server = start_server(tmp_path, env={"STUDIO_SEND_BUFFER_FRAMES": "16"})
    try:
        studio = Studio(server)
        slug = studio.new_event()
        reader = server.ws(f"/ws/events/{slug}")
        snapshot = recv_json(reader)
        start, counted = snapshot["seq"], snapshot["stats"]["viewers"]
        stuck = stuck_viewer(server.port, f"/ws/events/{slug}")
        while counted != 2:  # stats frames come only on change: wait until the stuck viewer counts
            counted = recv_until(reader, "stats", timeout=10)["viewers"]
        total = 2000  # enough to fill the kernel socket buffers (a few MiB), then ours
        seqs: list[int] = []
        viewers: list[int] = [counted]

        def read() -> None:
            deadline = time.monotonic() + 120
            while (len(seqs) < total or not viewers or viewers[-1] != 1) and time.monotonic() < deadline:
                frame = recv_json(reader, timeout=30)
                if frame["type"] == "host.message":
                    seqs.append(frame["seq"])
                elif frame["type"] == "stats":
                    viewers.append(frame["viewers"])

        with ThreadPoolExecutor(1) as pool:
            reading = pool.submit(read)
            for index in range(total):
                answer = studio.mod1.post(f"/api/events/{slug}/messages",
                                          {"text": f"第{index}条主持人消息：" + "很长的内容" * 180})
                assert answer.status_code == 201
            reading.result()
        assert seqs == list(range(start + 1, start + total + 1))
        assert viewers[0] == 2 and viewers[-1] == 1, viewers
        stuck.close()
        reader.close()
    finally:
        server.stop()


def test_viewer_that_takes_nothing_is_closed_after_the_send_timeout(tmp_path: Path) -> None:
    """With a byte bound too large to matter, the send timeout alone frees a stuck viewer."""
    server = start_server(tmp_path, env={"STUDIO_SEND_TIMEOUT": "1",
                                         "STUDIO_SEND_BUFFER_BYTES": str(64 * 1024 * 1024),
                                         "STUDIO_SEND_BUFFER_FRAMES": "100000"})
    try:
        studio = Studio(server)
        slug = studio.new_event()
        reader = server.ws(f"/ws/events/{slug}")
        counted = recv_json(reader)["stats"]["viewers"]
        stuck = stuck_viewer(server.port, f"/ws/events/{slug}")
        while counted != 2:  # stats frames come only on change: wait until the stuck viewer counts
            counted = recv_until(reader, "stats", timeout=10)["viewers"]
        for index in range(120):  # ≈330 KB: more than the kernel buffers hold for the stuck one
            answer = studio.mod1.post(f"/api/events/{slug}/messages",
                                      {"text": f"第{index}条：" + "很长的内容" * 180})
            assert answer.status_code == 201
        viewers = [counted]
        deadline = time.monotonic() + 60
        while viewers[-1] != 1 and time.monotonic() < deadline:
            frame = recv_json(reader, timeout=30)
            if frame["type"] == "stats":
                viewers.append(frame["viewers"])
        assert viewers[-1] == 1, viewers
        stuck.close()
        reader.close()
    finally:
        server.stop()
