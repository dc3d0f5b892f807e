"""The public side of trust: the audit chain's head (page and API), the privacy page, and askers
retracting their own pending question or board message with its tracking code."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from studio.board import submissions
from studio.desk import photos
from studio.errors import ApiError
from studio.events import retract
from studio.store import audit
from studio.web import asyncapi, openapi
from studio.web.pages import render
from studio.web.requests import check_origin, studio


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
    settings = studio(request).settings
    return render(request, "privacy.html", retention_days=settings.address_retention_days,
                  contact_days=settings.contact_retention_days)


async def retract_question(request: Request) -> Response:
    """``POST /api/track/{code}/retract``: the asker retracts their pending question (the code is the proof)."""
    check_origin(request)
    app = studio(request)
    done = await retract.retract(app.db, app.clock.stamp(), request.path_params["code"])
    await photos.forget(app.db, app.media, question_id=done["question_id"])
    return JSONResponse(done)


async def retract_submission(request: Request) -> Response:
    """``POST /api/board/track/{code}/retract``: the author retracts their pending board message."""
    check_origin(request)
    app = studio(request)
    done = await submissions.retract(app.db, app.clock, request.path_params["code"])
    await photos.forget(app.db, app.media, submission_id=done["submission_id"])
    return JSONResponse(done)


async def retract_form(request: Request) -> Response:
    """The tracking pages' 撤回 button (a plain form, so it works without scripts): retract, then
    back to the tracking page, which now says so; a refusal shows as an error page."""
    check_origin(request)
    app = studio(request)
    code = request.path_params["code"]
    board = request.url.path.startswith("/board/")
    try:
        if board:
            done = await submissions.retract(app.db, app.clock, code)
            await photos.forget(app.db, app.media, submission_id=done["submission_id"])
        else:
            done = await retract.retract(app.db, app.clock.stamp(), code)
            await photos.forget(app.db, app.media, question_id=done["question_id"])
    except ApiError as error:
        return render(request, "error.html", error.status_code, status_code=error.status_code,
                      message=error.message)
    return RedirectResponse(f"/board/track/{quote(code)}" if board else f"/track/{quote(code)}", status_code=303)


async def openapi_document(request: Request) -> Response:
    """``GET /api/openapi.json``: the HTTP contract, built from this app's routing table."""
    return JSONResponse(openapi.document(request.app.routes))


async def asyncapi_document(request: Request) -> Response:
    """``GET /api/asyncapi.json``: the WebSocket frames."""
    return JSONResponse(asyncapi.document())
