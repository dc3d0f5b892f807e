"""Schema migrations, applied in order; ``PRAGMA user_version`` records the last one.

:mod:`.schema` holds the schema as it first shipped, :mod:`.changes` every change
since: append new migrations at the end of that list; never edit one that has shipped.
"""

from __future__ import annotations

from studio.store.migrations import changes, schema

MIGRATIONS: list[str] = [*schema.MIGRATIONS, *changes.MIGRATIONS]
"""Every migration in order; ``PRAGMA user_version`` counts those applied."""
