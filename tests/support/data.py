"""Where the repository and the shared sample data (real, anonymised messages) are."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
WENZHENG = REPOSITORY.parent / "shared" / "data" / "wenzheng"
"""The 问政西地省 sample kept beside the project (messages, hot messages, replies, categories)."""
