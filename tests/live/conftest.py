"""Fixtures of the live tests: a real redis-server for the processes that share one feed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.redis_server import RedisServer, available


@pytest.fixture
def redis(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, killed after it; without persistence unless
    parametrized indirectly with ``True`` (an append-only file fsynced on every write)."""
    if not available():
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path, persist=getattr(request, "param", False))
    server.start()
    try:
        yield server
    finally:
        server.stop()
