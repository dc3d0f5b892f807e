"""Joining an event: its public address, the QR code that carries it (SVG and PNG), the short link."""

from __future__ import annotations

import io

import segno
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from studio.errors import ApiError
from studio.events.feed import public_event
from studio.runtime import studio_of
from studio.store.events import event_by_id, event_row
from studio.web import templating

QR_SCALE = {"svg": 10, "png": 12}
"""Pixels per module: the SVG scales anyway; the PNG is large enough to print (≈ 400 px)."""
QR_CACHE = "public, max-age=300"


def public_base(request: Request) -> str:
    """The site's public address without a trailing slash (``templating.public_base``)."""
    return templating.public_base(studio_of(request.app).settings, request)


def event_url(request: Request, slug: str) -> str:
    """The public address of an event's page (what its QR code carries)."""
    return f"{public_base(request)}/events/{slug}"


def join_url(request: Request, event_id: int) -> str:
    """The short join link of an event (``/j/{id}``), for reading out or typing in."""
    return f"{public_base(request)}/j/{event_id}"


def qr_image(text: str, kind: str) -> bytes:
    """``text`` as a QR code (error correction M, a quiet zone of 4 modules), as SVG or PNG bytes."""
    code = segno.make(text, error="m", boost_error=False)
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=QR_SCALE["svg"], border=4, xmldecl=False,
                  title="扫码参与访谈", dark="#000", light="#fff")
    else:
        code.save(out, kind="png", scale=QR_SCALE["png"], border=4, dark="#000", light="#fff")
    return out.getvalue()


async def event_qr(request: Request) -> Response:
    """``/events/{slug}/qr.svg`` and ``qr.png``: the event's join QR code (404 for no such event)."""
    kind = request.path_params["kind"]
    if kind not in QR_SCALE:
        raise ApiError("not_found", "页面不存在")
    slug = request.path_params["slug"]
    async with studio_of(request.app).db.read() as conn:
        if await event_row(conn, slug) is None:
            raise ApiError("not_found", "没有这场访谈")
    media = "image/svg+xml" if kind == "svg" else "image/png"
    return Response(qr_image(event_url(request, slug), kind), media_type=media,
                    headers={"Cache-Control": QR_CACHE})


async def embed_page(request: Request) -> Response:
    """``/events/{slug}/embed``: the read-only live feed for partner sites' frames. Only this page
    may be framed, by the origins of ``STUDIO_EMBED_ORIGINS`` (its own ``frame-ancestors``)."""
    app = studio_of(request.app)
    async with app.db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        event = await public_event(conn, row)
    response: Response = request.app.state.templates.TemplateResponse(
        request, "embed.html", {"event": event, "event_url": event_url(request, row["slug"])})
    response.headers["Content-Security-Policy"] = request.app.state.embed_policy
    return response


async def short_link(request: Request) -> Response:
    """``/j/{id}``: the short join link, a redirect to the event's page (404 for no such event)."""
    async with studio_of(request.app).db.read() as conn:
        row = await event_by_id(conn, int(request.path_params["id"]))
    if row is None:
        raise ApiError("not_found", "没有这场访谈")
    return RedirectResponse(f"/events/{row['slug']}", status_code=302)
