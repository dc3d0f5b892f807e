"""Admin pages of the moderation desk: the lexicon and the rejection-reason catalogue."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from studio.desk import reasons
from studio.runtime import studio_of
from studio.web.pages import admin_session, render


async def _admin_page(request: Request, template: str) -> Response:
    session = await admin_session(request, "只有管理员可以修改审核设置")
    if isinstance(session, Response):
        return session
    async with studio_of(request.app).db.read() as conn:
        catalogue = await reasons.list_reasons(conn, include_inactive=True)
    return render(request, template, me=session.staff.public(), csrf_token=session.csrf_token,
                  reasons=catalogue)


async def lexicon_page(request: Request) -> Response:
    return await _admin_page(request, "studio/lexicon.html")


async def reasons_page(request: Request) -> Response:
    return await _admin_page(request, "studio/reasons.html")
