"""What every JSON handler needs from a request: its studio, its body, its staff member.

Shared by the API modules (:mod:`studio.web.api`, :mod:`studio.web.board_api`,
:mod:`studio.web.desk_api`).
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request

from moderation.lifecycle import Role
from studio.accounts.sessions import (
    COOKIE_NAME,
    SAFE_METHODS,
    Session,
    csrf_ok,
    origin_allowed,
    own_origin,
)
from studio.errors import ApiError, number_text
from studio.inputs import load_json
from studio.runtime import Studio, studio_of

MAX_BODY_BYTES = 64 * 1024


def studio(request: Request) -> Studio:
    """The studio serving the request."""
    return studio_of(request.app)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request body, counted while it streams: 413 ``too_large`` as soon as a declared
    ``Content-Length`` or the bytes received (chunked bodies declare none) pass ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and (number_text(declared, 0) or 0) > limit:
        raise ApiError("too_large", "请求体过大")
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError("too_large", "请求体过大")
        parts.append(chunk)
    return b"".join(parts)


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object; 413 over the size limit, 400 ``bad_json`` when not a JSON object
    (see :func:`studio.inputs.load_json` for what else it refuses)."""
    raw = await read_body(request)
    if not raw:
        return {}
    body = load_json(raw)
    if not isinstance(body, dict):
        raise ApiError("bad_json", "请求体须为 JSON 对象")
    return body


def check_origin(request: Request) -> None:
    """403 ``origin`` unless the request comes from the site itself or an allowed origin."""
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
    """A path parameter declared ``:int``; 404 otherwise."""
    value = request.path_params[name]
    if isinstance(value, int):
        return value
    raise ApiError("not_found", "未找到")


def limit_address(request: Request, kind: str) -> None:
    """Take one ``kind`` action from the client address's bucket (``Studio.address_limiter``):
    429 ``too_fast`` with ``Retry-After`` when it is empty; nothing when rate limits are off."""
    app = studio(request)
    if app.settings.rate_limits:
        address = request.client.host if request.client else ""
        wait = app.address_limiter.take(f"{kind}:{address}", time.monotonic())
        if wait:
            raise ApiError("too_fast", "操作太频繁，请稍后再试", retry_after=round(wait, 1))
