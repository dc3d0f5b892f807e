"""``smtp://user:pass@host:port?from=…&starttls=1`` and ``smtps://…``: e-mail with ``smtplib``.

Each message opens one connection in a worker thread (the event loop never waits on the
mail server), with a timeout; STARTTLS when ``starttls=1``, TLS from the start with
``smtps://``; sign-in only when the URL carries a user. The name it greets the server with
(EHLO) is ``helo=`` from the URL, else this host's name, looked up once (not per message).
"""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from studio.notify.senders.base import Outgoing, SendFailed

TIMEOUT_SECONDS = 20.0


class SmtpSender:
    def __init__(self, url: str, *, signing_key: str | None = None) -> None:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.sender = query.get("from", ["noreply@localhost"])[0]
        self.starttls = query.get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.helo: str | None = query.get("helo", [None])[0]
        self._context: ssl.SSLContext | None = None

    async def send(self, message: Outgoing) -> None:
        """Send one e-mail; an SMTP or network error raises :class:`SendFailed`."""
        if message.channel != "email":
            raise SendFailed(f"an e-mail sender cannot send {message.channel}")
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail.set_content(message.text)
        try:
            await asyncio.to_thread(self._send, mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"smtp: {exc}") from exc

    async def close(self) -> None:
        """Nothing is kept open (one connection per message)."""

    def _send(self, mail: EmailMessage) -> None:
        if self.helo is None:
            self.helo = socket.getfqdn()
        if self._context is None and (self.tls or self.starttls):
            self._context = ssl.create_default_context()  # loads the CA bundle: once
        context = self._context
        client: smtplib.SMTP
        if self.tls:
            client = smtplib.SMTP_SSL(self.host, self.port, local_hostname=self.helo,
                                      timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(self.host, self.port, local_hostname=self.helo, timeout=TIMEOUT_SECONDS)
        with client:
            if self.starttls:
                client.starttls(context=context)
            if self.user:
                client.login(self.user, self.password)
            client.send_message(mail)
