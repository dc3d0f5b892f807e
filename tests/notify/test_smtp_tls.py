"""E-mail over STARTTLS and over TLS from the start, with a login, to a real SMTP server whose
certificate comes from a test CA the studio is told to trust; a server it does not trust, or a
wrong password, gets no mail (never a fallback to the clear) and the outbox says why."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme

from support.clients import Studio, running_studio
from support.notify import Secured, eventually, smtp_server

SENDER = "noreply@wenzheng.example.gov.cn"

pytestmark = [  # aiosmtpd's own: it reads its deprecated field itself, and its require-TLS knows only STARTTLS
    pytest.mark.filterwarnings("ignore:Session.login_data is deprecated"),
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]


def secured(mode: str, ca: trustme.CA) -> Secured:
    """A server side for ``mode`` with a certificate for 127.0.0.1 issued by ``ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return Secured(mode, context, "studio", "mail-password")


def email_url(mode: str, port: int, password: str = "mail-password") -> str:
    """The studio's ``STUDIO_NOTIFY_EMAIL_URL`` for ``mode``."""
    if mode == "starttls":
        return f"smtp://studio:{password}@127.0.0.1:{port}?from={SENDER}&starttls=1"
    return f"smtps://studio:{password}@127.0.0.1:{port}?from={SENDER}"


def trusting(tmp_path: Path, ca: trustme.CA) -> dict[str, str]:
    """The environment that makes the studio's default TLS context trust ``ca``."""
    bundle = tmp_path / "test-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return {"SSL_CERT_FILE": str(bundle)}


def ask_with_contact(studio: Studio, address: str) -> None:
    """A question leaving an e-mail address: the studio mails it a code at once."""
    studio.ask(studio.new_event(), "社保卡丢了怎么补办？", contact=address)


@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_mail_goes_over_tls_after_a_login(tmp_path: Path, mode: str) -> None:
    """The code reaches the server over TLS, sent under the configured login."""
    ca = trustme.CA()
    with smtp_server(secured(mode, ca)) as (inbox, port), running_studio(tmp_path, {
        "STUDIO_NOTIFY_EMAIL_URL": email_url(mode, port), "STUDIO_NOTIFY_INTERVAL": "0.2",
        **trusting(tmp_path, ca),
    }) as studio:
        ask_with_contact(studio, "tls@example.com")
        mail = eventually(lambda: [m for m in inbox.received() if m[0] == "tls@example.com"], what="the code")
        assert "验证码" in mail[0][1] + mail[0][2]
        assert inbox.sessions == [(True, "studio")]


@pytest.mark.parametrize(("case", "expected"), [("untrusted certificate", "CERTIFICATE_VERIFY_FAILED"),
                                                ("wrong password", "535")])
def test_an_untrusted_server_or_a_wrong_password_gets_no_mail(tmp_path: Path, case: str, expected: str) -> None:
    """Nothing is delivered, in TLS or in the clear; the message waits in the outbox with the reason."""
    ca = trustme.CA()
    trusted = case != "untrusted certificate"
    password = "wrong" if case == "wrong password" else "mail-password"
    with smtp_server(secured("starttls", ca)) as (inbox, port), running_studio(tmp_path, {
        "STUDIO_NOTIFY_EMAIL_URL": email_url("starttls", port, password), "STUDIO_NOTIFY_INTERVAL": "0.2",
        "STUDIO_NOTIFY_RETRY_SECONDS": "0", **(trusting(tmp_path, ca) if trusted else {}),
    }) as studio:
        ask_with_contact(studio, "refused@example.com")

        def failed() -> list[dict[str, Any]]:
            listing = studio.admin.get("/api/notifications").json()["notifications"]
            return [n for n in listing if n["kind"] == "verify" and n["last_error"]]

        failure = eventually(failed, what="a failed attempt")[0]
        assert expected in failure["last_error"], failure
        assert inbox.received() == [] and inbox.sessions == []
