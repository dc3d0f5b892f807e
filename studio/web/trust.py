"""The public side of trust: the audit chain's head and links (page, API and the closing heads'
Atom feed) with a check of a saved head, the privacy page, and askers retracting their own
pending question or board message with its tracking code."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from studio.atom import Entry, Feed, document
from studio.auditchain import check_path, compare_saved, saved_head
from studio.board import submissions
from studio.desk import photos
from studio.errors import ApiError, number_text
from studio.events import retract
from studio.store import audit
from studio.store.events import closing_heads
from studio.web import asyncapi, openapi
from studio.web.downloads import base_url
from studio.web.pages import render
from studio.web.requests import check_origin, int_param, studio

LINKS_PAGE = 100
LINKS_MAX = 1000
HEADS_IN_FEED = 100
HEADS_ON_PAGE = 10


async def audit_head(request: Request) -> Response:
    """``GET /api/audit/head``: the audit chain's last entry number and hash, for anyone to save."""
    async with studio(request).db.read() as conn:
        head = await audit.head(conn)
    return JSONResponse(head.public())


async def audit_entries(request: Request) -> Response:
    """``GET /api/audit/entries?after=N&limit=K``: the chain's links after entry N (0: from the
    first), K at a time (100 unless given, at most 1000), numbers and hashes only, with the
    current head — enough for anyone to follow the links from a head they saved to today's."""
    query = request.query_params
    after = number_text(query.get("after") or "0", 0)
    limit = number_text(query.get("limit") or str(LINKS_PAGE), 1, LINKS_MAX)
    if after is None or limit is None:
        raise ApiError("invalid", f"after 须为 0 或更大的整数，limit 须为 1–{LINKS_MAX} 的整数")
    async with studio(request).db.read() as conn:
        head = await audit.head(conn)
        found = await audit.links(conn, after, limit)
    return JSONResponse({"entries": [link.public() for link in found], "head": head.public()})


async def audit_entry(request: Request) -> Response:
    """``GET /api/audit/entries/{id}``: one entry's number and hashes (no content); 404 past the head."""
    async with studio(request).db.read() as conn:
        found = await audit.link(conn, int_param(request, "id"))
    if found is None:
        raise ApiError("not_found", "审计链中没有这一条")
    return JSONResponse(found.public())


async def audit_feed(request: Request) -> Response:
    """``/audit/feed.atom``: the audit chain's head as each event closed, newest first — for
    anyone to subscribe to, so copies of the heads are kept outside the studio, dated."""
    base = base_url(request)
    async with studio(request).db.read() as conn:
        rows = await closing_heads(conn, HEADS_IN_FEED)
    entries = []
    for row in rows:
        entry, digest = row["audit_head_entry"], row["audit_head_hash"]
        check = base + check_path({"entry": entry, "hash": digest})
        entries.append(Entry(
            id=f"{base}/events/{row['slug']}#tr-audit", title=f"{row['title']} · 结束时的审计链头：第 {entry} 条",
            updated=row["closed_at"], link=check, author="审计链", summary=f"SHA-256 {digest}",
            content=(f"《{row['title']}》于 {row['closed_at']} 结束，审计链当时的链头为第 {entry} 条，"
                     f"SHA-256 {digest}。保存这一条，日后可在 {check} 核对在此之前的记录没有被改写。")))
    updated = rows[0]["closed_at"] if rows else studio(request).clock.stamp()
    feed = Feed(base + request.url.path, "审计链 · 每场访谈结束时的链头", f"{base}/audit", "审计链", updated)
    return Response(document(feed, entries), media_type="application/atom+xml; charset=utf-8")


async def audit_page(request: Request) -> Response:
    """``/audit``: the head of the chain, the heads of the latest closed events (each with its
    check) and how to check a saved one. With ``?entry=N&hash=H`` (the page's form, or a
    transcript's link) it says how that saved head stands against the chain now
    (``studio.auditchain.compare_saved``); a malformed one is said to be so."""
    query = request.query_params
    asked = "entry" in query or "hash" in query
    saved = saved_head(query.get("entry", ""), query.get("hash", "")) if asked else None
    async with studio(request).db.read() as conn:
        head = await audit.head(conn)
        stored = await audit.link(conn, saved.entry) if saved and saved.entry > 0 else None
        closed = [{"slug": row["slug"], "title": row["title"], "closed_at": row["closed_at"],
                   "entry": row["audit_head_entry"], "hash": row["audit_head_hash"]}
                  for row in await closing_heads(conn, HEADS_ON_PAGE)]
    check = None
    if saved is not None:
        check = {"entry": saved.entry, "hash": saved.hash, "outcome": compare_saved(saved, stored, head),
                 "stored": stored.hash if stored else None}
    return render(request, "audit.html", head=head.public(), check=check, malformed=asked and saved is None,
                  closed=closed,
                  entry=query.get("entry", "")[:20], hash=query.get("hash", "")[:80])


async def privacy_page(request: Request) -> Response:
    """``/privacy``: what personal data is kept, why and for how long (from the settings)."""
    settings = studio(request).settings
    return render(request, "privacy.html", retention_days=settings.address_retention_days,
                  contact_days=settings.contact_retention_days)


async def retract_question(request: Request) -> Response:
    """``POST /api/track/{code}/retract``: the asker retracts their pending question (the code is the proof)."""
    check_origin(request)
    app = studio(request)
    done = await retract.retract(app.db, app.clock.stamp(), request.path_params["code"])
    await photos.forget(app.db, app.media, question_id=done["question_id"])
    return JSONResponse(done)


async def retract_submission(request: Request) -> Response:
    """``POST /api/board/track/{code}/retract``: the author retracts their pending board message."""
    check_origin(request)
    app = studio(request)
    done = await submissions.retract(app.db, app.clock, request.path_params["code"])
    await photos.forget(app.db, app.media, submission_id=done["submission_id"])
    return JSONResponse(done)


async def retract_form(request: Request) -> Response:
    """The tracking pages' 撤回 button (a plain form, so it works without scripts): retract, then
    back to the tracking page, which now says so; a refusal shows as an error page."""
    check_origin(request)
    app = studio(request)
    code = request.path_params["code"]
    board = request.url.path.startswith("/board/")
    try:
        if board:
            done = await submissions.retract(app.db, app.clock, code)
            await photos.forget(app.db, app.media, submission_id=done["submission_id"])
        else:
            done = await retract.retract(app.db, app.clock.stamp(), code)
            await photos.forget(app.db, app.media, question_id=done["question_id"])
    except ApiError as error:
        return render(request, "error.html", error.status_code, status_code=error.status_code,
                      message=error.message)
    return RedirectResponse(f"/board/track/{quote(code)}" if board else f"/track/{quote(code)}", status_code=303)


async def openapi_document(request: Request) -> Response:
    """``GET /api/openapi.json``: the HTTP contract, built from this app's routing table."""
    return JSONResponse(openapi.document(request.app.routes))


async def asyncapi_document(request: Request) -> Response:
    """``GET /api/asyncapi.json``: the WebSocket frames."""
    return JSONResponse(asyncapi.document())
