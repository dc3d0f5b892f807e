"""Guest photos over HTTP: the admin's upload (the image as the request body) and the served JPEG."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from moderation.lifecycle import Role
from studio.accounts import photos as guest_photos
from studio.errors import ApiError
from studio.photos import MAX_PHOTO_BYTES, too_large
from studio.store.photos import photo_by_token
from studio.web.requests import read_body, require_staff, studio

TOKEN_CHARS = frozenset("0123456789abcdef")


async def staff_photo(request: Request) -> Response:
    """``PUT /api/staff/{username}/photo`` (the image bytes as the body, up to 5 MiB) and ``DELETE``."""
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    username = request.path_params["username"]
    if request.method == "DELETE":
        await guest_photos.remove_photo(app.db, app.clock, session.staff, username)
        return Response(status_code=204)
    data = await read_image(request, MAX_PHOTO_BYTES)
    return JSONResponse(await guest_photos.upload_photo(app.db, app.clock, session.staff, username, data,
                                                        request.headers.get("content-type")))


async def read_image(request: Request, limit: int) -> bytes:
    """An uploaded image (the request body): 413 ``image_too_large`` past ``limit`` bytes."""
    try:
        return await read_body(request, limit)
    except ApiError as error:
        if error.code != "too_large":
            raise
        refused = too_large(limit)
        raise ApiError(refused.code, refused.message) from None


async def served_photo(request: Request) -> Response:
    """``/photos/{token}.jpg``: a kept photo; its name is a hash of its bytes, so it never changes."""
    token = request.path_params["token"]
    if len(token) != 24 or not set(token) <= TOKEN_CHARS:
        raise ApiError("not_found", "没有这张照片")
    async with studio(request).db.read() as conn:
        row = await photo_by_token(conn, token)
    if row is None:
        raise ApiError("not_found", "没有这张照片")
    return Response(bytes(row["image"]), media_type="image/jpeg",
                    headers={"Cache-Control": "public, max-age=31536000, immutable"})
