"""Fan-out of live frames: a small backend interface chosen by URL, and a local hub."""

from broadcast.base import Backend, Message, backend_from_url
from broadcast.hub import Hub, SlowConsumer, Subscription

__all__ = ["Backend", "Hub", "Message", "SlowConsumer", "Subscription", "backend_from_url"]
