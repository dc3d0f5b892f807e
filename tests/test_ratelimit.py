"""Token buckets and the per-key limiter. Time is passed in, so no sleeping."""

from __future__ import annotations

import math

import pytest

from studio.ratelimit import KeyedLimiter, Limits, SignIns, TokenBucket


def test_burst_is_allowed_at_once() -> None:
    """A fresh bucket allows ``burst`` takes at the same instant."""
    bucket = TokenBucket(burst=3, rate=1)
    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]


def test_take_past_burst_returns_wait() -> None:
    """Past the burst, take() refuses with the seconds until one token is back."""
    bucket = TokenBucket(burst=2, rate=0.5)
    bucket.take(10.0)
    bucket.take(10.0)
    assert bucket.take(10.0) == pytest.approx(2.0)


def test_refusal_does_not_consume() -> None:
    """A refused take costs nothing: the wait shrinks as time passes."""
    bucket = TokenBucket(burst=1, rate=1)
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == pytest.approx(1.0)
    assert bucket.take(0.25) == pytest.approx(0.75)
    assert bucket.take(0.5) == pytest.approx(0.5)
    assert bucket.take(1.0) == 0.0


def test_waiting_the_returned_time_succeeds() -> None:
    """Trying again after the returned wait is allowed."""
    bucket = TokenBucket(burst=1, rate=4)
    bucket.take(5.0)
    wait = bucket.take(5.0)
    assert wait == pytest.approx(0.25)
    assert bucket.take(5.0 + wait) == 0.0


def test_refill_at_rate() -> None:
    """Tokens come back at ``rate`` per second."""
    bucket = TokenBucket(burst=5, rate=2)
    for _ in range(5):
        assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) > 0
    # one second later: two tokens
    assert bucket.take(1.0) == 0.0
    assert bucket.take(1.0) == 0.0
    assert bucket.take(1.0) > 0


def test_refill_capped_at_burst() -> None:
    """A long idle time refills at most ``burst`` tokens."""
    bucket = TokenBucket(burst=2, rate=10)
    bucket.take(0.0)
    bucket.take(0.0)
    results = [bucket.take(1000.0) for _ in range(3)]
    assert results[:2] == [0.0, 0.0]
    assert results[2] == pytest.approx(0.1)


def test_first_take_starts_full_at_any_time() -> None:
    """The first take fills the bucket at that moment, however large ``now`` is."""
    bucket = TokenBucket(burst=1, rate=1)
    assert bucket.take(1e9) == 0.0
    assert bucket.take(1e9) == pytest.approx(1.0)


def test_zero_rate_waits_forever() -> None:
    """With rate 0 the burst is all there is; then the wait is infinite."""
    bucket = TokenBucket(burst=1, rate=0)
    assert bucket.take(0.0) == 0.0
    assert math.isinf(bucket.take(100.0))


def test_fractional_rate_per_minute() -> None:
    """A per-minute rate (5/60 per second) allows one more take every 12 seconds."""
    bucket = TokenBucket(burst=1, rate=5 / 60)
    assert bucket.take(0.0) == 0.0
    assert bucket.take(0.0) == pytest.approx(12.0)
    assert bucket.take(11.9) > 0
    assert bucket.take(12.0) == 0.0


def test_keyed_limiter_keys_are_independent() -> None:
    """Each key has its own bucket: one exhausted key does not limit another."""
    limiter = KeyedLimiter(burst=2, rate=1)
    assert limiter.take("a", 0.0) == 0.0
    assert limiter.take("a", 0.0) == 0.0
    assert limiter.take("a", 0.0) == pytest.approx(1.0)
    assert limiter.take("b", 0.0) == 0.0
    assert limiter.take("b", 0.0) == 0.0
    assert limiter.take("b", 0.0) > 0


def test_keyed_limiter_refills_per_key() -> None:
    """A key's bucket refills with time like a single bucket."""
    limiter = KeyedLimiter(burst=1, rate=1)
    limiter.take("a", 0.0)
    assert limiter.take("a", 0.5) == pytest.approx(0.5)
    assert limiter.take("a", 1.0) == 0.0


def test_keyed_limiter_evicts_oldest_key() -> None:
    """Past ``max_keys`` the oldest key is forgotten (and starts over with a full burst)."""
    limiter = KeyedLimiter(burst=1, rate=0.001, max_keys=2)
    limiter.take("a", 0.0)
    limiter.take("b", 0.0)
    assert limiter.take("a", 0.0) > 0  # still limited
    limiter.take("c", 0.0)  # evicts "b", the least recently used
    assert limiter.take("a", 0.0) > 0  # "a" was used recently, still remembered
    assert limiter.take("c", 0.0) > 0
    assert limiter.take("b", 0.0) == 0.0  # forgotten: a fresh bucket


def test_keyed_limiter_evicts_in_insertion_order_without_reuse() -> None:
    """Without intermediate use, keys are evicted first in, first out."""
    limiter = KeyedLimiter(burst=1, rate=0.001, max_keys=3)
    for key in "abcd":
        limiter.take(key, 0.0)
    # "a" was evicted by "d"; b, c, d are remembered.
    assert limiter.take("b", 0.0) > 0
    assert limiter.take("c", 0.0) > 0
    assert limiter.take("d", 0.0) > 0
    assert limiter.take("a", 0.0) == 0.0


def test_keyed_limiter_holds_at_most_max_keys() -> None:
    """The limiter never keeps more than ``max_keys`` buckets."""
    limiter = KeyedLimiter(burst=1, rate=0.001, max_keys=10)
    for i in range(100):
        limiter.take(f"10.0.0.{i}", float(i))
    assert len(limiter) == 10
    assert list(limiter._buckets) == [f"10.0.0.{i}" for i in range(90, 100)]


def test_keyed_limiter_drops_buckets_that_filled_up_again() -> None:
    """A bucket idle for burst / rate seconds is full again and is dropped; one still refilling
    is kept, and a client coming back after its bucket was dropped gets the same full burst."""
    limiter = KeyedLimiter(burst=2, rate=0.5)  # full again 4 s after its last take
    for i in range(1000):
        limiter.take(f"viewer-{i}", 0.0)
    assert len(limiter) == 1000
    limiter.take("a", 3.0)
    limiter.take("a", 3.0)
    assert len(limiter) == 1001
    assert limiter.take("b", 4.0) == 0.0
    assert list(limiter._buckets) == ["a", "b"]
    assert limiter.take("a", 4.0) > 0  # still limited: not dropped
    assert limiter.take("viewer-1", 4.0) == 0.0 and limiter.take("viewer-1", 4.0) == 0.0


def test_clock_going_backwards_does_not_refill_the_bucket() -> None:
    """A time earlier than the last one refills nothing, so an empty bucket stays empty."""
    bucket = TokenBucket(3, 1)
    assert [bucket.take(100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(99.0) > 0
    assert bucket.take(99.0) > 0


def limits() -> Limits:
    return Limits(ask_burst=2, ask_rate=0.01, ask_address_burst=3, ask_address_rate=0.01,
                  vote_burst=1, vote_rate=0.01, vote_address_burst=5, vote_address_rate=0.01)


def test_limits_refuse_a_client_past_its_burst_whatever_the_address() -> None:
    """A client's budget is its own: a new address does not refill it."""
    both = limits()
    assert both.ask("viewer-1", "10.0.0.1", 0.0) == 0.0
    assert both.ask("viewer-1", "10.0.0.2", 0.0) == 0.0
    assert both.ask("viewer-1", "10.0.0.3", 0.0) > 0


def test_limits_refuse_an_address_past_its_burst_whatever_the_client() -> None:
    """Many clients behind one address share its budget; a refusal by the address costs the client nothing."""
    both = limits()
    for client in ("a", "b", "c"):
        assert both.ask(client, "10.0.0.9", 0.0) == 0.0
    assert both.ask("d", "10.0.0.9", 0.0) > 0
    assert both.ask("d", "10.0.0.10", 0.0) == 0.0
    assert both.ask("d", "10.0.0.10", 0.0) == 0.0  # "d" still had its whole burst


def test_votes_and_asks_have_separate_budgets() -> None:
    """Spending the +1 budget leaves the ask budget untouched."""
    both = limits()
    assert both.vote("a", "x", 0.0) == 0.0
    assert both.vote("a", "x", 0.0) > 0
    assert both.ask("a", "x", 0.0) == 0.0


def test_sign_ins_are_limited_per_username_across_addresses_and_refill_in_a_short_window() -> None:
    """Ten wrong passwords for one name from ten addresses use its burst; the eleventh waits ten
    seconds, after which its owner signs in from a fresh address; other names are not affected."""
    sign_ins = SignIns(KeyedLimiter(9, 0.3), user_burst=10, user_rate=6 / 60)
    assert [sign_ins.attempt(f"10.0.{n}.1", "admin", 0.0) for n in range(10)] == [0.0] * 10
    wait = sign_ins.attempt("10.0.10.1", "admin", 0.0)
    assert wait == pytest.approx(10.0)
    assert sign_ins.attempt("10.0.11.1", "Admin ", 5.0) > 0
    assert sign_ins.attempt("10.0.12.1", "mod1", 5.0) == 0.0
    assert sign_ins.attempt("10.9.9.9", "admin", 10.0) == 0.0


def test_right_passwords_give_the_username_token_back() -> None:
    """Each successful sign-in returns its username token: the owner is never throttled by it."""
    sign_ins = SignIns(KeyedLimiter(100, 0.0), user_burst=2, user_rate=0.0)
    for n in range(20):
        assert sign_ins.attempt(f"10.0.{n}.1", "owner", 0.0) == 0.0
        sign_ins.succeeded("owner")


def test_the_address_limit_still_counts_alone() -> None:
    """One address guessing many names meets the address limit; the names' buckets get their tokens back."""
    sign_ins = SignIns(KeyedLimiter(3, 0.0), user_burst=10, user_rate=0.0)
    assert [sign_ins.attempt("10.0.0.1", f"user{n}", 0.0) for n in range(3)] == [0.0] * 3
    assert sign_ins.attempt("10.0.0.1", "user9", 0.0) > 0
    assert sign_ins.attempt("10.0.0.2", "user9", 0.0) == 0.0
