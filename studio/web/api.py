"""The HTTP JSON API under ``/api/`` (docs/api.md)."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from moderation.lifecycle import Action, Role
from studio.accounts import directory
from studio.accounts.access import require_event_staff
from studio.accounts.sessions import COOKIE_NAME
from studio.accounts.viewer import viewer_of
from studio.board import categories, search
from studio.board.records import public_case
from studio.errors import ApiError, invalid, number_text
from studio.events import manage, questions, screen
from studio.events.asking import http_asker
from studio.events.console import staff_queue
from studio.events.feed import public_event, tracking
from studio.store import audit
from studio.store.events import event_row
from studio.store.health import answers
from studio.store.staff import staff_by_username
from studio.web.requests import check_origin, int_param, json_body, require_staff, studio


async def login(request: Request) -> Response:
    """Sign in; attempts are limited per address and per username (``SignIns``): 429 ``too_fast``."""
    check_origin(request)
    body = await json_body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise invalid("username", "请填写用户名和密码")
    app = studio(request)
    if app.settings.rate_limits:
        address = request.client.host if request.client else ""
        wait = app.sign_ins.attempt(address, username, time.monotonic())
        if wait:
            raise ApiError("too_fast", "尝试次数过多，请稍后再试", retry_after=round(wait, 1))
    opened = await app.sessions.login(username, password)
    if opened is None:
        raise ApiError("bad_credentials", "用户名或密码错误")
    app.sign_ins.succeeded(username)
    session, cookie = opened
    response = JSONResponse({**session.staff.public(), "csrf_token": session.csrf_token})
    response.set_cookie(
        COOKIE_NAME, cookie, max_age=app.settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=app.settings.https_only_cookies, path="/",
    )
    return response


async def logout(request: Request) -> Response:
    """End this browser's session; the account's staff sockets re-check theirs at once."""
    session = await require_staff(request)
    app = studio(request)
    await app.sessions.logout(request.cookies.get(COOKIE_NAME))
    await app.staff_sockets.ended(session.staff.id)
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
    """Change an account; a password reset or deactivation also closes its staff sockets at once."""
    session = await require_staff(request, Role.ADMIN)
    body = await json_body(request)
    app = studio(request)
    username = request.path_params["username"]
    changed = await directory.update_staff(app.db, session.staff, username, body, at=app.clock.stamp())
    if "password" in body or body.get("active") is False:
        async with app.db.read() as conn:
            row = await staff_by_username(conn, username)
        if row is not None:
            await app.staff_sockets.ended(row["id"])
    return JSONResponse(changed)


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
    """A netizen's question over HTTP (the page's fallback when its socket is down): 201 when
    stored, 200 with the first receipt for a repeated ``client_key``."""
    app = studio(request)
    check_origin(request)
    body = await json_body(request)
    address = request.client.host if request.client else ""
    asker = http_asker(viewer_of(request.cookies, app.viewer_signer), address)
    receipt = await app.asking.ask(request.path_params["slug"], body, asker)
    return JSONResponse(receipt.body(), 201 if receipt.created else 200)


async def track(request: Request) -> Response:
    async with studio(request).db.read() as conn:
        view = await tracking(conn, request.path_params["code"])
    if view is None:
        raise ApiError("not_found", "查询码无效")
    return JSONResponse(view)


async def queue(request: Request) -> Response:
    session = await require_staff(request)
    async with studio(request).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        actor = await require_event_staff(conn, row["id"], session.staff)
        return JSONResponse(await staff_queue(conn, row["id"], actor))


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


async def screen_show(request: Request) -> Response:
    """What the event's big screen shows: GET for anyone (public content only), POST to choose it
    from the desk (``studio.events.screen.choose``)."""
    app = studio(request)
    if request.method == "GET":
        async with app.db.read() as conn:
            row = await event_row(conn, request.path_params["slug"])
            if row is None:
                raise ApiError("not_found", "没有这场访谈")
            return JSONResponse(await screen.screen_view(conn, row))
    session = await require_staff(request, Role.ADMIN, Role.MODERATOR)
    body = await json_body(request)
    return JSONResponse(await screen.choose(app.db, app.clock, session.staff, request.path_params["slug"], body))


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
        question_id = number_text(question)
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
        case = await public_case(conn, int_param(request, "id"), app.clock.stamp())
    if case is None:
        raise ApiError("not_found", "没有这条留言")
    return JSONResponse(case)


async def api_not_found(request: Request) -> Response:
    raise ApiError("not_found", "没有这个接口")


async def health(request: Request) -> Response:
    """For load balancers: 200 when the store answers a query, else 503."""
    if not await answers(studio(request).db):
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})
