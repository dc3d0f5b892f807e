"""Online backups of the store and putting one back (SQLite's backup API).

Policy: a backup is one consistent snapshot taken while the server writes —
the backup API copies every page inside one read transaction, and in WAL mode
readers never block the writer — then checked with ``integrity_check``. A
restore refuses a copy that fails ``integrity_check`` or comes from a newer
version of the studio, writes it beside the target, checks it again and only
then moves it into place (with the target's stale ``-wal``/``-shm`` removed);
the server must be stopped while it runs.

The media folder (the photos on messages) is copied after the store, file by
file, into ``DEST.media`` beside the copy: every photo the snapshot names is
there (photos are written before the rows that name them), and a photo
written meanwhile is there too, unnamed and harmless. A restore with a
``.media`` folder beside the backup stages it beside the media folder and
swaps it in whole.
"""

from __future__ import annotations

import os
import shutil
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


def media_copy(destination: str) -> Path:
    """Where a backup at ``destination`` keeps the media folder's files."""
    return Path(destination + ".media")


def backup(source: str, destination: str, media: Path | None = None) -> int:
    """Copy the live store at ``source`` to a new file ``destination`` (and the ``media`` folder
    to ``destination.media``); the bytes copied."""
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
    size = Path(destination).stat().st_size
    if media is not None and media.is_dir():
        copied = shutil.copytree(media, media_copy(destination), ignore=shutil.ignore_patterns("*.part"))
        size += sum(path.stat().st_size for path in Path(copied).rglob("*") if path.is_file())
    return size


def restore(source: str, target: str, media: Path | None = None) -> None:
    """Put the backup ``source`` in place of the store ``target`` (the server stopped), and its
    media files in place of the ``media`` folder when the backup has them."""
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
    if media is not None and media_copy(source).is_dir():
        restore_media(media_copy(source), media)


def restore_media(copy: Path, media: Path) -> None:
    """Replace the folder ``media`` by the backup's ``copy``: staged beside it, then swapped."""
    staged = media.with_name(media.name + ".restoring")
    old = media.with_name(media.name + ".old")
    for leftover in (staged, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(copy, staged)
    if media.exists():
        os.replace(media, old)
    os.replace(staged, media)
    shutil.rmtree(old, ignore_errors=True)
