"""Broadcast channel names. Public channels carry only public frames."""

from __future__ import annotations


def public(event_id: int) -> str:
    """Every audience frame of an event (the ``seq``-numbered change feed)."""
    return f"event:{event_id}"


def moderators(event_id: int) -> str:
    """Staff frames for the event's moderators and admins: every question, with flags."""
    return f"event:{event_id}:mod"


def officials(event_id: int, unit_id: int | None) -> str:
    """Staff frames for the event's officials of one unit (0: questions to no unit)."""
    return f"event:{event_id}:unit:{unit_id or 0}"


def question(question_id: int) -> str:
    """Nudges for an asker's tracking page when their question changes."""
    return f"question:{question_id}"


def public_event(channel: str) -> int | None:
    """The event id of a public channel name, ``None`` for any other channel."""
    prefix, _, rest = channel.partition(":")
    if prefix != "event" or not rest.isdigit():
        return None
    return int(rest)


def staff_sessions() -> str:
    """Staff accounts whose sessions just ended (sign-out, deactivation, password reset): every
    process closes those accounts' staff sockets that no longer have a session."""
    return "staff:sessions"
