"""HTTP handlers for the board's downloads: transcript exports and Atom feeds."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from studio.board import exports, feeds
from studio.errors import ApiError
from studio.events import manage
from studio.runtime import studio_of
from studio.store.events import event_row
from studio.store.units import unit_by_id


def base_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


async def transcript_export(request: Request) -> Response:
    """``/events/{slug}/transcript.{md|json|csv}``: the closed event's transcript as a download."""
    fmt = request.path_params["fmt"]
    if fmt not in exports.FORMATS:
        raise ApiError("not_found", "不支持的导出格式（md、json、csv）")
    async with studio_of(request.app).db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        if row["status"] != "closed":
            raise ApiError("not_allowed", "访谈结束后才能导出文字实录")
        transcript = await manage.transcript(conn, row)
    body = exports.render(transcript, fmt, base_url(request))
    filename = f"{row['slug']}-transcript.{fmt}"
    return Response(body, media_type=exports.FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def board_feed(request: Request) -> Response:
    """``/board/feed.atom`` and ``/board/units/{id}/feed.atom``: newly replied cases."""
    app = studio_of(request.app)
    unit_id = request.path_params.get("id")
    async with app.db.read() as conn:
        title, alternate = "留言板 · 最新答复", "/board"
        if unit_id is not None:
            unit = await unit_by_id(conn, unit_id)
            if unit is None:
                raise ApiError("not_found", "没有这个办理单位")
            title, alternate = f"留言板 · {unit['name']} · 最新答复", f"/board?unit={unit_id}"
        entries = await feeds.replied(conn, unit_id)
    body = feeds.atom(base=base_url(request), path=request.url.path, title=title,
                      alternate=alternate, entries=entries, now=app.clock.stamp())
    return Response(body, media_type="application/atom+xml; charset=utf-8")
