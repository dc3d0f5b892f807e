"""The command line: the demo a new user starts, create-user, --help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect

from support.frames import check_server_frame
from support.servers import free_port


def test_demo_prints_working_credentials_and_serves_a_live_event(tmp_path: Path) -> None:
    """`studio demo` seeds units, staff, a live event and a closed one on the board, prints passwords that sign in, and serves."""
    port = free_port()
    env = {**os.environ, "STUDIO_LOG_LEVEL": "warning"}
    process = subprocess.Popen(
        [sys.executable, "-m", "studio", "demo", "--db", str(tmp_path / "demo.db"), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not any("观众页" in line for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        passwords = dict(re.findall(r"^\s+(\w+)\s+(\S+)$", "".join(lines), re.M))
        assert set(passwords) >= {"admin", "mod1", "renshe"}
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(base + "/api/units", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with httpx.Client(base_url=base) as client:
            login = client.post("/api/login", json={"username": "admin", "password": passwords["admin"]})
            assert login.status_code == 200 and login.json()["role"] == "admin"
            events = client.get("/api/events").json()
            assert [e["slug"] for e in events["live"]] == ["xiaozhao-2026"]
            assert len(events["upcoming"]) == 1
            assert [e["slug"] for e in events["past"]] == ["wenjiuye-2026"]
            board = {c["title"][:6]: c for c in client.get("/api/board/cases").json()["cases"]}
            assert board["灵活就业人员"]["kind"] == "post" and board["灵活就业人员"]["status"] == "replied"
            assert board["区里的职业技"]["stage"] == "closed" and board["学校周边的违"]["stage"] == "reopened"
            assert client.get("/events/wenjiuye-2026/transcript.md").status_code == 200
        with connect(f"ws://127.0.0.1:{port}/ws/events/xiaozhao-2026", open_timeout=10) as ws:
            snapshot = check_server_frame(ws.recv(timeout=10))  # the demo's, as the AsyncAPI document says
        assert len(snapshot["answered"]) == 1 and len(snapshot["published"]) == 5
        assert [len(q["photos"]) for q in snapshot["published"]].count(1) == 1  # the pothole, approved
        assert "13800001234" not in json.dumps(snapshot, ensure_ascii=False)
    finally:
        process.terminate()
        process.wait(10)


def test_create_user_refuses_an_official_without_unit(tmp_path: Path) -> None:
    """create-user reads the password from stdin and explains what is wrong."""
    db = str(tmp_path / "s.db")
    ok = subprocess.run([sys.executable, "-m", "studio", "create-user", "boss", "--role", "admin", "--db", db],
                        input="long-enough-password\n", text=True, capture_output=True)
    assert ok.returncode == 0, ok.stderr
    refused = subprocess.run([sys.executable, "-m", "studio", "create-user", "guest", "--role", "official",
                              "--db", db], input="long-enough-password\n", text=True, capture_output=True)
    assert refused.returncode == 2 and "单位" in refused.stderr
    short = subprocess.run([sys.executable, "-m", "studio", "create-user", "x", "--role", "moderator",
                            "--db", db], input="short\n", text=True, capture_output=True)
    assert short.returncode == 2 and "密码" in short.stderr


def test_help_lists_the_commands() -> None:
    """`studio --help` names serve, demo and create-user."""
    shown = subprocess.run([sys.executable, "-m", "studio", "--help"], text=True, capture_output=True)
    assert shown.returncode == 0
    for command in ("serve", "demo", "create-user"):
        assert command in shown.stdout
