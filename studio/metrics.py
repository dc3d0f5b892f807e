"""The control room's figures in the Prometheus text format: what one scrape found, and who may
read it. Pure: the owner (:mod:`studio.web.metrics`) and an edge (:mod:`studio.live.edge`) gather
their own :class:`Figures` and render them here with prometheus_client.

Every figure but the store's carries a ``process`` label, so a dashboard sums
over processes; figures never carry question text, nicknames or addresses.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

REFUSED = "指标仅对本机或持有令牌的监控开放"
"""What a client the page does not answer is told (403 ``forbidden``)."""

ANSWER_BUCKETS = (30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0)
"""Upper bounds (seconds) of the publication-to-answer histogram."""


@dataclass
class Histogram:
    """Cumulative counts under each bound, the count and the sum (Prometheus's histogram)."""

    bounds: tuple[float, ...]
    cumulative: list[int]
    count: int
    total: float

    def buckets(self) -> list[tuple[str, float]]:
        return ([(str(bound), float(n)) for bound, n in zip(self.bounds, self.cumulative, strict=True)]
                + [("+Inf", float(self.count))])


@dataclass
class Figures:
    """One scrape's figures, gathered from a running process (and its store, on an owner)."""

    process: str = field(default_factory=lambda: f"{os.uname().nodename}:{os.getpid()}")
    viewers: dict[str, int] = field(default_factory=dict)
    connections: int = 0
    waiting_bytes: int = 0
    frames: int = 0
    deliveries: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    outcomes: dict[tuple[str, str], int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    oldest_wait: dict[str, float] = field(default_factory=dict)
    answer_seconds: dict[str, list[float]] = field(default_factory=dict)
    reader_lag: float | None = None
    writes: Histogram | None = None
    write_failures: int = 0
    notifications: dict[str, int] = field(default_factory=dict)
    """Messages in the notifications' outbox by status (``pending``, ``sent``, ``dead``)."""


def _gauge(name: str, doc: str, process: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=["process"])
    family.add_metric([process], value)
    return family


def _counter(name: str, doc: str, process: str, value: float) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=["process"])
    family.add_metric([process], value)
    return family


class FiguresCollector:
    """Turns one :class:`Figures` into metric families (a custom collector, read once)."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        f = self.figures
        viewers = GaugeMetricFamily("studio_viewers", "Audience connections per event on this process.",
                                    labels=["process", "event"])
        for slug, n in sorted(f.viewers.items()):
            viewers.add_metric([f.process, slug], n)
        yield viewers
        yield _gauge("studio_connections", "Open WebSocket connections on this process.", f.process, f.connections)
        yield _gauge("studio_send_queue_bytes", "Bytes waiting in user-space send buffers for live clients.",
                     f.process, f.waiting_bytes)
        yield _counter("studio_frames", "Frames fanned out to local connections.", f.process, f.frames)
        yield _counter("studio_deliveries", "Frames offered to connections (one per connection per frame).",
                       f.process, f.deliveries)
        dropped = CounterMetricFamily("studio_connections_dropped",
                                      "Connections dropped by the hub, by reason (slow, stuck: slow clients closed).",
                                      labels=["process", "reason"])
        for reason, n in sorted(f.dropped.items()):
            dropped.add_metric([f.process, reason], n)
        yield dropped
        outcomes = CounterMetricFamily("studio_audience_requests",
                                       "Asks and +1s received, by outcome (ok or the refusal's error code).",
                                       labels=["process", "kind", "outcome"])
        for (kind, outcome), n in sorted(f.outcomes.items()):
            outcomes.add_metric([f.process, kind, outcome], n)
        yield outcomes
        if f.reader_lag is not None:
            yield _gauge("studio_redis_reader_lag_seconds",
                         "Age of the last Redis stream entry this process read, when it read it.",
                         f.process, f.reader_lag)
        if f.writes is not None:
            yield from self._store(f, f.writes)

    def _store(self, f: Figures, writes: Histogram) -> Iterator[Metric]:
        """The figures only an owner (with the store) has."""
        pending = GaugeMetricFamily("studio_moderation_pending", "Questions waiting for moderation, per live event.",
                                    labels=["event"])
        oldest = GaugeMetricFamily("studio_moderation_oldest_wait_seconds",
                                   "How long the oldest pending question has waited, per live event.",
                                   labels=["event"])
        for slug in sorted(f.pending):
            pending.add_metric([slug], f.pending[slug])
            oldest.add_metric([slug], f.oldest_wait[slug])
        yield pending
        yield oldest
        answers = HistogramMetricFamily("studio_answer_seconds",
                                        "Publication to answer, for answers of the last hour, per live event.",
                                        labels=["event"])
        for slug, waits in sorted(f.answer_seconds.items()):
            cumulative = [sum(1 for w in waits if w <= bound) for bound in ANSWER_BUCKETS]
            answers.add_metric([slug], Histogram(ANSWER_BUCKETS, cumulative, len(waits), sum(waits)).buckets(),
                               sum(waits))
        yield answers
        store = HistogramMetricFamily("studio_store_write_seconds",
                                      "Store write transactions, from asking for the writer to commit.",
                                      labels=["process"])
        store.add_metric([f.process], writes.buckets(), writes.total)
        yield store
        yield _counter("studio_store_write_failures", "Store write transactions rolled back.",
                       f.process, f.write_failures)
        outbox = GaugeMetricFamily("studio_notifications", "Messages in the notifications' outbox, by status.",
                                   labels=["status"])
        for status in ("pending", "sent", "dead"):
            outbox.add_metric([status], f.notifications.get(status, 0))
        yield outbox


def render(figures: Figures) -> bytes:
    """The Prometheus text page of ``figures``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FiguresCollector(figures))
    return generate_latest(registry)


def allowed(client_host: str | None, authorization: str | None, token: str | None) -> bool:
    """Policy: with a token set, only ``Bearer <token>`` (compared in constant time); without
    one, only loopback clients."""
    if token:
        if authorization is None or not authorization.startswith("Bearer "):
            return False
        given = authorization.removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode())
    try:
        return client_host is not None and ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return False
