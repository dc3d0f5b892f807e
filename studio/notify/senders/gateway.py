"""``https://…``: an SMS provider's HTTP gateway, the URL a template, each post signed.

The URL may hold ``{to}`` and ``{id}`` (filled in, URL-quoted). The body is JSON
``{"id", "to", "text"}``; ``X-Studio-Timestamp`` carries the Unix time and
``X-Studio-Signature`` is ``sha256=`` and the hex HMAC-SHA256, with the signing key
(``STUDIO_NOTIFY_SMS_KEY``), of the timestamp, a dot and the body. Any answer but 2xx
is a failed attempt. One HTTP client (its connection pool and TLS context) serves every
message until the deliverer stops.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import quote

import httpx

from studio.notify.senders.base import Outgoing, SendFailed

TIMEOUT_SECONDS = 15.0


def signature(key: str, timestamp: str, body: bytes) -> str:
    """The ``X-Studio-Signature`` value of ``body`` posted at ``timestamp``."""
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class GatewaySender:
    def __init__(self, url: str, *, signing_key: str | None = None) -> None:
        self.template = url
        self.key = signing_key or ""
        self._client: httpx.AsyncClient | None = None

    async def send(self, message: Outgoing) -> None:
        """Post one message; a network error or a non-2xx answer raises :class:`SendFailed`."""
        url = (self.template.replace("{to}", quote(message.recipient, safe=""))
               .replace("{id}", str(message.id)))
        body = json.dumps({"id": message.id, "to": message.recipient, "text": message.text},
                          ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Studio-Timestamp": timestamp}
        if self.key:
            headers["X-Studio-Signature"] = signature(self.key, timestamp, body)
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=TIMEOUT_SECONDS)
        try:
            answer = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise SendFailed(f"gateway: {type(exc).__name__}: {exc}") from exc
        if not answer.is_success:
            raise SendFailed(f"gateway answered {answer.status_code}")

    async def close(self) -> None:
        """Close the HTTP client and its connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
