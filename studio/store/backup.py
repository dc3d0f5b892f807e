"""Online backups of the store and putting one back (SQLite's backup API).

Policy: a backup is one consistent snapshot taken while the server writes —
the backup API copies every page inside one read transaction, and in WAL mode
readers never block the writer — then checked with ``integrity_check``. A
restore refuses a copy that fails ``integrity_check`` or comes from a newer
version of the studio, writes it beside the target, checks it again and only
then moves it into place (with the target's stale ``-wal``/``-shm`` removed);
the server must be stopped while it runs.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from studio.store.migrations import MIGRATIONS


class BackupError(Exception):
    """Why a backup or a restore was refused."""


def integrity(path: str) -> list[str]:
    """``PRAGMA integrity_check`` of the file at ``path``: ``[]`` when it is sound, else its findings."""
    if not Path(path).is_file():
        raise BackupError(f"{path}: no such file")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def schema_version(path: str) -> int:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup(source: str, destination: str) -> int:
    """Copy the live store at ``source`` to a new file ``destination``; its size in bytes."""
    if Path(destination).exists():
        raise BackupError(f"{destination} exists: choose a new file")
    if not Path(source).is_file():
        raise BackupError(f"{source}: no such file")
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(destination)) as copy:
        live.execute("PRAGMA busy_timeout = 5000")
        live.backup(copy)
    problems = integrity(destination)
    if problems:
        Path(destination).unlink(missing_ok=True)
        raise BackupError("the copy failed integrity_check: " + "; ".join(problems[:5]))
    return Path(destination).stat().st_size


def restore(source: str, target: str) -> None:
    """Put the backup ``source`` in place of the store ``target`` (the server stopped)."""
    problems = integrity(source)
    if problems:
        raise BackupError(f"{source} failed integrity_check: " + "; ".join(problems[:5]))
    if schema_version(source) > len(MIGRATIONS):
        raise BackupError(f"{source} comes from a newer version of the studio")
    staging = f"{target}.restoring"
    Path(staging).unlink(missing_ok=True)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_copy, \
            closing(sqlite3.connect(staging)) as staged:
        backup_copy.backup(staged)
    if integrity(staging):
        Path(staging).unlink(missing_ok=True)
        raise BackupError("the restored copy failed integrity_check")
    for suffix in ("-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)
    os.replace(staging, target)
