"""The board's pages: the search page, a case, 我要留言, tracking, the ranking report, the unit console, the calendar,
hot topics."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from moderation.lifecycle import Role
from studio.accounts import directory
from studio.accounts.viewer import viewer_of
from studio.board import (
    actions,
    categories,
    duty,
    holidays,
    ranking,
    records,
    search,
    submissions,
    suggest,
    supervision,
    support,
    topics,
)
from studio.board.stats import week_of
from studio.clock import FIRST_YEAR, LAST_YEAR
from studio.desk import photos as message_photos
from studio.desk import reasons
from studio.errors import ApiError, number_text
from studio.events import manage
from studio.runtime import studio_of
from studio.web.pages import admin_session, not_found, render, staff_session, to_login, with_viewer

TOPICS_SHOWN = 10
TOPICS_PUBLIC = 5


async def new_case_page(request: Request) -> Response:
    async with studio_of(request.app).db.read() as conn:
        units = await directory.list_units(conn)
    return with_viewer(request, render(request, "board_new.html", units=units))


async def track_page(request: Request) -> Response:
    async with studio_of(request.app).db.read() as conn:
        view = await submissions.track(conn, request.path_params["code"])
    if view is None:
        return not_found(request, "查询码无效")
    return render(request, "board_track.html", tracking=view)


async def _report(request: Request) -> dict[str, Any]:
    app = studio_of(request.app)
    now = app.clock.now()
    week = ranking.parse_week(request.query_params.get("week"), now.date())
    async with app.db.read() as conn:
        return await ranking.weekly(conn, week, now)


async def ranking_page(request: Request) -> Response:
    report = await _report(request)
    return render(request, "ranking.html", report=report, charts=ranking.charts(report),
                  columns=ranking.COLUMNS)


async def ranking_xlsx(request: Request) -> Response:
    report = await _report(request)
    filename = f"ranking-{report['week']}.xlsx"
    return Response(
        ranking.xlsx(report),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def console_page(request: Request) -> Response:
    """The board console: a unit's cases for officials; submissions and routing for moderators."""
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    staff = session.staff
    app = studio_of(request.app)
    now = app.clock.stamp()
    context: dict[str, Any] = {"me": staff.public(), "csrf_token": session.csrf_token}
    async with app.db.read() as conn:
        context["units"] = await directory.list_units(conn)
        unit_id = staff.unit_id
        if staff.role is Role.ADMIN:
            unit_id = number_text(request.query_params.get("unit"))
        if staff.role in (Role.MODERATOR, Role.ADMIN):
            context["submissions"] = await submissions.pending(conn)
            context["added_photos"] = await message_photos.added_pending(conn)
            context["reasons"] = await reasons.list_reasons(conn)
            context["routing"] = await actions.routing_queue(conn, now)
            context["can_suggest"] = await suggest.can_learn(conn)
        if staff.role is Role.ADMIN:
            context["unit_mapping"] = await suggest.unit_mapping(conn)
            context["category_choices"] = await suggest.category_choices(conn)
            context["overdue"] = await actions.overdue_cases(conn, now)
        if unit_id is not None and staff.role in (Role.OFFICIAL, Role.ADMIN):
            groups = await actions.unit_cases(conn, unit_id, now)
            details = {}
            for group in ("to_accept", "accepted", "reopened", "replied"):
                for case in groups[group]:
                    details[case["id"]] = await actions.staff_case(conn, case["id"], now)
            context["groups"] = groups
            context["urged"] = await supervision.waiting_for_unit(conn, unit_id)
            context["details"] = details
            context["unit_id"] = unit_id
            context["unit_name"] = next((u["name"] for u in context["units"] if u["id"] == unit_id), "")
    return render(request, "studio/board.html", **context)


async def topics_page(request: Request) -> Response:
    """Hot topics for staff: a week's (``?week=``) or an event's (``?event=``), with a heat chart."""
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    app = studio_of(request.app)
    now = app.clock.now()
    week = ranking.parse_week(request.query_params.get("week"), now.date())
    slug = request.query_params.get("event") or ""
    async with app.db.read() as conn:
        events = await manage.list_events(conn)
        choices = [e for group in ("live", "upcoming", "past") for e in events.get(group, [])]
        report = await topics.week_topics(conn, week, now, TOPICS_SHOWN)
        if slug:
            try:
                report = {**report, **await topics.event_topics(conn, slug, TOPICS_SHOWN)}
            except ApiError:
                return not_found(request, "没有这场访谈")
    title = f"《{report['event']['title']}》的热点问题" if slug else f"{week} 的热点问题"
    return render(request, "studio/topics.html", me=session.staff.public(), csrf_token=session.csrf_token,
                  report=report, week=week, slug=slug, events=choices, heading=title,
                  chart=topics.chart("热度指数", report["topics"]) if report["topics"] else None)


async def calendar_page(request: Request) -> Response:
    session = await admin_session(request, "只有管理员可以维护节假日")
    if isinstance(session, Response):
        return session
    app = studio_of(request.app)
    year = (number_text(request.query_params.get("year"), FIRST_YEAR, LAST_YEAR)
            or app.clock.now().year)
    async with app.db.read() as conn:
        days = await holidays.days(conn, year)
    return render(request, "studio/calendar.html", me=session.staff.public(),
                  csrf_token=session.csrf_token, days=days, year=year)


async def board_page(request: Request) -> Response:
    app = studio_of(request.app)
    query = search.parse(request.query_params)
    async with app.db.read() as conn:
        result = await search.search_cases(conn, query, app.clock.stamp())
        units = await directory.list_units(conn)
        tree = [c for c in await categories.tree(conn) if c["level"] <= 2]
        past = (await manage.list_events(conn))["past"]
        on_duty = (await duty.roster(conn, app.clock.now().date(), 1))[0]
        now = app.clock.now()
        hot = await topics.week_topics(conn, week_of(now.date()), now, TOPICS_PUBLIC, wait=False)
    return render(request, "board.html", result=result, query=query, q=query.q, status=query.status,
                  unit=query.unit, units=units, categories=tree, events=past, on_duty=on_duty, hot=hot)


async def case_page(request: Request) -> Response:
    """A public case; the viewer cookie given here is who its 同问 button counts; a signed-in
    moderator or admin also gets every photo of it with their tools."""
    app = studio_of(request.app)
    viewer = viewer_of(request.cookies, app.viewer_signer)
    session = await staff_session(request)
    moderator = session is not None and session.staff.role in message_photos.MODERATORS
    async with app.db.read() as conn:
        case = await records.public_case(conn, request.path_params["id"], app.clock.stamp())
        supported = case is not None and await support.supported(conn, case["id"], viewer)
        photos = (await message_photos.case_photos(conn, case, staff=session.staff)
                  if case and moderator and session else [])
    if case is None:
        return not_found(request, "没有这条留言")
    return with_viewer(request, render(request, "case.html", case=case, supported=supported,
                                       moderated_photos=photos,
                                       csrf_token=session.csrf_token if moderator and session else None))
