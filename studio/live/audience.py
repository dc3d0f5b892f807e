"""The audience socket ``/ws/events/{slug}``: the public feed, asks (``ask``) and +1s (``vote``).

:func:`serve_audience` is the socket on the owner and on an edge alike; they
differ only in the :class:`~studio.live.connection.Feed` it replays from and the
:class:`~studio.events.asking.AudienceDesk` its asks and +1s go to (the owner's
service, or the edge forwarding to it).
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any, Protocol

from starlette.websockets import WebSocket

from broadcast import Hub
from studio import channels
from studio.accounts.viewer import viewer_of
from studio.errors import ApiError, whole_number
from studio.events.asking import Asker, AudienceDesk, socket_asker
from studio.live.connection import (
    CLOSE_NOT_FOUND,
    Connection,
    Feed,
    Handler,
    Host,
    admit,
    on_ping,
    parse_since,
    refuse,
    run_connection,
    serving,
)
from studio.live.feed import StoreFeed
from studio.runtime import Studio, studio_of

log = logging.getLogger(__name__)


class AudienceHost(Host, Protocol):
    """What the audience socket needs from the process serving it, besides a connection's needs."""

    hub: Hub
    audience: Counter[int]
    """Audience connections per event on this process (for the viewer count)."""


def audience_handlers(desk: AudienceDesk, slug: str, event_id: int, asker: Asker) -> dict[str, Handler]:
    """The frames an audience member may send: ``ask``, ``vote``, ``ping``."""

    async def on_ask(conn: Connection, frame: dict[str, Any]) -> None:
        try:
            receipt = await desk.ask(slug, frame, asker)
        except ApiError:
            raise
        except Exception:
            log.exception("storing a question failed")
            raise ApiError("internal", "提问未能保存，请重新发送") from None
        await conn.send_frame(receipt.frame(frame["client_key"]))

    async def on_vote(conn: Connection, frame: dict[str, Any]) -> None:
        question_id = whole_number(frame.get("question"), "question", "question 须为提问编号")
        await desk.vote(event_id, question_id, asker)
        await conn.send_frame({"type": "vote.ok", "question": question_id})

    return {"ask": on_ask, "vote": on_vote, "ping": on_ping}


async def serve_audience(websocket: WebSocket, host: AudienceHost, feed: Feed, desk: AudienceDesk, *,
                         event_id: int, slug: str, viewer: str | None) -> None:
    """Serve an admitted audience socket: snapshot or replay, live frames, asks and +1s."""
    conn = Connection(websocket, host, feed)
    handlers = audience_handlers(desk, slug, event_id, socket_asker(viewer, conn.address))
    host.audience[event_id] += 1
    try:
        async with serving(conn), host.hub.subscribe(channels.public(event_id)) as subscription:
            async with host.joins:
                await conn.start(event_id, parse_since(websocket))
            await run_connection(conn, subscription, conn.pump(subscription, event_id), handlers)
    finally:
        host.audience[event_id] -= 1


async def audience_socket(websocket: WebSocket) -> None:
    """The owner's audience socket: the store's feed, asks and +1s to the ask service."""
    studio = studio_of(websocket.app)
    async with admit(websocket, studio) as admitted:
        if admitted:
            await _owner_audience(websocket, studio)


async def _owner_audience(websocket: WebSocket, studio: Studio) -> None:
    # only the id and slug live as long as the connection (not the row, description and all)
    found = await studio.event_ref(websocket.path_params["slug"])
    if found is None:
        await refuse(websocket, CLOSE_NOT_FOUND, "no such event")
        return
    event_id, slug = found
    await serve_audience(websocket, studio, StoreFeed(studio), studio.asking, event_id=event_id, slug=slug,
                         viewer=viewer_of(websocket.cookies, studio.viewer_signer))
