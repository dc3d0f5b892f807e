"""The application, assembled in one place."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from studio.errors import ApiError
from studio.live import audience, staff, tracker
from studio.live.collector import freeze_startup
from studio.live.dispatch import App
from studio.live.protocol import lifespan_state
from studio.logs import redact_path
from studio.runtime import Studio, open_studio
from studio.settings import Settings, load_settings
from studio.web import (
    api,
    board_api,
    board_pages,
    desk_api,
    desk_pages,
    downloads,
    join,
    media,
    metrics,
    notify,
    pages,
    photos,
    supervision,
    trust,
)
from studio.web.templating import configure

if TYPE_CHECKING:
    from studio.live.relay import Relay

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
EMBED_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def embed_policy(origins: tuple[str, ...]) -> str:
    """The CSP of the embeddable feed: the site's policy with ``frame-ancestors`` naming the partner
    origins (``STUDIO_EMBED_ORIGINS``; none: ``'none'``, framed nowhere). An origin that is not a
    plain ``https://host[:port]`` (a ``*.`` subdomain wildcard allowed) stops the start."""
    for origin in origins:
        if not EMBED_ORIGIN.fullmatch(origin):
            raise SystemExit(f"STUDIO_EMBED_ORIGINS: not an origin: {origin!r}")
    ancestors = " ".join(origins) if origins else "'none'"
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


class SecurityHeaders:
    """Adds the CSP and friends to every HTTP response (a response that sets its own CSP keeps it,
    without ``X-Frame-Options``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                own = dict(message.get("headers", [])).get(b"content-security-policy", b"")
                if own and b"frame-ancestors 'none'" not in own:
                    # a page with its own policy (the embed) names who may frame it there
                    names.add(b"x-frame-options")
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if not wants_json(request):
        return pages.error_page(request, exc)
    headers = {}
    if exc.code == "too_fast" and "retry_after" in exc.extra:
        headers["Retry-After"] = str(max(1, round(float(exc.extra["retry_after"]))))
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "not_allowed", 413: "too_large"}.get(exc.status_code, "invalid")
    message = {404: "未找到", 405: "不支持的请求方法"}.get(exc.status_code, str(exc.detail))
    return await api_error(request, ApiError(code, message, http_status=exc.status_code))


class LastResort:
    """Answers 500 ``internal`` for an exception no handler took, logs it once, and keeps the
    connection: Starlette's own last handler re-raises after answering, and uvicorn then logs the
    error a second time and closes the connection under the client's next keep-alive request.

    A client that hangs up before its request body has arrived is no error of ours: there is
    no one to answer, nothing was done (the handler stopped reading), and it is logged at
    ``info`` with its path as the access log writes it (tracking codes left out)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ClientDisconnect:
            log.info("client left before its request was read: %s %s", scope.get("method"),
                     redact_path(scope.get("path", "")))
        except Exception as exc:
            log.error("unhandled error on %s %s", scope.get("method"), redact_path(scope.get("path", "")),
                      exc_info=exc)
            if not started:
                response = await api_error(Request(scope), ApiError("internal", "服务器内部错误"))
                await response(scope, receive, send)


class IdConvertor(IntegerConvertor):
    """Ids in paths (``{id:int}``): 1 to 18 digits without a leading zero, so always within the
    store's range; ``0``, ``007`` or a longer number match no route (404)."""

    regex = "[1-9][0-9]{0,17}"


register_url_convertor("int", IdConvertor())


def build_templates(settings: Settings) -> Jinja2Templates:
    environment = Environment(
        loader=FileSystemLoader(settings.templates_dir),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    configure(environment, settings)
    return Jinja2Templates(env=environment)


def start_relay(studio: Studio) -> Relay:
    """The owner's relay for audience edges (a Redis broadcast only)."""
    # Imported only with a Redis broadcast, like the backend itself (backend_from_url).
    from studio.live.relay import start_relay as start

    return start(studio)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        app.state.studio = studio = await open_studio(settings)
        relay = start_relay(studio) if settings.broadcast_url.startswith("redis") else None
        freeze_startup()
        try:
            yield lifespan_state(settings)
        finally:
            if relay is not None:
                await relay.stop()
            await studio.close()

    app = App(
        routes=[
            Route("/", pages.home),
            Route("/events/{slug}", pages.event_page),
            Route("/events/{slug}/screen", pages.screen_page),
            Route("/events/{slug}/embed", join.embed_page),
            Route("/events/{slug}/qr.{kind}", join.event_qr),
            Route("/j/{id:int}", join.short_link),
            Route("/track/{code}", pages.track_page),
            Route("/board", board_pages.board_page),
            Route("/board/cases/{id:int}", board_pages.case_page),
            Route("/studio/", pages.studio_home),
            Route("/studio/login", pages.login_page),
            Route("/studio/events/{slug}/moderate", pages.moderate_page),
            Route("/studio/events/{slug}/answer", pages.official_page),
            Route("/studio/events/{slug}/audit", pages.audit_page),
            Route("/studio/lexicon", desk_pages.lexicon_page),
            Route("/studio/reasons", desk_pages.reasons_page),
            Route("/healthz", api.health),
            Route("/metrics", metrics.metrics),
            Route("/api/login", api.login, methods=["POST"]),
            Route("/api/logout", api.logout, methods=["POST"]),
            Route("/api/me", api.me),
            Route("/api/units", api.units, methods=["GET", "POST"]),
            Route("/api/staff", api.staff, methods=["GET", "POST"]),
            Route("/api/staff/{username}", api.staff_member, methods=["PATCH"]),
            Route("/api/staff/{username}/photo", photos.staff_photo, methods=["PUT", "DELETE"]),
            Route("/photos/{token}.jpg", photos.served_photo),
            # Photos on messages (docs/api.md "Photos on messages").
            Route("/api/photos", media.upload, methods=["POST"]),
            Route("/media/{token}.jpg", media.served),
            Route("/api/photos/{token}/{action}", media.photo_action, methods=["POST"]),
            Route("/api/board/track/{code}/photos", media.add_to_case, methods=["POST"]),
            Route("/api/board/photos", media.pending_photos),
            Route("/api/events", api.events_collection, methods=["GET", "POST"]),
            Route("/api/events/{slug}", api.event_detail, methods=["GET", "PATCH"]),
            Route("/api/events/{slug}/open", api.event_open, methods=["POST"]),
            Route("/api/events/{slug}/close", api.event_close, methods=["POST"]),
            Route("/api/events/{slug}/questions", api.ask, methods=["POST"]),
            Route("/api/events/{slug}/queue", api.queue),
            Route("/api/events/{slug}/messages", api.messages, methods=["POST"]),
            Route("/api/events/{slug}/screen", api.screen_show, methods=["GET", "POST"]),
            Route("/api/events/{slug}/transcript", api.transcript),
            Route("/api/events/{slug}/audit", api.audit_log),
            Route("/api/track/{code}", api.track),
            # the moderation desk (docs/moderation.md)
            Route("/api/questions/{id:int}/claim", desk_api.claim, methods=["POST", "DELETE"]),
            Route("/api/events/{slug}/bulk", desk_api.bulk, methods=["POST"]),
            Route("/api/events/{slug}/stats", desk_api.event_stats),
            Route("/api/reasons", desk_api.reason_collection, methods=["GET", "POST"]),
            Route("/api/reasons/{code}", desk_api.reason_item, methods=["PATCH"]),
            Route("/api/lexicon", desk_api.lexicon_collection, methods=["GET", "POST"]),
            Route("/api/lexicon/import", desk_api.lexicon_import, methods=["POST"]),
            Route("/api/lexicon/export", desk_api.lexicon_export),
            Route("/api/lexicon/{id:int}", desk_api.lexicon_item, methods=["DELETE"]),
            Route("/api/questions/{id:int}/{action}", api.question_action, methods=["POST"]),
            Route("/api/board/cases", api.board_cases),
            Route("/api/board/cases/{id:int}", api.board_case),
            # The board's case life (docs/board.md).
            Route("/board/new", board_pages.new_case_page),
            Route("/board/track/{code}", board_pages.track_page),
            Route("/board/ranking", board_pages.ranking_page),
            Route("/board/ranking.xlsx", board_pages.ranking_xlsx),
            Route("/studio/board", board_pages.console_page),
            Route("/studio/calendar", board_pages.calendar_page),
            Route("/studio/topics", board_pages.topics_page),
            Route("/api/board/submissions", board_api.submissions_collection, methods=["GET", "POST"]),
            Route("/api/board/submissions/{id:int}/{action}", board_api.submission_action,
                  methods=["POST"]),
            Route("/api/board/track/{code}", board_api.submission_track),
            Route("/api/board/routing", board_api.routing_queue),
            Route("/api/board/suggest", board_api.suggest, methods=["POST"]),
            Route("/api/board/unit-categories", board_api.unit_categories),
            Route("/api/units/{id:int}/categories", board_api.set_unit_categories, methods=["PUT"]),
            Route("/api/board/overdue", board_api.overdue),
            Route("/api/board/cases/{id:int}/audit", board_api.case_audit),
            Route("/api/board/cases/{id:int}/rating", board_api.case_rating, methods=["POST"]),
            Route("/api/board/supervision", supervision.console_api),
            Route("/api/board/supervision/report", supervision.report_api),
            Route("/api/board/cases/{id:int}/supervision", supervision.case_record),
            Route("/api/board/cases/{id:int}/urge", supervision.urge, methods=["POST"]),
            Route("/api/board/cases/{id:int}/follow-ups", supervision.follow_up, methods=["POST"]),
            Route("/studio/supervision", supervision.console_page),
            Route("/studio/supervision/report", supervision.report_page),
            Route("/studio/supervision/report.xlsx", supervision.report_xlsx),
            Route("/api/board/cases/{id:int}/support", board_api.case_support, methods=["POST"]),
            Route("/api/board/cases/{id:int}/{action}", board_api.case_action, methods=["POST"]),
            Route("/api/board/calendar", board_api.calendar, methods=["GET", "POST"]),
            Route("/api/board/calendar/{day}", board_api.calendar_day, methods=["DELETE"]),
            Route("/api/board/duty", board_api.duty_roster),
            Route("/api/board/duty/{day}", board_api.duty_day, methods=["PUT"]),
            Route("/api/board/stats", board_api.stats),
            Route("/api/board/ranking", board_api.weekly_ranking),
            Route("/api/board/topics", board_api.hot_topics),
            Route("/api/units/{id:int}/cases", board_api.unit_cases),
            # Board search, categories, transcript exports and feeds.
            Route("/api/board/categories", api.board_categories),
            Route("/events/{slug}/transcript.{fmt}", downloads.transcript_export),
            Route("/board/feed.atom", downloads.board_feed),
            Route("/board/units/{id:int}/feed.atom", downloads.board_feed),
            # The audit chain's head and links, the privacy notice, askers retracting their own.
            Route("/audit", trust.audit_page),
            Route("/audit/feed.atom", trust.audit_feed),
            Route("/privacy", trust.privacy_page),
            Route("/api/audit/head", trust.audit_head),
            Route("/api/audit/entries", trust.audit_entries),
            Route("/api/audit/entries/{id:int}", trust.audit_entry),
            Route("/api/openapi.json", trust.openapi_document),
            Route("/api/asyncapi.json", trust.asyncapi_document),
            Route("/api/track/{code}/retract", trust.retract_question, methods=["POST"]),
            Route("/api/board/track/{code}/retract", trust.retract_submission, methods=["POST"]),
            Route("/track/{code}/retract", trust.retract_form, methods=["POST"]),
            Route("/board/track/{code}/retract", trust.retract_form, methods=["POST"]),
            Route("/api/contacts/verify", notify.verify_contact, methods=["POST"]),
            Route("/api/contacts/resend", notify.resend_code, methods=["POST"]),
            Route("/api/notifications", notify.notifications),
            Route("/api/notifications/{id:int}/retry", notify.retry_notification, methods=["POST"]),
            Route("/api/units/{id:int}/email", notify.unit_email, methods=["PUT"]),
            Route("/studio/notifications", notify.outbox_page),
            Route("/api/{rest:path}", api.api_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
            WebSocketRoute("/ws/events/{slug}", audience.audience_socket),
            WebSocketRoute("/ws/events/{slug}/staff", staff.staff_socket),
            WebSocketRoute("/ws/track/{code}", tracker.track_socket),
            Mount("/static", StaticFiles(directory=settings.static_dir), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders), Middleware(LastResort)],
        exception_handlers={ApiError: api_error, HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = build_templates(settings)
    app.state.embed_policy = embed_policy(settings.embed_origins)
    app.state.content_security_policy = CONTENT_SECURITY_POLICY
    return app
