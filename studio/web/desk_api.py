"""HTTP API of the moderation desk: claims, bulk actions, the reason catalogue, public counts.

Routes are listed in ``studio/app.py``; the contract is in docs/api.md.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from moderation.lifecycle import Action, Role
from studio.desk import claims, reasons, wordlist
from studio.errors import ApiError, invalid, number_text, whole_number
from studio.events import questions
from studio.store.desk import question_ids_in_event
from studio.store.events import event_row
from studio.store.questions import question_counts
from studio.web.requests import int_param, json_body, require_staff, studio

MAX_BULK = 200
LEXICON_PAGE = 200
MAX_LEXICON_PAGE = 100_000
BULK_ACTIONS = (Action.APPROVE, Action.REJECT)


async def claim(request: Request) -> Response:
    """POST claims (or renews) a question for the caller; DELETE releases it."""
    session = await require_staff(request, Role.ADMIN, Role.MODERATOR)
    app = studio(request)
    question_id = int_param(request, "id")
    if request.method == "DELETE":
        released = await claims.release(app.db, session.staff, question_id)
        return JSONResponse({"question": question_id, "released": released})
    return JSONResponse(await claims.claim(app.db, session.staff, question_id,
                                           app.settings.claim_seconds))


async def bulk(request: Request) -> Response:
    """Approve or reject a selection; each item in its own transaction with its own version.

    Body ``{action: "approve"|"reject", items: [{id, version}], reason?, note?}``;
    answers 200 ``{results: [{id, ok: true, question} | {id, ok: false, error}]}``
    in the order given: one stale item never holds back the others.
    """
    session = await require_staff(request, Role.ADMIN, Role.MODERATOR)
    app = studio(request)
    body = await json_body(request)
    try:
        action = Action(str(body.get("action", "")))
    except ValueError:
        action = None
    if action not in BULK_ACTIONS:
        raise invalid("action", "批量操作只支持 approve 或 reject")
    items = body.get("items")
    if not isinstance(items, list) or not items or len(items) > MAX_BULK:
        raise invalid("items", f"items 须为 1–{MAX_BULK} 个 {{id, version}}")
    parsed: list[tuple[int, int]] = []
    for item in items:
        if not isinstance(item, dict):
            raise invalid("items", "items 的每一项须为 {id, version}")
        parsed.append((whole_number(item.get("id"), "items", "id 须为整数"),
                       whole_number(item.get("version"), "items", "version 须为整数")))
    async with app.db.read() as conn:
        event = await event_row(conn, request.path_params["slug"])
        if event is None:
            raise ApiError("not_found", "没有这场访谈")
        in_event = await question_ids_in_event(conn, event["id"],
                                               (question_id for question_id, _ in parsed))
    extra: dict[str, Any] = {key: body[key] for key in ("reason", "note") if key in body}
    results: list[dict[str, Any]] = []
    for question_id, version in parsed:
        if question_id not in in_event:
            results.append({"id": question_id, "ok": False,
                            "error": {"code": "not_found", "message": "本场访谈没有这个提问"}})
            continue
        try:
            question = await questions.act(
                app.db, app.clock, session.staff, question_id, action,
                {"version": version, **extra}, max_chars=app.settings.max_question_chars,
            )
        except ApiError as exc:
            results.append({"id": question_id, "ok": False, "error": exc.body()["error"]})
            continue
        results.append({"id": question_id, "ok": True, "question": question})
    return JSONResponse({"action": action.value, "results": results})


async def reason_collection(request: Request) -> Response:
    """GET: the active reasons (``?all=1``, admins: every one); POST (admin): a new reason."""
    app = studio(request)
    if request.method == "POST":
        session = await require_staff(request, Role.ADMIN)
        body = await json_body(request)
        return JSONResponse(await reasons.create_reason(app.db, body, by=session.staff.username,
                                                        at=app.clock.stamp()), 201)
    everything = request.query_params.get("all") == "1"
    if everything:
        await require_staff(request, Role.ADMIN)
    async with app.db.read() as conn:
        return JSONResponse(await reasons.list_reasons(conn, include_inactive=everything))


async def reason_item(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    body = await json_body(request)
    return JSONResponse(await reasons.update_reason(app.db, request.path_params["code"], body,
                                                    by=session.staff.username, at=app.clock.stamp()))


async def event_stats(request: Request) -> Response:
    """Public transparency counts of an event (and the viewers this process counts)."""
    app = studio(request)
    async with app.db.read() as conn:
        row = await event_row(conn, request.path_params["slug"])
        if row is None:
            raise ApiError("not_found", "没有这场访谈")
        counts = await question_counts(conn, row["id"])
    return JSONResponse({"viewers": app.audience[row["id"]], **counts})


async def lexicon_collection(request: Request) -> Response:
    """GET (admin): terms filtered by ``q``, ``category``, ``level``; POST (admin): add a term."""
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    if request.method == "POST":
        body = await json_body(request)
        return JSONResponse(await wordlist.add_term(app.db, body, by=session.staff.username,
                                                    at=app.clock.stamp()), 201)
    params = request.query_params
    page = number_text(params.get("page"), 1, MAX_LEXICON_PAGE) or 1
    offset = (page - 1) * LEXICON_PAGE
    async with app.db.read() as conn:
        return JSONResponse(await wordlist.list_terms(
            conn, q=params.get("q", "")[:50], category=params.get("category", "")[:32],
            level=params.get("level", "")[:10], limit=LEXICON_PAGE, offset=offset))


async def lexicon_item(request: Request) -> Response:
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    await wordlist.remove_term(app.db, int_param(request, "id"), by=session.staff.username,
                               at=app.clock.stamp())
    return Response(status_code=204)


async def lexicon_import(request: Request) -> Response:
    """``{text, replace?}`` in the lexicon file format; a bad line answers 400 with its ``line``."""
    session = await require_staff(request, Role.ADMIN)
    app = studio(request)
    body = await json_body(request)
    replace = body.get("replace", False)
    if not isinstance(replace, bool):
        raise invalid("replace", "replace 须为 true 或 false")
    return JSONResponse(await wordlist.import_terms(app.db, body.get("text"), replace=replace,
                                                    by=session.staff.username, at=app.clock.stamp()))


async def lexicon_export(request: Request) -> Response:
    await require_staff(request, Role.ADMIN)
    async with studio(request).db.read() as conn:
        text = await wordlist.export_text(conn)
    return PlainTextResponse(text, headers={
        "Content-Disposition": 'attachment; filename="lexicon.txt"'})
