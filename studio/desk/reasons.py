"""The catalogue of rejection reasons: a code, the wording the asker sees, active, order.

A rejection names a reason by its code; the question keeps the code and the
wording it was given at that moment (``questions.reason``), so a later edit
of the catalogue never rewrites what an asker was told. Retired reasons stay
(``active = 0``) so old rejections still count under them.
"""

from __future__ import annotations

import re
from typing import Any

from moderation.lifecycle import Role
from studio.errors import ApiError, invalid
from studio.store import audit
from studio.store import reasons as reason_rows
from studio.store.database import Database, Queryable

CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_WORDING = 50
MAX_NOTE = 200


def reason_view(row: Any) -> dict[str, Any]:
    return {"code": row["code"], "text": row["text"], "active": bool(row["active"]),
            "position": row["position"]}


async def list_reasons(conn: Queryable, *, include_inactive: bool = False) -> list[dict[str, Any]]:
    rows = await reason_rows.reason_rows(conn, include_inactive=include_inactive)
    return [reason_view(row) for row in rows]


async def resolve_reason(conn: Queryable, value: Any, note: Any) -> tuple[str, str, str]:
    """A rejection's ``(code, public wording, note)`` from the request.

    Policy: ``reason`` is an active code of the catalogue; its current wording
    is accepted too (older clients send the wording). An optional ``note``
    (up to 200 characters) is shown to the asker after the wording; the
    ``other`` reason needs one. Anything else is 400 ``invalid``.
    """
    if not isinstance(value, str) or not value.strip():
        raise invalid("reason", "请选择驳回理由")
    value = value.strip()
    row = await reason_rows.active_reason(conn, value)
    if row is None:
        codes = await reason_rows.active_codes(conn)
        raise ApiError("invalid", f"未知的驳回理由：{value}", field="reason", codes=codes)
    text = ""
    if note is not None:
        if not isinstance(note, str) or len(note.strip()) > MAX_NOTE:
            raise invalid("note", f"补充说明不能超过 {MAX_NOTE} 个字")
        text = " ".join(note.split())
    if row["code"] == "other" and not text:
        raise invalid("note", "选择“其他”时请填写具体理由")
    return row["code"], row["text"], text


def public_wording(wording: str, note: str) -> str:
    return f"{wording}：{note}" if note else wording


def _clean_wording(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_WORDING:
        raise invalid("text", f"理由文字须为 1–{MAX_WORDING} 个字")
    return " ".join(value.split())


async def create_reason(db: Database, body: dict[str, Any], *, by: str, at: str) -> dict[str, Any]:
    """Add a reason (admin): ``{code, text, position?}``; 409 ``exists`` for a taken code."""
    code = body.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise invalid("code", "代码须为小写字母开头的字母、数字或下划线（最多 32 个）")
    text = _clean_wording(body.get("text"))
    position = body.get("position")
    async with db.write() as tx:
        if await reason_rows.reason_row(tx, code):
            raise ApiError("exists", f"理由代码 {code} 已存在")
        if position is None:
            position = await reason_rows.next_position(tx)
        elif not isinstance(position, int) or isinstance(position, bool):
            raise invalid("position", "position 须为整数")
        await reason_rows.insert_reason(tx, code, text, position)
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="reason.create",
                           detail={"code": code, "text": text, "position": position})
        row = await reason_rows.reason_row(tx, code)
        return reason_view(row)


async def update_reason(db: Database, code: str, body: dict[str, Any], *, by: str,
                        at: str) -> dict[str, Any]:
    """Change a reason's wording, ``active`` or ``position`` (admin); audited with before/after."""
    changes: dict[str, Any] = {}
    if "text" in body:
        changes["text"] = _clean_wording(body["text"])
    if "active" in body:
        if not isinstance(body["active"], bool):
            raise invalid("active", "active 须为 true 或 false")
        changes["active"] = int(body["active"])
    if "position" in body:
        if not isinstance(body["position"], int) or isinstance(body["position"], bool):
            raise invalid("position", "position 须为整数")
        changes["position"] = body["position"]
    if not changes:
        raise invalid("text", "没有要修改的内容")
    async with db.write() as tx:
        before = await reason_rows.reason_row(tx, code)
        if before is None:
            raise ApiError("not_found", "没有这个驳回理由")
        await reason_rows.update_reason(tx, code, changes)
        after = await reason_rows.reason_row(tx, code)
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="reason.update",
                           before_text=before["text"], after_text=after["text"],
                           detail={"code": code, "from": reason_view(before),
                                   "to": reason_view(after)})
        return reason_view(after)

