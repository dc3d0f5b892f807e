"""Token buckets for asks, votes and frames. Pure logic; the caller passes the time."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class TokenBucket:
    """``burst`` tokens, refilled at ``rate`` per second."""

    burst: float
    rate: float
    tokens: float | None = None
    updated: float = 0.0

    def take(self, now: float) -> float:
        """Take one token: 0.0 if allowed, else the seconds to wait before trying again."""
        if self.tokens is None:
            self.tokens, self.updated = self.burst, now
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.updated = max(self.updated, now)
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else float("inf")


class KeyedLimiter:
    """One bucket per key (a client address), keeping at most ``max_keys`` recent keys."""

    def __init__(self, burst: float, rate: float, max_keys: int = 100_000) -> None:
        self.burst = burst
        self.rate = rate
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, key: str, now: float) -> float:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.burst, self.rate)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take(now)
