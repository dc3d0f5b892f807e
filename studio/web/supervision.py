"""Supervision (督办): the supervisor's console and weekly report pages, and their API.

Routes are listed in ``studio/app.py``; the contract is in docs/api.md ("Supervision"); the rules in
docs/board.md ("Supervision (督办)"). Supervisors and admins only: other staff get 403
``not_supervisor`` (a 403 page on the pages).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from studio.accounts import directory
from studio.accounts.sessions import Session
from studio.board import ranking, supervision, supervision_report
from studio.errors import ApiError, invalid
from studio.labels import FOLLOW_UP, SUPERVISION_KIND
from studio.runtime import studio_of
from studio.web.pages import render, staff_session, to_login
from studio.web.requests import int_param, json_body, require_staff, studio

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _supervisor(request: Request) -> Session:
    session = await require_staff(request)
    supervision.check_supervisor(session.staff)
    return session


async def _page_session(request: Request) -> Session | Response:
    """The supervisor's session for a page; else the sign-in page, or a 403 page for other staff."""
    session = await staff_session(request)
    if session is None:
        return to_login(request)
    if session.staff.role not in supervision.SUPERVISORS:
        return render(request, "error.html", 403, status_code=403, message="只有督查考评人员可以查看督办台")
    return session


def _week(request: Request) -> str:
    app = studio(request)
    week = request.query_params.get("week")
    chosen = ranking.parse_week(week, app.clock.now().date())
    if week and chosen != week:
        raise invalid("week", "week 须为 ISO 周，如 2026-W47")
    return chosen


async def console_api(request: Request) -> Response:
    """``GET /api/board/supervision?unit=&kind=``: every unit's overdue and 不满意 cases."""
    await _supervisor(request)
    app = studio(request)
    unit_id, kind = supervision.parse_filter(request.query_params.get("unit"),
                                             request.query_params.get("kind"))
    async with app.db.read() as conn:
        return JSONResponse(await supervision.console(conn, app.clock.now(), unit_id, kind))


async def case_record(request: Request) -> Response:
    """``GET /api/board/cases/{id}/supervision``: the case's urgings and follow-ups."""
    await _supervisor(request)
    async with studio(request).db.read() as conn:
        return JSONResponse(await supervision.record(conn, int_param(request, "id")))


async def urge(request: Request) -> Response:
    """``POST /api/board/cases/{id}/urge`` ``{"text"}``: an urging notice to the case's unit."""
    session = await _supervisor(request)
    body = await json_body(request)
    app = studio(request)
    return JSONResponse(await supervision.urge(app.db, app.clock, session.staff,
                                               int_param(request, "id"), body), 201)


async def follow_up(request: Request) -> Response:
    """``POST /api/board/cases/{id}/follow-ups`` ``{"kind", "outcome"}``: a call or meeting recorded."""
    session = await _supervisor(request)
    body = await json_body(request)
    app = studio(request)
    return JSONResponse(await supervision.follow_up(app.db, app.clock, session.staff,
                                                    int_param(request, "id"), body), 201)


async def report_api(request: Request) -> Response:
    """``GET /api/board/supervision/report?week=``: the weekly supervision report."""
    await _supervisor(request)
    app = studio(request)
    week = _week(request)
    async with app.db.read() as conn:
        return JSONResponse(await supervision_report.weekly(conn, week, app.clock.now()))


async def console_page(request: Request) -> Response:
    """``/studio/supervision``: the console, filtered by ``unit`` and ``kind``; a bad filter shows
    every case."""
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    app = studio_of(request.app)
    try:
        unit_id, kind = supervision.parse_filter(request.query_params.get("unit"),
                                                 request.query_params.get("kind"))
    except ApiError:
        unit_id, kind = None, None
    async with app.db.read() as conn:
        found = await supervision.console(conn, app.clock.now(), unit_id, kind)
        records: dict[int, Any] = {c["id"]: await supervision.record(conn, c["id"])
                                   for c in found["cases"] if c["urgings"] or c["followups"]}
        units = await directory.list_units(conn)
    return render(request, "studio/supervision.html", me=session.staff.public(),
                  csrf_token=session.csrf_token, console=found, records=records, units=units,
                  kinds=SUPERVISION_KIND, follow_up=FOLLOW_UP)


async def _report(request: Request) -> dict[str, Any]:
    app = studio_of(request.app)
    week = ranking.parse_week(request.query_params.get("week"), app.clock.now().date())
    async with app.db.read() as conn:
        return await supervision_report.weekly(conn, week, app.clock.now())


async def report_page(request: Request) -> Response:
    """``/studio/supervision/report?week=``: the weekly report, printable."""
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    report = await _report(request)
    return render(request, "studio/supervision_report.html", me=session.staff.public(),
                  csrf_token=session.csrf_token, report=report, columns=supervision_report.COLUMNS)


async def report_xlsx(request: Request) -> Response:
    """``/studio/supervision/report.xlsx?week=``: the same report as a workbook."""
    session = await _page_session(request)
    if isinstance(session, Response):
        return session
    report = await _report(request)
    return Response(supervision_report.xlsx(report), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="supervision-{report["week"]}.xlsx"'})
