"""Senders: one small interface, chosen by URL, each imported only when used (see :mod:`.base`)."""

from studio.notify.senders.base import Outgoing, Sender, SendFailed, sender_from_url

__all__ = ["Outgoing", "SendFailed", "Sender", "sender_from_url"]
