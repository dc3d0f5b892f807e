"""The public side of trust: the audit chain's head (page and API) and the privacy page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from studio.store import audit
from studio.web.pages import render
from studio.web.requests import studio


async def audit_head(request: Request) -> Response:
    """``GET /api/audit/head``: the audit chain's last entry number and hash, for anyone to save."""
    async with studio(request).db.read() as conn:
        head = await audit.head(conn)
    return JSONResponse(head.public())


async def audit_page(request: Request) -> Response:
    """``/audit``: the head of the chain and how to check a saved one."""
    async with studio(request).db.read() as conn:
        head = await audit.head(conn)
    return render(request, "audit.html", head=head.public())


async def privacy_page(request: Request) -> Response:
    """``/privacy``: what personal data is kept, why and for how long (from the settings)."""
    return render(request, "privacy.html", retention_days=studio(request).settings.address_retention_days)
