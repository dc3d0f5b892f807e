"""A stand-in for the Redis client of the owner's relay, for tests of the relay without a server."""

from __future__ import annotations

import json
from typing import Any


class RelayRedis:
    """Keeps what the relay would write: the reply frames it appends (``frames``) and the keys it
    sets (``values``); its pipelines are itself."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []
        self.values: dict[str, Any] = {}

    def pipeline(self, transaction: bool) -> RelayRedis:
        return self

    async def __aenter__(self) -> RelayRedis:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def xadd(self, key: str, fields: dict[str, str], **options: Any) -> None:
        self.frames.append(json.loads(fields["frame"]))

    def set(self, key: str, value: Any, **options: Any) -> None:
        self.values[key] = value

    async def mget(self, keys: list[str]) -> list[Any]:
        return [self.values.get(key) for key in keys]

    def eval(self, script: str, numkeys: int, *args: Any) -> None:
        """The relay's one script, the snapshot's compare-and-set, done here as Redis would."""
        (text_key, seq_key), (text, seq, _ttl) = args[:numkeys], args[numkeys:]
        if int(self.values.get(seq_key, -1)) < int(seq):
            self.values[text_key], self.values[seq_key] = text, str(seq)

    def expire(self, key: str, seconds: int) -> None:
        return None

    async def execute(self) -> None:
        return None


class RelayBackend:
    """What the relay reads of its Redis backend: the client."""

    def __init__(self) -> None:
        self.client = RelayRedis()
