"""Server-rendered pages: the public site and the staff studio under ``/studio/``."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from moderation.lifecycle import Role
from studio.accounts import directory
from studio.accounts.access import event_actor, works_on
from studio.accounts.sessions import COOKIE_NAME, Session, safe_next
from studio.accounts.viewer import VIEWER_COOKIE, VIEWER_MAX_AGE, new_viewer_cookie, viewer_of
from studio.desk import reasons
from studio.errors import ApiError, number_text
from studio.events import auditlog, manage
from studio.events.feed import public_event, tracking
from studio.runtime import studio_of
from studio.store.events import event_row
from studio.store.questions import question_counts
from studio.web import join

MEDIA_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")


def templates(request: Request) -> Jinja2Templates:
    found: Jinja2Templates = request.app.state.templates
    return found


def render(request: Request, name: str, http_status: int = 200, **context: Any) -> Response:
    return templates(request).TemplateResponse(request, name, context, status_code=http_status)


def not_found(request: Request, message: str = "页面不存在") -> Response:
    return render(request, "error.html", 404, status_code=404, message=message)


async def home(request: Request) -> Response:
    async with studio_of(request.app).db.read() as conn:
        grouped = await manage.list_events(conn)
    return render(request, "index.html", events=grouped)


async def event_page(request: Request) -> Response:
    app = studio_of(request.app)
    async with app.db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            return not_found(request, "没有这场访谈")
        stats = await question_counts(conn, row["id"])
        if row["status"] == "closed":
            return render(request, "transcript.html", event=await public_event(conn, row),
                          transcript=await manage.transcript(conn, row), stats=stats)
        event = await public_event(conn, row)
    response = render(request, "event.html", event=event, stats=stats)
    media = video_origin(event["video_url"])
    if media:
        policy: str = request.app.state.content_security_policy
        response.headers["Content-Security-Policy"] = policy.replace(
            "default-src 'self';", f"default-src 'self'; media-src 'self' {media};")
    return with_viewer(request, response)


def with_viewer(request: Request, response: Response) -> Response:
    """The page gives a browser without a valid viewer cookie a fresh one (the identity of its
    +1s and 同问, ``studio.accounts.viewer``)."""
    app = studio_of(request.app)
    if viewer_of(request.cookies, app.viewer_signer) is None:
        response.set_cookie(VIEWER_COOKIE, new_viewer_cookie(app.viewer_signer), max_age=VIEWER_MAX_AGE,
                            httponly=True, samesite="lax", secure=app.settings.https_only_cookies)
    return response


async def screen_page(request: Request) -> Response:
    """The big screen (大屏) of an event: no controls, kept current by the live feed (static/screen.js)."""
    async with studio_of(request.app).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            return not_found(request, "没有这场访谈")
        event = await public_event(conn, row)
    return render(request, "screen.html", event=event, event_url=join.event_url(request, row["slug"]),
                  join_url=join.join_url(request, row["id"]))


def video_origin(url: str | None) -> str | None:
    """The origin of an event's live video, for the page's ``media-src`` (``None`` without one, or
    for an address whose host is not plain: the page then only links to it)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not MEDIA_HOST.fullmatch(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


async def track_page(request: Request) -> Response:
    async with studio_of(request.app).db.read() as conn:
        view = await tracking(conn, request.path_params["code"])
    if view is None:
        return not_found(request, "查询码无效")
    return render(request, "track.html", tracking=view)


async def staff_session(request: Request) -> Session | None:
    return await studio_of(request.app).sessions.session(request.cookies.get(COOKIE_NAME))


def to_login(request: Request) -> Response:
    return RedirectResponse(f"/studio/login?next={quote(request.url.path, safe='/')}", status_code=303)


async def login_page(request: Request) -> Response:
    """The sign-in page; ``next`` is where it leads afterwards, a path on this site only (``safe_next``)."""
    return render(request, "studio/login.html", next=safe_next(request.query_params.get("next")))


async def studio_home(request: Request) -> Response:
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    async with studio_of(request.app).db.read() as conn:
        context: dict[str, Any] = {
            "me": session.staff.public(),
            "events": await manage.staff_events(conn, session.staff),
            "csrf_token": session.csrf_token,
            "units": await directory.list_units(conn),
            "staff": [],
        }
        if session.staff.role is Role.ADMIN:
            context["staff"] = await directory.list_staff(conn, include_inactive=True)
            context["event_staff"] = await manage.people_by_event(conn)
    return render(request, "studio/home.html", **context)


async def _console(request: Request, template: str, *roles: Role, **extra: Any) -> Response:
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    app = studio_of(request.app)
    async with app.db.read() as tx:
        row = await event_row(tx, request.path_params["slug"])
        actor = await event_actor(tx, row["id"], session.staff) if row is not None else None
    if row is None or actor is None:
        return not_found(request, "没有这场访谈")
    if not works_on(actor, roles):
        return render(request, "error.html", 403, status_code=403, message="没有权限访问此页面")
    async with app.db.read() as conn:
        return render(request, template, me=session.staff.public(), event=await public_event(conn, row),
                      csrf_token=session.csrf_token, units=await directory.list_units(conn),
                      reasons=await reasons.list_reasons(conn), **extra)


async def moderate_page(request: Request) -> Response:
    return await _console(request, "studio/moderate.html", Role.ADMIN, Role.MODERATOR,
                          claim_seconds=studio_of(request.app).settings.claim_seconds)


async def official_page(request: Request) -> Response:
    return await _console(request, "studio/official.html", Role.ADMIN, Role.OFFICIAL)


async def admin_session(request: Request, refusal: str) -> Session | Response:
    """The admin's session for an admin-only page; otherwise the page to answer instead
    (the sign-in page when signed out, a 403 page saying ``refusal`` for other staff)."""
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    if session.staff.role is not Role.ADMIN:
        return render(request, "error.html", 403, status_code=403, message=refusal)
    return session


async def audit_page(request: Request) -> Response:
    session = await admin_session(request, "只有管理员可以查看审计日志")
    if isinstance(session, Response):
        return session
    question_id = number_text(request.query_params.get("question"))
    async with studio_of(request.app).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            return not_found(request, "没有这场访谈")
        return render(request, "studio/audit.html", me=session.staff.public(),
                      event=await public_event(conn, row), csrf_token=session.csrf_token,
                      entries=await auditlog.readable_entries(conn, row["id"], question_id),
                      question=question_id)


def error_page(request: Request, exc: ApiError) -> Response:
    return render(request, "error.html", exc.status_code, status_code=exc.status_code,
                  message=exc.message)
