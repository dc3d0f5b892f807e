"""Units (办理单位) and staff accounts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from moderation.lifecycle import Role
from studio.accounts.passwords import MIN_PASSWORD_LENGTH, hash_password_async
from studio.errors import MAX_INTEGER, ApiError, invalid, number_text
from studio.shapes import unit_ref
from studio.store import audit
from studio.store import staff as staff_rows
from studio.store import units as unit_rows
from studio.store.database import Database, Queryable, Tx
from studio.store.sessions import end_sessions_of

STAFF_ROLES = (Role.ADMIN, Role.MODERATOR, Role.OFFICIAL, Role.SUPERVISOR)
ROLE_CHOICES = "角色须为 admin、moderator、official 或 supervisor"


@dataclass(frozen=True, slots=True)
class Staff:
    """A signed-in staff member."""

    id: int
    username: str
    role: Role
    unit_id: int | None
    unit_name: str | None
    display_name: str
    title: str

    def public(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role.value,
            "unit": unit_ref(self.unit_id, self.unit_name),
            "display_name": self.display_name,
            "title": self.title,
        }


def staff_from_row(row: Any) -> Staff:
    return Staff(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        unit_id=row["unit_id"],
        unit_name=row["unit_name"],
        display_name=row["display_name"],
        title=row["title"],
    )


async def list_units(conn: Queryable) -> list[dict[str, Any]]:
    rows = await unit_rows.all_units(conn)
    return [{"id": row["id"], "name": row["name"], "parent_id": row["parent_id"]} for row in rows]


async def create_unit(db: Database, name: str, at: str, by: str = "command line",
                      parent: Any = None) -> dict[str, Any]:
    """A unit, optionally a sub-unit of ``parent`` (id or name): units form a tree."""
    name = name.strip()
    if not name or len(name) > 50:
        raise invalid("name", "单位名称须为 1–50 个字符")
    async with db.write() as tx:
        if await unit_rows.unit_by_name(tx, name):
            raise ApiError("exists", f"单位“{name}”已存在")
        parent_id = await resolve_unit(tx, parent, "parent")
        unit_id = await unit_rows.insert_unit(tx, name, at, parent_id)
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="unit.create",
                           detail={"unit": unit_id, "name": name, "parent": parent_id})
    return {"id": unit_id, "name": name, "parent_id": parent_id}


async def resolve_unit(conn: Queryable, value: Any, field: str = "unit") -> int | None:
    """A unit given by id or by name; ``None``/empty means no unit."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise invalid(field, "单位无效")
    if isinstance(value, int):
        row = await unit_rows.unit_by_id(conn, value) if 1 <= value <= MAX_INTEGER else None
    elif isinstance(value, str):
        key = value.strip()
        if key.isascii() and key.isdigit():
            number = number_text(key)
            row = await unit_rows.unit_by_id(conn, number) if number is not None else None
        else:
            row = await unit_rows.unit_by_name(conn, key)
    else:
        raise invalid(field, "单位无效")
    if row is None:
        raise invalid(field, "没有这个单位")
    return int(row["id"])


async def create_staff(
    db: Database,
    *,
    username: str,
    password: str,
    role: str,
    unit: Any = None,
    display_name: str | None = None,
    title: str = "",
    at: str,
    by: str = "command line",
) -> Staff:
    """Create a staff account. Officials must belong to a unit; usernames are unique."""
    username = (username or "").strip()
    if not username or len(username) > 40 or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        raise invalid("username", "用户名须为 1–40 个字母、数字或 _ - .")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise invalid("password", f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    try:
        staff_role = Role(role)
    except ValueError:
        raise invalid("role", ROLE_CHOICES) from None
    if staff_role not in STAFF_ROLES:
        raise invalid("role", ROLE_CHOICES)
    password_hash = await hash_password_async(password)
    async with db.write() as tx:
        unit_id = await resolve_unit(tx, unit)
        if staff_role is Role.OFFICIAL and unit_id is None:
            raise invalid("unit", "嘉宾（official）必须属于一个单位")
        try:
            staff_id = await staff_rows.insert_staff(
                tx, username=username, password_hash=password_hash, role=staff_role.value,
                unit_id=unit_id, display_name=(display_name or "").strip() or username,
                title=(title or "").strip(), created_at=at,
            )
        except sqlite3.IntegrityError:
            raise ApiError("exists", f"用户名“{username}”已存在") from None
        await audit.record(tx, at=at, actor=by, role=Role.ADMIN.value, action="staff.create",
                           detail={"username": username, "role": staff_role.value, "unit": unit_id})
        row = await staff_rows.staff_by_id(tx, staff_id)
    return staff_from_row(row)


async def list_staff(conn: Queryable, include_inactive: bool = False) -> list[dict[str, Any]]:
    rows = await staff_rows.staff_rows(conn, include_inactive=include_inactive)
    return [{**staff_from_row(row).public(), "active": bool(row["active"])} for row in rows]


async def update_staff(
    db: Database, actor: Staff, username: str, body: dict[str, Any], at: str
) -> dict[str, Any]:
    """Change an account: a new password, name, title, unit, or (de)activation.

    Deactivating ends the account's sessions at once; an admin cannot
    deactivate themself (the studio must keep one admin who can sign in).
    """
    password_hash = None
    if "password" in body:
        password = body["password"]
        if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
            raise invalid("password", f"密码至少 {MIN_PASSWORD_LENGTH} 位")
        password_hash = await hash_password_async(password)
    async with db.write() as tx:
        row = await staff_rows.staff_by_username(tx, username)
        if row is None:
            raise ApiError("not_found", "没有这个账号")
        changes: dict[str, Any] = {}
        if password_hash is not None:
            changes["password_hash"] = password_hash
        for name, limit in (("display_name", 40), ("title", 40)):
            if name in body:
                value = body[name]
                if not isinstance(value, str) or len(value.strip()) > limit:
                    raise invalid(name, f"{name} 不能超过 {limit} 个字")
                changes[name] = value.strip() or (username if name == "display_name" else "")
        if "unit" in body:
            changes["unit_id"] = await resolve_unit(tx, body["unit"])
            if row["role"] == Role.OFFICIAL.value and changes["unit_id"] is None:
                raise invalid("unit", "嘉宾（official）必须属于一个单位")
        if "active" in body:
            if not isinstance(body["active"], bool):
                raise invalid("active", "active 须为 true 或 false")
            if not body["active"] and row["id"] == actor.id:
                raise ApiError("not_allowed", "不能停用自己的账号")
            changes["active"] = int(body["active"])
        await staff_rows.update_staff(tx, row["id"], changes)
        if password_hash is not None or changes.get("active") == 0:
            await end_sessions_of(tx, row["id"])
        if changes:
            detail = {name: value for name, value in changes.items() if name != "password_hash"}
            if password_hash is not None:
                detail["password"] = "reset"
            await audit.record(tx, at=at, actor=actor.username, role=actor.role.value,
                               action="staff.update", detail={"username": username, **detail})
        row = await staff_rows.staff_by_id(tx, row["id"])
    return {**staff_from_row(row).public(), "active": bool(row["active"])}


async def staff_ids(tx: Tx, usernames: Any, role: Role, field: str) -> list[int]:
    """Resolve a list of usernames that must all hold ``role``."""
    if usernames is None:
        return []
    if not isinstance(usernames, list) or not all(isinstance(name, str) for name in usernames):
        raise invalid(field, f"{field} 须为用户名列表")
    ids: list[int] = []
    for name in usernames:
        row = await staff_rows.staff_by_username(tx, name, active_only=True)
        if row is None:
            raise invalid(field, f"没有用户“{name}”")
        if row["role"] != role.value:
            raise invalid(field, f"“{name}”不是{role.value}")
        if row["id"] not in ids:
            ids.append(int(row["id"]))
    return ids
