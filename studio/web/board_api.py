"""The board's case-life API: submissions, routing, unit consoles, ratings, calendar, statistics.

Routes are listed in ``studio/app.py``; the contract is in docs/api.md ("Board cases").
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from moderation.lifecycle import Role
from studio.accounts.viewer import viewer_of
from studio.board import actions, duty, holidays, ranking, submissions, support, topics
from studio.board import suggest as suggest_service
from studio.board.life import CaseAction
from studio.clock import FIRST_YEAR, LAST_YEAR, parse_day
from studio.errors import ApiError, invalid, number_text
from studio.store.units import unit_by_id
from studio.web.requests import (
    check_origin,
    int_param,
    json_body,
    limit_address,
    require_staff,
    studio,
)

TOPICS_MAX = 20



async def submissions_collection(request: Request) -> Response:
    """POST: a netizen's direct submission (public). GET: the moderation queue (staff)."""
    app = studio(request)
    if request.method == "GET":
        await require_staff(request, Role.MODERATOR, Role.ADMIN)
        async with app.db.read() as conn:
            return JSONResponse(await submissions.pending(conn))
    check_origin(request)
    body = await json_body(request)
    limit_address(request, "submit")
    receipt, created = await submissions.submit(
        app.db, app.clock, app.screener, body, max_chars=app.settings.max_question_chars,
        address=request.client.host if request.client else "",
        viewer=viewer_of(request.cookies, app.viewer_signer),
    )
    return JSONResponse(receipt, 201 if created else 200)


async def submission_action(request: Request) -> Response:
    session = await require_staff(request, Role.MODERATOR, Role.ADMIN)
    body = await json_body(request)
    app = studio(request)
    return JSONResponse(await submissions.decide(
        app.db, app.clock, session.staff, int_param(request, "id"), request.path_params["action"],
        body, max_chars=app.settings.max_question_chars,
    ))


async def submission_track(request: Request) -> Response:
    async with studio(request).db.read() as conn:
        view = await submissions.track(conn, request.path_params["code"])
    if view is None:
        raise ApiError("not_found", "查询码无效")
    return JSONResponse(view)


async def routing_queue(request: Request) -> Response:
    await require_staff(request, Role.MODERATOR, Role.ADMIN)
    app = studio(request)
    async with app.db.read() as conn:
        return JSONResponse(await actions.routing_queue(conn, app.clock.stamp()))


async def suggest(request: Request) -> Response:
    """Staff: the most likely categories and units for ``{title, text}``, best first."""
    await require_staff(request)
    app = studio(request)
    body = await json_body(request)
    return JSONResponse(await app.suggester.suggest(app.db, body, app.settings.routing_retrain_after))


async def unit_categories(request: Request) -> Response:
    """Staff: every unit with the categories an admin says it handles."""
    await require_staff(request)
    async with studio(request).db.read() as conn:
        return JSONResponse(await suggest_service.unit_mapping(conn))


async def set_unit_categories(request: Request) -> Response:
    """Admin: replace the categories one unit handles (the routing suggestion retrains)."""
    await require_staff(request, Role.ADMIN)
    app = studio(request)
    body = await json_body(request)
    found = await suggest_service.set_unit_categories(app.db, int_param(request, "id"), body, app.clock.stamp())
    return JSONResponse(found[0])


async def overdue(request: Request) -> Response:
    """Open cases past their deadline; an official sees only their own unit's."""
    session = await require_staff(request)
    app = studio(request)
    unit = session.staff.unit_id if session.staff.role is Role.OFFICIAL else None
    async with app.db.read() as conn:
        return JSONResponse(await actions.overdue_cases(conn, app.clock.stamp(), unit))


async def unit_cases(request: Request) -> Response:
    session = await require_staff(request)
    unit_id = int_param(request, "id")
    if session.staff.role is Role.OFFICIAL and session.staff.unit_id != unit_id:
        raise ApiError("forbidden", "只能查看本单位的诉求件")
    app = studio(request)
    async with app.db.read() as conn:
        if await unit_by_id(conn, unit_id) is None:
            raise ApiError("not_found", "没有这个单位")
        return JSONResponse(await actions.unit_cases(conn, unit_id, app.clock.stamp()))


async def case_action(request: Request) -> Response:
    session = await require_staff(request)
    try:
        action = CaseAction(request.path_params["action"].replace("-", "_"))
    except ValueError:
        raise ApiError("not_found", "未知操作") from None
    if action is CaseAction.RATE:
        raise ApiError("not_found", "评价请使用 /rating")
    body = await json_body(request)
    app = studio(request)
    return JSONResponse(await actions.act(app.db, app.clock, session.staff, int_param(request, "id"),
                                        action, body))


async def case_rating(request: Request) -> Response:
    """The asker's rating with their rating code (public, no account)."""
    check_origin(request)
    body = await json_body(request)
    limit_address(request, "rate")
    app = studio(request)
    return JSONResponse(await actions.rate(app.db, app.clock, int_param(request, "id"), body))


async def case_support(request: Request) -> Response:
    """同问 on a case (public, no account): once per viewer cookie, under the live +1 limits."""
    check_origin(request)
    app = studio(request)
    viewer = viewer_of(request.cookies, app.viewer_signer)
    if viewer is None:
        raise ApiError("no_viewer", "请先打开这条留言的页面（需允许本站 Cookie），再点“我也遇到了”")
    if app.settings.rate_limits:
        address = request.client.host if request.client else ""
        wait = app.limits.vote(viewer, address, time.monotonic())
        if wait:
            raise ApiError("too_fast", "操作太频繁，请稍后再试", retry_after=round(wait, 1))
    return JSONResponse(await support.support(app.db, app.clock, int_param(request, "id"), viewer))


async def calendar(request: Request) -> Response:
    app = studio(request)
    if request.method == "POST":
        session = await require_staff(request, Role.ADMIN)
        body = await json_body(request)
        return JSONResponse(await holidays.set_day(app.db, session.staff, body, app.clock.stamp()))
    year = number_text(request.query_params.get("year"), FIRST_YEAR, LAST_YEAR)
    async with app.db.read() as conn:
        return JSONResponse(await holidays.days(conn, year))


async def duty_roster(request: Request) -> Response:
    """``GET /api/board/duty?from=YYYY-MM-DD``: the week's units on duty (轮值), anyone."""
    app = studio(request)
    async with app.db.read() as conn:
        return JSONResponse(await duty.read_roster(conn, request.query_params.get("from"), app.clock.now().date()))


async def duty_day(request: Request) -> Response:
    """``PUT /api/board/duty/{day}`` ``{"units": [id, ...]}``: who is on duty that day (admins)."""
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    body = await json_body(request)
    return JSONResponse(await duty.set_day(app.db, session.staff, request.path_params["day"], body, app.clock.stamp()))


async def calendar_day(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    await holidays.delete_day(app.db, session.staff, request.path_params["day"], app.clock.stamp())
    return Response(status_code=204)


def _date_param(request: Request, name: str, default: date) -> date:
    value = request.query_params.get(name)
    if not value:
        return default
    try:
        return parse_day(value)
    except ValueError:
        raise invalid(name, f"{name} 须为 YYYY-MM-DD") from None


async def stats(request: Request) -> Response:
    """Per-unit statistics for cases routed from ``from`` to ``to`` (dates, both included)."""
    app = studio(request)
    now = app.clock.now()
    first = _date_param(request, "from", date(2000, 1, 1))
    last = _date_param(request, "to", now.date())
    if last < first:
        raise invalid("to", "结束日期不能早于开始日期")
    start = datetime.combine(first, clock_time(0), tzinfo=now.tzinfo)
    end = datetime.combine(last + timedelta(days=1), clock_time(0), tzinfo=now.tzinfo)
    async with app.db.read() as conn:
        rows = await ranking.statistics(conn, start, end, now)
    body: dict[str, Any] = {"from": first.isoformat(), "to": last.isoformat(),
                            "generated_at": now.isoformat(), "units": [r.as_dict() for r in rows]}
    return JSONResponse(body)


async def weekly_ranking(request: Request) -> Response:
    app = studio(request)
    now = app.clock.now()
    week = request.query_params.get("week")
    chosen = ranking.parse_week(week, now.date())
    if week and chosen != week:
        raise invalid("week", "week 须为 ISO 周，如 2026-W47")
    async with app.db.read() as conn:
        return JSONResponse(await ranking.weekly(conn, chosen, now))


async def hot_topics(request: Request) -> Response:
    """A week's hot topics (``?week=2026-W47``, default this week) or an event's (``?event=slug``)."""
    app = studio(request)
    now = app.clock.now()
    limit = number_text(request.query_params.get("limit"), 1, TOPICS_MAX) or TOPICS_MAX
    event = request.query_params.get("event")
    week = request.query_params.get("week")
    chosen = ranking.parse_week(week, now.date())
    if week and chosen != week:
        raise invalid("week", "week 须为 ISO 周，如 2026-W47")
    async with app.db.read() as conn:
        if event:
            return JSONResponse(await topics.event_topics(conn, event, limit))
        return JSONResponse(await topics.week_topics(conn, chosen, now, limit))


async def case_audit(request: Request) -> Response:
    await require_staff(request, Role.ADMIN)
    async with studio(request).db.read() as conn:
        return JSONResponse(await actions.audit_entries(conn, int_param(request, "id")))
