"""The owner's :class:`~studio.live.connection.Feed`: an event's public frames from the store.

The store's ``changes`` hold every public frame of an event, so a replay after
any ``since`` up to the head is always complete. Snapshots are cached for one
``stats_interval`` per ``seq`` (:meth:`Studio.cached_snapshot`), so a crowd
joining at once costs one snapshot query per change, not one per viewer; while
the cached one stands at the last ``seq`` the process delivered, a joining
viewer costs no store read at all.
"""

from __future__ import annotations

from typing import Any

from broadcast import Message
from studio import channels
from studio.events.feed import snapshot
from studio.runtime import Studio
from studio.store.changelog import changes_after
from studio.store.database import Queryable, encode
from studio.store.events import event_by_id, event_seq


class StoreFeed:
    """Reads the owner's store for its connections."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio

    async def resume(self, event_id: int, since: int) -> list[Message] | None:
        """The store holds every frame up to the event's ``seq``; a ``since`` beyond it is not
        this event's history (a snapshot instead)."""
        async with self.studio.db.read() as reader:
            head = await event_seq(reader, event_id)
            if head is None or since > head:
                return None
            return await changes_after(reader, event_id, since)

    async def changes(self, event_id: int, after: int, upto: int | None) -> list[Message] | None:
        async with self.studio.db.read() as reader:
            return await changes_after(reader, event_id, after, upto)

    async def snapshot(self, event_id: int) -> tuple[int, str]:
        """The cached snapshot when it stands at the last ``seq`` this process delivered (the
        connection subscribed first, so every later frame reaches it): no store read. Else one
        joining viewer at a time reads the event's ``seq`` and builds the snapshot when the
        cache is behind it; those waiting meanwhile take what it built."""
        studio = self.studio
        channel = channels.public(event_id)
        seq, text = studio.cached_snapshot(event_id, studio.hub.last_seq(channel))
        if text is not None:
            return seq, text
        async with studio.snapshot_lock(event_id):
            seq, text = studio.cached_snapshot(event_id, studio.hub.last_seq(channel))
            if text is not None:
                return seq, text
            async with studio.db.read() as reader:
                return await built_snapshot(studio, reader, await event_by_id(reader, event_id))


async def built_snapshot(studio: Studio, reader: Queryable, event: Any) -> tuple[int, str]:
    """The encoded snapshot of ``event`` at its ``seq`` (read in ``reader``'s transaction): the
    one cached if it was built at that ``seq`` within the last ``stats_interval``, else built now
    and cached. Joining viewers and the relay (which writes it to Redis for edges) share it, so
    the process builds one snapshot per ``seq`` for both."""
    seq, text = studio.cached_snapshot(event["id"], event["seq"])
    if text is None:
        frame = await snapshot(reader, event, studio.viewers(event["id"]))
        seq, text = frame["seq"], encode(frame)
        studio.keep_snapshot(event["id"], seq, text)
    return seq, text
