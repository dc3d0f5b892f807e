"""Admin pages of the moderation desk: the lexicon and the rejection-reason catalogue."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from moderation.lifecycle import Role
from studio import reasons
from studio.pages import render, staff_session, to_login
from studio.runtime import studio_of


async def _admin_page(request: Request, template: str) -> Response:
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    if session.staff.role is not Role.ADMIN:
        return render(request, "error.html", 403, status_code=403, message="只有管理员可以修改审核设置")
    async with studio_of(request.app).db.read() as conn:
        catalogue = await reasons.list_reasons(conn, include_inactive=True)
    return render(request, template, me=session.staff.public(), csrf_token=session.csrf_token,
                  reasons=catalogue)


async def lexicon_page(request: Request) -> Response:
    return await _admin_page(request, "studio/lexicon.html")


async def reasons_page(request: Request) -> Response:
    return await _admin_page(request, "studio/reasons.html")
