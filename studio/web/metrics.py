"""``GET /metrics`` on an owner process: what the control room watches on event night.

Policy: the figures are read when the page is scraped — the hub's and the
store's plain counters, the viewers this process holds, the bytes waiting for
slow clients, the moderation backlog and answer times from the store — so
counting costs the hot paths nothing beyond an integer add. It answers
loopback clients, or any client with ``Authorization: Bearer
<STUDIO_METRICS_TOKEN>`` when that setting is set; everyone else gets 403.
The page itself is drawn by :mod:`studio.metrics`.
"""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response

from studio.errors import ApiError
from studio.live.protocol import waiting_bytes
from studio.metrics import REFUSED, Figures, Histogram, allowed, render
from studio.runtime import Studio
from studio.store import gauges
from studio.store.database import WRITE_BUCKETS
from studio.store.notify import notification_counts
from studio.web.requests import studio

ANSWER_WINDOW = timedelta(hours=1)
"""Answers counted in the answer-time figures: those of the last hour."""


async def gather(app: Studio) -> Figures:
    """Read this owner process's figures now."""
    figures = Figures()
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
        figures.notifications = await notification_counts(conn)
    figures.viewers = {watched[event]: n for event, n in app.audience.items() if event in watched}
    figures.connections = sum(app.connections.values())
    figures.waiting_bytes = waiting_bytes()
    stats = app.hub.stats
    figures.frames, figures.deliveries, figures.dropped = stats.frames, stats.deliveries, dict(stats.dropped)
    figures.outcomes = dict(app.asking.outcomes)
    figures.reader_lag = getattr(app.hub.backend, "reader_lag", None)
    writes = app.db.writes
    figures.writes = Histogram(WRITE_BUCKETS, list(writes.buckets), writes.count, writes.total)
    figures.write_failures = writes.failed
    return figures


async def metrics(request: Request) -> Response:
    app = studio(request)
    client = request.client.host if request.client else None
    if not allowed(client, request.headers.get("authorization"), app.settings.metrics_token):
        raise ApiError("forbidden", REFUSED)
    return Response(render(await gather(app)), media_type=CONTENT_TYPE_LATEST)
