"""Personal data with a limit on a real server: ``studio purge`` with retention 0 leaves no client
address, viewer key or voter in any table, and the audit chain stays valid; it deletes the photos
uploaded but never sent with a message."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from support.clients import Studio, recv_until
from support.images import phone_photo


def text_cells(path: str) -> list[str]:
    """Every text cell of every table of the store."""
    cells: list[str] = []
    with sqlite3.connect(path) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'case_fts%'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                cells.extend(value for value in row if isinstance(value, str))
    return cells


def test_purge_with_retention_0_removes_every_address_and_keeps_the_chain(studio: Studio) -> None:
    """Questions over HTTP and WebSocket, a +1, a board message: after ``studio purge --days 0`` no text
    cell holds the address or a viewer key, the +1 still counts, and ``studio audit verify`` passes."""
    slug = studio.new_event()
    server = studio.server
    with server.http() as client:
        client.get(f"/events/{slug}")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        asked = client.post(f"/api/events/{slug}/questions",
                            json={"text": "社区医院能延长开放时间吗", "client_key": str(uuid.uuid4())})
        assert asked.status_code == 201
        board = client.post("/api/board/submissions",
                            json={"text": "小区路灯坏了三个月", "client_key": str(uuid.uuid4())})
        assert board.status_code == 201
    question_id = asked.json()["question_id"]
    assert studio.mod1.act(studio.question(slug, question_id), "approve").status_code == 200
    with server.ws(f"/ws/events/{slug}", additional_headers={"Cookie": cookie}) as ws:
        recv_until(ws, "snapshot")
        ws.send(json.dumps({"type": "ask", "text": "公交能开到新区吗", "client_key": str(uuid.uuid4())}))
        recv_until(ws, "ask.ok")
        ws.send(json.dumps({"type": "vote", "question": question_id}))
        recv_until(ws, "vote.ok")
        recv_until(ws, "votes")
    with sqlite3.connect(server.db) as conn:
        secrets = {row[0] for row in conn.execute("SELECT viewer_key FROM questions WHERE viewer_key != ''")}
        secrets |= {row[0] for row in conn.execute("SELECT voter FROM votes")}
        stored = {row[0] for row in conn.execute("SELECT address FROM questions")}
    assert stored == {"127.0.0.1"} and secrets
    assert "127.0.0.1" in text_cells(server.db)

    purge = subprocess.run([sys.executable, "-m", "studio", "purge", "--db", server.db, "--days", "0"],
                           capture_output=True, text=True, timeout=60)
    assert purge.returncode == 0, purge.stderr
    assert "问题（地址、观众标识）：" in purge.stdout and "留言（地址）：1 条" in purge.stdout
    assert "同问（投票人标识）：1 条" in purge.stdout

    cells = text_cells(server.db)
    assert not [cell for cell in cells if "127.0.0.1" in cell]
    assert not [cell for cell in cells if any(secret in cell for secret in secrets)]
    assert studio.question(slug, question_id)["votes"] == 1
    again = subprocess.run([sys.executable, "-m", "studio", "purge", "--db", server.db, "--days", "0"],
                           capture_output=True, text=True, timeout=60)
    assert "同问（投票人标识）：0 条" in again.stdout
    verify = subprocess.run([sys.executable, "-m", "studio", "audit", "verify", "--db", server.db],
                            capture_output=True, text=True, timeout=60)
    assert verify.returncode == 0, verify.stderr


def test_purge_deletes_uploads_no_message_carried_for_a_day(studio: Studio) -> None:
    """An upload never sent with a message is deleted, row and file, once 24 hours have passed,
    without waiting for another upload; a newer upload and a photo a message carries stay."""
    server = studio.server
    with server.http() as client:
        uploads = [client.post("/api/photos", content=phone_photo(), headers={"Content-Type": "image/jpeg"})
                   for _ in range(3)]
        assert all(upload.status_code == 201 for upload in uploads), [u.text for u in uploads]
        abandoned, fresh, carried = (upload.json()["photo"] for upload in uploads)
        sent = client.post("/api/board/submissions", json={
            "text": "河边护栏断了一截", "client_key": str(uuid.uuid4()), "photos": [carried]})
        assert sent.status_code == 201, sent.text
    media = Path(server.db).with_suffix(".media") / "photos"
    files = {token: media / token[:2] / f"{token}.jpg" for token in (abandoned, fresh, carried)}
    assert all(path.exists() for path in files.values())
    with sqlite3.connect(server.db, timeout=10) as conn:
        conn.execute("UPDATE message_photos SET uploaded_at = '2026-01-01T08:00:00+08:00' WHERE token IN (?, ?)",
                     (abandoned, carried))

    purge = subprocess.run([sys.executable, "-m", "studio", "purge", "--db", server.db, "--days", "30"],
                           capture_output=True, text=True, timeout=60)
    assert purge.returncode == 0, purge.stderr
    assert "上传后未随内容提交的照片：1 条" in purge.stdout
    with sqlite3.connect(server.db) as conn:
        kept = {row[0] for row in conn.execute("SELECT token FROM message_photos WHERE token IN (?, ?, ?)",
                                               (abandoned, fresh, carried))}
    assert kept == {fresh, carried}
    assert not files[abandoned].exists() and files[fresh].exists() and files[carried].exists()


def test_privacy_page_states_the_retention(studio: Studio) -> None:
    """/privacy says what is kept, why and for how long, with the configured period."""
    with studio.server.http() as client:
        page = client.get("/privacy")
    assert page.status_code == 200
    assert "30 天，期满自动清除" in page.text and "网络地址" in page.text and "撤回" in page.text
