"""Notifications over HTTP: an asker verifies their contact; admins see the outbox and retry.

Routes are listed in ``studio/app.py``; the contract is in docs/api.md ("Notifications").
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from moderation.lifecycle import Role
from studio import labels
from studio.errors import invalid
from studio.notify import contacts, outbox
from studio.web.pages import admin_session, render
from studio.web.requests import (
    check_origin,
    int_param,
    json_body,
    limit_address,
    require_staff,
    studio,
)


async def verify_contact(request: Request) -> Response:
    """The asker types the code their contact received, with their tracking code."""
    check_origin(request)
    body = await json_body(request)
    limit_address(request, "contact")
    app = studio(request)
    return JSONResponse(await contacts.verify(app.db, app.clock.now(), body.get("tracking_code"),
                                              body.get("code")))


async def resend_code(request: Request) -> Response:
    """A new code for the contact left with a tracking code (hourly limits apply)."""
    check_origin(request)
    body = await json_body(request)
    limit_address(request, "contact")
    app = studio(request)
    return JSONResponse(await contacts.resend(app.db, app.clock.now(), body.get("tracking_code")))


async def notifications(request: Request) -> Response:
    """Admins: the latest messages of the outbox (``?status=dead``: the dead-letter list)."""
    await require_staff(request, Role.ADMIN)
    app = studio(request)
    async with app.db.read() as conn:
        return JSONResponse(await outbox.listing(conn, request.query_params.get("status")))


async def retry_notification(request: Request) -> Response:
    """Admins: a dead message back in the outbox."""
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    await outbox.retry(app.db, app.clock, int_param(request, "id"), session.staff.username)
    return JSONResponse({"id": int_param(request, "id"), "status": "pending"})


async def unit_email(request: Request) -> Response:
    """Admins: the e-mail address a unit's daily digest goes to."""
    session = await require_staff(request, Role.ADMIN)
    body = await json_body(request)
    if "email" not in body:
        raise invalid("email", "请填写电子邮箱（空字符串表示不发送）")
    app = studio(request)
    return JSONResponse(await outbox.set_unit_email(app.db, app.clock, int_param(request, "id"),
                                                    body["email"], session.staff.username))


async def outbox_page(request: Request) -> Response:
    """Admins: the outbox and the dead-letter list (``?status=``; anything else lists all), with a
    retry button on dead messages."""
    session = await admin_session(request, "只有管理员可以查看通知发件箱")
    if isinstance(session, Response):
        return session
    asked = request.query_params.get("status")
    status = asked if asked in labels.NOTIFICATION_STATUS else None
    async with studio(request).db.read() as conn:
        listing = await outbox.listing(conn, status)
    return render(request, "studio/notifications.html", me=session.staff.public(),
                  csrf_token=session.csrf_token, status=status, **listing)
