"""``GET /metrics``: what the control room watches on event night, in the Prometheus text format.

Policy: the figures are read when the page is scraped — the hub's and the
store's plain counters, the viewers this process holds, the bytes waiting for
slow clients, the moderation backlog and answer times from the store — so
counting costs the hot paths nothing beyond an integer add. Every process
serves its own figures (label ``process``); Prometheus sums them. The page
answers loopback clients, or any client with ``Authorization: Bearer
<STUDIO_METRICS_TOKEN>`` when that setting is set; everyone else gets 403.
The figures never carry question text, nicknames or client addresses.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from starlette.requests import Request
from starlette.responses import Response

from studio.errors import ApiError
from studio.live.protocol import waiting_bytes
from studio.runtime import Studio
from studio.store import gauges
from studio.store.database import WRITE_BUCKETS
from studio.web.requests import studio

ANSWER_WINDOW = timedelta(hours=1)
"""Answers counted in the answer-time figures: those of the last hour."""


@dataclass
class Figures:
    """One scrape's figures, gathered from the running process and its store."""

    process: str
    viewers: dict[str, int] = field(default_factory=dict)
    connections: int = 0
    fast_connections: int = 0
    waiting_bytes: int = 0
    frames: int = 0
    deliveries: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    outcomes: dict[tuple[str, str], int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    oldest_wait: dict[str, float] = field(default_factory=dict)
    answer_seconds: dict[str, list[float]] = field(default_factory=dict)
    reader_lag: float | None = None
    writes: Any = None


async def gather(app: Studio) -> Figures:
    """Read this process's figures now."""
    figures = Figures(process=f"{os.uname().nodename}:{os.getpid()}")
    now = app.clock.now()
    async with app.db.read() as conn:
        live = await gauges.live_events(conn)
        watched = await gauges.event_slugs(conn, [event for event, n in app.audience.items() if n > 0])
        for row in await gauges.backlog(conn):
            slug = live[int(row["id"])]
            figures.pending[slug] = int(row["pending"])
            oldest = row["oldest"]
            figures.oldest_wait[slug] = max(0.0, (now - app.clock.parse(oldest)).total_seconds()) if oldest else 0.0
        for row in await gauges.answer_waits(conn, (now - ANSWER_WINDOW).isoformat()):
            figures.answer_seconds.setdefault(live[int(row["event_id"])], []).append(float(row["seconds"]))
    figures.viewers = {watched[event]: n for event, n in app.audience.items() if event in watched}
    figures.connections = sum(app.connections.values())
    figures.fast_connections, figures.waiting_bytes = waiting_bytes()
    stats = app.hub.stats
    figures.frames, figures.deliveries, figures.dropped = stats.frames, stats.deliveries, dict(stats.dropped)
    figures.outcomes = dict(app.asking.outcomes)
    figures.reader_lag = getattr(app.hub.backend, "reader_lag", None)
    figures.writes = app.db.writes
    return figures


ANSWER_BUCKETS = (30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0)
"""Upper bounds (seconds) of the publication-to-answer histogram."""


def _buckets(bounds: tuple[float, ...], cumulative: list[int], count: int) -> list[tuple[str, float]]:
    """A histogram's cumulative buckets in prometheus_client's shape, ``+Inf`` last."""
    return [(str(bound), float(n)) for bound, n in zip(bounds, cumulative, strict=True)] + [("+Inf", float(count))]


class FiguresCollector:
    """Turns one :class:`Figures` into metric families (a custom collector, read once)."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        f = self.figures
        process = [f.process]
        viewers = GaugeMetricFamily("studio_viewers", "Audience connections per event on this process.",
                                    labels=["process", "event"])
        for slug, n in sorted(f.viewers.items()):
            viewers.add_metric([f.process, slug], n)
        yield viewers
        yield _gauge("studio_connections", "Open WebSocket connections on this process.", process, f.connections)
        yield _gauge("studio_send_queue_bytes", "Bytes waiting in user-space send buffers for live clients.",
                     process, f.waiting_bytes)
        yield _counter("studio_frames", "Frames fanned out to local connections.", process, f.frames)
        yield _counter("studio_deliveries", "Frames offered to connections (one per connection per frame).",
                       process, f.deliveries)
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
            answers.add_metric([slug], _buckets(ANSWER_BUCKETS, cumulative, len(waits)), sum(waits))
        yield answers
        if f.reader_lag is not None:
            yield _gauge("studio_redis_reader_lag_seconds",
                         "Age of the last Redis stream entry this process read, when it read it.",
                         process, f.reader_lag)
        writes = f.writes
        store = HistogramMetricFamily("studio_store_write_seconds",
                                      "Store write transactions, from asking for the writer to commit.",
                                      labels=["process"])
        store.add_metric(process, _buckets(WRITE_BUCKETS, writes.buckets, writes.count), writes.total)
        yield store
        yield _counter("studio_store_write_failures", "Store write transactions rolled back.",
                       process, writes.failed)


def _gauge(name: str, doc: str, labels: list[str], value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=["process"])
    family.add_metric(labels, value)
    return family


def _counter(name: str, doc: str, labels: list[str], value: float) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=["process"])
    family.add_metric(labels, value)
    return family


def render(figures: Figures) -> bytes:
    """The Prometheus text page of ``figures``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FiguresCollector(figures))
    return generate_latest(registry)


def allowed(client_host: str | None, authorization: str | None, token: str | None) -> bool:
    """Policy: with a token set, only ``Bearer <token>`` (compared in constant time); without
    one, only loopback clients."""
    if token:
        given = (authorization or "").removeprefix("Bearer ").strip()
        return authorization is not None and authorization.startswith("Bearer ") and hmac.compare_digest(
            given.encode("utf-8", "surrogatepass"), token.encode())
    try:
        return client_host is not None and ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return False


async def metrics(request: Request) -> Response:
    app = studio(request)
    client = request.client.host if request.client else None
    if not allowed(client, request.headers.get("authorization"), app.settings.metrics_token):
        raise ApiError("forbidden", "指标仅对本机或持有令牌的监控开放")
    started = time.perf_counter()
    page = render(await gather(app))
    return Response(page, media_type=CONTENT_TYPE_LATEST,
                    headers={"X-Metrics-Seconds": f"{time.perf_counter() - started:.4f}"})
