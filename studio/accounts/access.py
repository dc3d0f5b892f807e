"""Who works on which event: the one rule for event staff, and the ``Actor`` the lifecycle decides for.

Admins work on every event. Moderators work on the events that list them as
moderators, officials on those that list them as guests (嘉宾). Every place
that lets staff into an event (the API, the consoles' pages and sockets,
event management, the desk's claims, question actions) asks this module.
"""

from __future__ import annotations

from collections.abc import Collection

from moderation.lifecycle import Actor, Role
from studio.accounts.directory import STAFF_ROLES, Staff
from studio.errors import ApiError
from studio.store.database import Queryable
from studio.store.events import is_listed

LISTED_AS = {Role.MODERATOR: "moderator", Role.OFFICIAL: "guest"}
"""How each role appears on an event's staff list (``event_staff.role``)."""

NOT_EVENT_STAFF = "不是本场访谈的工作人员"


async def event_actor(conn: Queryable, event_id: int, staff: Staff) -> Actor:
    """The staff member as the lifecycle sees them on this event.

    ``event_staff`` is true when the event lists them in their role's place;
    admins are never listed (they act on every event by role).
    """
    listing = LISTED_AS.get(staff.role)
    listed = listing is not None and await is_listed(conn, event_id, staff.id, listing)
    return Actor(staff.role, staff.unit_id, listed)


def works_on(actor: Actor, roles: Collection[Role] = STAFF_ROLES) -> bool:
    """Whether ``actor`` may work on the event in one of ``roles``: admins always, others when listed."""
    return actor.role in roles and (actor.role is Role.ADMIN or actor.event_staff)


async def require_event_staff(conn: Queryable, event_id: int, staff: Staff, *roles: Role,
                              refusal: str = NOT_EVENT_STAFF) -> Actor:
    """The staff member's ``Actor`` on the event; 403 ``forbidden`` (saying ``refusal``) unless
    they work on it in one of ``roles`` (any staff role when none is given)."""
    actor = await event_actor(conn, event_id, staff)
    if not works_on(actor, roles or STAFF_ROLES):
        raise ApiError("forbidden", refusal)
    return actor
