"""The HTTP JSON API under ``/api/`` (docs/api.md)."""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from moderation.lifecycle import Action, Role
from studio.accounts import directory
from studio.accounts.access import require_event_staff
from studio.accounts.sessions import (
    COOKIE_NAME,
    SAFE_METHODS,
    Session,
    csrf_ok,
    origin_allowed,
    own_origin,
)
from studio.accounts.viewer import viewer_of
from studio.board import categories, search
from studio.board.records import get_case
from studio.errors import ApiError, invalid
from studio.events import manage, questions
from studio.events.feed import public_event, tracking
from studio.live.endpoints import staff_queue
from studio.runtime import Studio, studio_of
from studio.store import audit
from studio.store.events import event_row

MAX_BODY_BYTES = 64 * 1024


def studio(request: Request) -> Studio:
    return studio_of(request.app)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 413 over the size limit, 400 when not a JSON object."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ApiError("too_large", "请求体过大")
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError("too_large", "请求体过大")
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ApiError("bad_json", "请求体不是合法的 JSON") from None
    if not isinstance(body, dict):
        raise ApiError("bad_json", "请求体须为 JSON 对象")
    return body


def check_origin(request: Request) -> None:
    allowed = studio(request).settings.allowed_origins
    if not origin_allowed(request.headers.get("origin"), own_origin(request.url.scheme, request.headers), allowed):
        raise ApiError("origin", "不允许的来源")


async def require_staff(request: Request, *roles: Role) -> Session:
    """The signed-in staff member, with CSRF and Origin checked on writes; 401/403 otherwise."""
    session = await studio(request).sessions.session(request.cookies.get(COOKIE_NAME))
    if session is None:
        raise ApiError("unauthenticated", "请先登录")
    if request.method not in SAFE_METHODS:
        check_origin(request)
        if not csrf_ok(session, request.headers.get("x-csrf-token")):
            raise ApiError("csrf", "缺少或错误的 CSRF 令牌")
    if roles and session.staff.role not in roles:
        raise ApiError("forbidden", "没有权限")
    return session


def int_param(request: Request, name: str) -> int:
    value = request.path_params[name]
    if isinstance(value, int):
        return value
    raise ApiError("not_found", "未找到")


async def login(request: Request) -> Response:
    check_origin(request)
    body = await json_body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise invalid("username", "请填写用户名和密码")
    app = studio(request)
    if app.settings.rate_limits:
        wait = app.address_limiter.take(f"login:{request.client.host if request.client else ''}", time.monotonic())
        if wait:
            raise ApiError("too_fast", "尝试次数过多，请稍后再试", retry_after=round(wait, 1))
    opened = await app.sessions.login(username, password)
    if opened is None:
        raise ApiError("bad_credentials", "用户名或密码错误")
    session, cookie = opened
    response = JSONResponse({**session.staff.public(), "csrf_token": session.csrf_token})
    response.set_cookie(
        COOKIE_NAME, cookie, max_age=app.settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=app.settings.https_only_cookies, path="/",
    )
    return response


async def logout(request: Request) -> Response:
    await require_staff(request)
    await studio(request).sessions.logout(request.cookies.get(COOKIE_NAME))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


async def me(request: Request) -> Response:
    session = await require_staff(request)
    return JSONResponse(session.staff.public())


async def units(request: Request) -> Response:
    app = studio(request)
    if request.method == "POST":
        session = await require_staff(request, Role.ADMIN)
        body = await json_body(request)
        name = body.get("name")
        if not isinstance(name, str):
            raise invalid("name", "请填写单位名称")
        return JSONResponse(
            await directory.create_unit(app.db, name, app.clock.stamp(), by=session.staff.username,
                                       parent=body.get("parent")), 201
        )
    async with app.db.read() as conn:
        return JSONResponse(await directory.list_units(conn))


async def staff(request: Request) -> Response:
    app = studio(request)
    session = await require_staff(request, Role.ADMIN)
    if request.method == "POST":
        body = await json_body(request)
        created = await directory.create_staff(
            app.db, username=str(body.get("username") or ""), password=str(body.get("password") or ""),
            role=str(body.get("role") or ""), unit=body.get("unit"),
            display_name=body.get("display_name"), title=str(body.get("title") or ""),
            at=app.clock.stamp(), by=session.staff.username,
        )
        return JSONResponse(created.public(), 201)
    async with app.db.read() as conn:
        everyone = request.query_params.get("all") == "1"
        return JSONResponse(await directory.list_staff(conn, include_inactive=everyone))


async def staff_member(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN)
    body = await json_body(request)
    app = studio(request)
    return JSONResponse(await directory.update_staff(app.db, session.staff, request.path_params["username"],
                                                    body, at=app.clock.stamp()))


async def events_collection(request: Request) -> Response:
    app = studio(request)
    if request.method == "POST":
        session = await require_staff(request, Role.ADMIN)
        body = await json_body(request)
        return JSONResponse(await manage.create_event(app.db, app.clock, session.staff, body), 201)
    async with app.db.read() as conn:
        return JSONResponse(await manage.list_events(conn))


async def event_detail(request: Request) -> Response:
    if request.method == "PATCH":
        session = await require_staff(request, Role.ADMIN)
        app = studio(request)
        body = await json_body(request)
        return JSONResponse(await manage.update_event(app.db, app.clock, session.staff,
                                                      request.path_params["slug"], body))
    async with studio(request).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        return JSONResponse(await public_event(conn, row))


async def event_open(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN, Role.MODERATOR)
    app = studio(request)
    return JSONResponse(await manage.open_event(app.db, app.clock, session.staff, request.path_params["slug"]))


async def event_close(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN, Role.MODERATOR)
    app = studio(request)
    return JSONResponse(await manage.close_event(app.db, app.clock, session.staff, request.path_params["slug"]))


async def ask(request: Request) -> Response:
    app = studio(request)
    check_origin(request)
    body = await json_body(request)
    address = request.client.host if request.client else ""
    viewer = viewer_of(request.cookies, app) or ""
    if app.settings.rate_limits:
        wait = app.limits.ask(viewer or f"address:{address}", address, time.monotonic())
        if wait:
            raise ApiError("too_fast", "提问太频繁，请稍后再试", retry_after=round(wait, 1))
    receipt = await questions.ask(
        app.db, app.clock, slug=request.path_params["slug"], body=body,
        max_chars=app.settings.max_question_chars, viewer=viewer, address=address,
        screener=app.screener,
    )
    return JSONResponse(receipt.body(), 201 if receipt.created else 200)


async def track(request: Request) -> Response:
    async with studio(request).db.read() as conn:
        view = await tracking(conn, request.path_params["code"])
    if view is None:
        raise ApiError("not_found", "查询码无效")
    return JSONResponse(view)


async def queue(request: Request) -> Response:
    session = await require_staff(request)
    app = studio(request)
    async with app.db.read() as tx:
        row = await event_row(tx, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        actor = await require_event_staff(tx, row["id"], session.staff)
    return JSONResponse(await staff_queue(app, row["id"], actor))


async def question_action(request: Request) -> Response:
    session = await require_staff(request)
    name = request.path_params["action"].replace("-", "_")
    try:
        action = Action(name)
    except ValueError:
        raise ApiError("not_found", "未知操作") from None
    body = await json_body(request)
    app = studio(request)
    result = await questions.act(
        app.db, app.clock, session.staff, int_param(request, "id"), action, body,
        max_chars=app.settings.max_question_chars,
    )
    return JSONResponse(result)


async def messages(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN, Role.MODERATOR)
    app = studio(request)
    body = await json_body(request)
    message = await manage.post_message(app.db, app.clock, session.staff, request.path_params["slug"], body)
    return JSONResponse(message, 201)


async def transcript(request: Request) -> Response:
    async with studio(request).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        return JSONResponse(await manage.transcript(conn, row))


async def audit_log(request: Request) -> Response:
    await require_staff(request, Role.ADMIN)
    question = request.query_params.get("question")
    async with studio(request).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        question_id = int(question) if question and question.isdigit() else None
        return JSONResponse(await audit.entries(conn, row["id"], question_id))


async def board_cases(request: Request) -> Response:
    app = studio(request)
    query = search.parse(request.query_params)
    async with app.db.read() as conn:
        return JSONResponse(await search.search_cases(conn, query, app.clock.stamp()))


async def board_categories(request: Request) -> Response:
    async with studio(request).db.read() as conn:
        return JSONResponse(await categories.tree(conn))


async def board_case(request: Request) -> Response:
    app = studio(request)
    async with app.db.read() as conn:
        case = await get_case(conn, int_param(request, "id"), app.clock.stamp())
        if case is not None:
            case.update(await search.case_extras(conn, case))
    if case is None:
        raise ApiError("not_found", "没有这条留言")
    return JSONResponse(case)


async def api_not_found(request: Request) -> Response:
    raise ApiError("not_found", "没有这个接口")


async def health(request: Request) -> Response:
    """For load balancers: 200 when the store answers a query, else 503."""
    try:
        async with studio(request).db.read() as conn:
            await conn.fetchone("SELECT 1")
    except Exception:
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})
