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
    """One bucket per key (a client address), keeping at most ``max_keys`` recent keys.

    A bucket left alone for ``burst / rate`` seconds is full again, the same as a new one, so it
    is dropped (the least recently used first, as each take goes by): the table holds the clients
    of the last few minutes, not every client and connection the process has ever seen.
    """

    def __init__(self, burst: float, rate: float, max_keys: int = 100_000) -> None:
        self.burst = burst
        self.rate = rate
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, key: str, now: float) -> float:
        """Take one token from ``key``'s bucket: 0.0 if allowed, else the seconds to wait."""
        self._drop_refilled(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.burst, self.rate)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take(now)

    def _drop_refilled(self, now: float) -> None:
        """Drop the least recently used buckets that have had time to fill up again."""
        if self.rate <= 0:
            return
        refill = self.burst / self.rate
        while self._buckets:
            key, bucket = next(iter(self._buckets.items()))
            if now - bucket.updated < refill:
                return
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)

    def forget(self) -> int:
        """Drop every bucket (and so every address held as a key); how many there were.

        The daily purge calls it: a bucket only ever holds a few minutes of
        history, so forgetting them costs at most one extra burst per client."""
        count = len(self._buckets)
        self._buckets.clear()
        return count

    def give_back(self, key: str) -> None:
        """Return the token just taken for ``key`` (another limit refused the request)."""
        bucket = self._buckets.get(key)
        if bucket is not None and bucket.tokens is not None:
            bucket.tokens = min(bucket.burst, bucket.tokens + 1)


class Limits:
    """Asks and +1s limited per client AND per address; the first refusal's wait wins.

    A client is a viewer (the signed viewer cookie) or, without one, a
    connection; an address is the client's IP as the server sees it. Each
    pair of buckets is taken together: a refusal by either bucket answers
    ``too_fast`` with the seconds to wait. Per process: with several server
    processes each holds its own buckets.
    """

    def __init__(self, *, ask_burst: float, ask_rate: float, ask_address_burst: float,
                 ask_address_rate: float, vote_burst: float, vote_rate: float,
                 vote_address_burst: float, vote_address_rate: float) -> None:
        self.ask_client = KeyedLimiter(ask_burst, ask_rate)
        self.ask_address = KeyedLimiter(ask_address_burst, ask_address_rate)
        self.vote_client = KeyedLimiter(vote_burst, vote_rate)
        self.vote_address = KeyedLimiter(vote_address_burst, vote_address_rate)

    def forget(self) -> int:
        """Drop every client and address the buckets hold (the daily purge); how many keys."""
        return sum(limiter.forget() for limiter in
                   (self.ask_client, self.ask_address, self.vote_client, self.vote_address))

    def ask(self, client: str, address: str, now: float) -> float:
        """0.0 when an ask from ``client`` at ``address`` may go ahead, else the seconds to wait."""
        return _both(self.ask_client, client, self.ask_address, address, now)

    def vote(self, client: str, address: str, now: float) -> float:
        """0.0 when a +1 may go ahead, else the seconds to wait."""
        return _both(self.vote_client, client, self.vote_address, address, now)


class SignIns:
    """Sign-in attempts limited per address AND per username; the first refusal's wait wins.

    The address bucket (shared with the other per-address limits, key ``login:{address}``)
    stops one client guessing many passwords; the username's bucket stops many addresses
    guessing one account's password. A correct password gives the username's token back, so its
    owner never uses the bucket up; after a guessing attack the bucket refills at ``user_rate``,
    so the owner waits at most ``1 / user_rate`` seconds once the guessing stops.
    """

    def __init__(self, addresses: KeyedLimiter, user_burst: float, user_rate: float) -> None:
        self.addresses = addresses
        self.users = KeyedLimiter(user_burst, user_rate)

    def attempt(self, address: str, username: str, now: float) -> float:
        """0.0 when this sign-in may be tried, else the seconds to wait."""
        return _both(self.addresses, f"login:{address}", self.users, _user_key(username), now)

    def succeeded(self, username: str) -> None:
        """The password was right: the attempt does not count against the username."""
        self.users.give_back(_user_key(username))


def _user_key(username: str) -> str:
    return username.strip().casefold()[:64]


def _both(first: KeyedLimiter, first_key: str, second: KeyedLimiter, second_key: str,
          now: float) -> float:
    wait = first.take(first_key, now)
    if wait:
        return wait
    wait = second.take(second_key, now)
    if wait:
        first.give_back(first_key)  # the address refused, not the client
    return wait
