"""``studio backup`` while the server writes, and ``studio restore`` of that copy (real server, real files)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import uuid
from contextlib import closing
from pathlib import Path

from support.clients import running_studio


def studio_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "studio", *args], capture_output=True, text=True, timeout=120)


def question_ids(path: Path) -> set[int]:
    with closing(sqlite3.connect(path)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM questions")}


def test_a_backup_taken_during_writes_restores_every_acknowledged_question(tmp_path: Path) -> None:
    """Asks keep coming while the copy is taken; the restored store passes integrity_check and
    holds every question acknowledged before the backup began."""
    folder = tmp_path / "server"
    folder.mkdir()
    copy = tmp_path / "copy.db"
    with running_studio(folder) as studio:
        slug = studio.new_event()
        acknowledged: list[int] = []
        stop = threading.Event()

        def ask_until_stopped() -> None:
            with studio.server.http() as client:
                while not stop.is_set():
                    answer = client.post(f"/api/events/{slug}/questions",
                                         json={"text": "备份期间的提问", "client_key": str(uuid.uuid4())})
                    assert answer.status_code == 201, answer.text
                    acknowledged.append(answer.json()["question_id"])

        writer = threading.Thread(target=ask_until_stopped)
        writer.start()
        try:
            while len(acknowledged) < 20:
                stop.wait(0.05)
            before = list(acknowledged)
            done = studio_command("backup", "--db", studio.server.db, str(copy))
            during = len(acknowledged) - len(before)
        finally:
            stop.set()
            writer.join()
    assert done.returncode == 0, done.stderr
    assert "integrity_check ok" in done.stdout
    assert during > 0  # the server kept acknowledging asks while the copy was taken

    restored = tmp_path / "restored.db"
    back = studio_command("restore", "--db", str(restored), str(copy))
    assert back.returncode == 0, back.stderr
    with closing(sqlite3.connect(restored)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert set(before) <= question_ids(restored)


def test_backup_and_restore_refuse_what_would_lose_data(tmp_path: Path) -> None:
    """An existing destination, a missing store and a damaged backup are refused with a reason; nothing moves."""
    store = tmp_path / "studio.db"
    with closing(sqlite3.connect(store)) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    refused = studio_command("backup", "--db", str(store), str(existing))
    assert refused.returncode == 1 and "exists" in refused.stderr
    assert existing.read_bytes() == b"keep me"
    missing = studio_command("backup", "--db", str(tmp_path / "nothing.db"), str(tmp_path / "out.db"))
    assert missing.returncode == 1 and "no such file" in missing.stderr

    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    bad = studio_command("restore", "--db", str(store), str(damaged))
    assert bad.returncode == 1 and "integrity_check" in bad.stderr
    with closing(sqlite3.connect(store)) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(1,)]


def test_a_backup_carries_the_photos_and_restore_puts_them_back(tmp_path: Path) -> None:
    """``studio backup`` copies the media folder beside the copy; ``studio restore`` puts it in place
    of the target's media folder, so the restored store's photos are served again."""
    from support.images import phone_photo

    folder = tmp_path / "server"
    folder.mkdir()
    copy = tmp_path / "copy.db"
    with running_studio(folder) as studio:
        with studio.server.http() as client:
            token = client.post("/api/photos", content=phone_photo((300, 200)),
                                headers={"Content-Type": "image/jpeg"}).json()["photo"]
            client.post("/api/board/submissions", json={"text": "带照片的留言", "client_key": str(uuid.uuid4()),
                                                         "photos": [token]})
        done = studio_command("backup", "--db", studio.server.db, str(copy))
    assert done.returncode == 0, done.stderr
    kept = Path(str(copy) + ".media") / "photos" / token[:2] / f"{token}.jpg"
    assert kept.is_file()
    restored = tmp_path / "restored" / "studio.db"
    restored.parent.mkdir()
    stale = restored.with_suffix(".media") / "photos" / "stale.jpg"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    back = studio_command("restore", "--db", str(restored), str(copy))
    assert back.returncode == 0, back.stderr
    again = restored.with_suffix(".media") / "photos" / token[:2] / f"{token}.jpg"
    assert again.read_bytes() == kept.read_bytes()
    assert not stale.exists()
