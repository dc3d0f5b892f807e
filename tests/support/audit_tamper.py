"""What someone holding the database file could do to the audit log, for tests to catch it."""

from __future__ import annotations

import sqlite3

from studio.auditchain import FIELDS, GENESIS, digest


def drop_append_only(conn: sqlite3.Connection) -> None:
    """Drop the triggers that refuse ``UPDATE`` and ``DELETE`` on the audit log."""
    conn.execute("DROP TRIGGER IF EXISTS audit_log_append_only_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_append_only_delete")


def rehash(conn: sqlite3.Connection) -> str:
    """Recompute every entry's ``prev_hash`` and ``hash`` in order, as a forger would after an
    edit, so the chain walks intact again; the new head hash."""
    previous = GENESIS
    cursor = conn.execute("SELECT * FROM audit_log ORDER BY id")
    names = [column[0] for column in cursor.description]
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        value = digest(row["id"], previous, {name: row[name] for name in FIELDS})
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (previous, value, row["id"]))
        previous = value
    return previous
