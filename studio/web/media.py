"""Photos on messages over HTTP: the upload (the image as the request body), the served JPEG, the
moderators' decisions, an asker adding photos to their open case, and the board's photo queue.

Served photos are JPEGs the server made (``image/jpeg``, ``nosniff``, a CSP that runs nothing);
their address never changes, so they are revalidated (``no-cache`` with an ``ETag``) rather than
cached for good: a hidden photo is gone at the next look, a blurred one shows blurred.
"""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from moderation.lifecycle import Role
from studio.accounts.sessions import COOKIE_NAME
from studio.desk import photos as desk_photos
from studio.events import photos as photo_actions
from studio.photos import MAX_MESSAGE_PHOTO_BYTES
from studio.web.photos import read_image
from studio.web.requests import check_origin, json_body, limit_address, require_staff, studio

IMAGE_POLICY = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"
"""The CSP of a served photo: opened on its own, it runs no script and loads nothing."""



async def upload(request: Request) -> Response:
    """``POST /api/photos``: anyone (the ask and board forms) uploads one photo for a message."""
    check_origin(request)
    limit_address(request, "photo")
    app = studio(request)
    data = await read_image(request, MAX_MESSAGE_PHOTO_BYTES)
    kept = await desk_photos.upload(app.db, app.media, app.clock, data, request.headers.get("content-type"))
    return JSONResponse(kept, status_code=201)


async def served(request: Request) -> Response:
    """``GET /media/{token}.jpg``: public once its message is; its moderators see it before."""
    app = studio(request)
    session = await app.sessions.session(request.cookies.get(COOKIE_NAME))
    data, public = await desk_photos.served(app.db, app.media, request.path_params["token"],
                                            session.staff if session is not None else None)
    tag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Content-Security-Policy": IMAGE_POLICY,
               "Cache-Control": "public, no-cache" if public else "private, no-store",
               "Content-Disposition": "inline"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="image/jpeg", headers=headers)


async def photo_action(request: Request) -> Response:
    """``POST /api/photos/{token}/{action}``: a moderator hides, shows, approves or blurs one photo."""
    session = await require_staff(request, Role.MODERATOR, Role.ADMIN)
    body = await json_body(request)
    app = studio(request)
    return JSONResponse(await photo_actions.act(app.db, app.media, app.clock, session.staff,
                                                request.path_params["token"],
                                                request.path_params["action"], body))


async def add_to_case(request: Request) -> Response:
    """``POST /api/board/track/{code}/photos``: the asker adds photos to their open case."""
    check_origin(request)
    body = await json_body(request)
    limit_address(request, "photo")
    app = studio(request)
    return JSONResponse(await photo_actions.add_to_case(app.db, app.clock, request.path_params["code"], body))


async def pending_photos(request: Request) -> Response:
    """``GET /api/board/photos``: photos askers added to open cases, waiting for a moderator."""
    await require_staff(request, Role.MODERATOR, Role.ADMIN)
    async with studio(request).db.read() as conn:
        return JSONResponse(await desk_photos.added_pending(conn))
