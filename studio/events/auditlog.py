"""An event's audit log as an admin reads it: names and wording, never the stored codes.

The log keeps what happened as values (unit ids, reason codes, booleans, question
and case ids) so it never changes when a unit is renamed or a reason reworded;
this module turns each entry's ``detail`` into lines of text for the audit page
(``/studio/events/{slug}/audit``). Policy, key by key:

- units (``unit``, ``from_unit``, ``to_unit``, ``parent``) by their current
  name, no unit as ``未指定``; a change ``{from, to}`` as ``未指定 → 人社局``;
- ``reason_code`` by the catalogue's wording, left out when ``reason`` (what the
  asker was told) already starts with it;
- ``into`` links to the question's own log, ``case_id`` to the case page,
  ``submission`` is numbered;
- times (``starts_at``, ``ends_at``) are handed to the page to show in the
  studio's timezone; booleans are 是/否, nothing is ``—``, lists are joined
  with 、;
- every key is named by ``studio.labels.AUDIT_DETAIL``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from studio import labels
from studio.store import audit
from studio.store.database import Queryable
from studio.store.reasons import reason_rows
from studio.store.units import all_units

UNIT_KEYS = frozenset({"unit", "from_unit", "to_unit", "parent"})
TIME_KEYS = frozenset({"starts_at", "ends_at"})


@dataclass(frozen=True, slots=True)
class DetailLine:
    """One line of an entry's detail: its name, its text, where it links, or an ISO time to format."""

    label: str
    text: str
    href: str | None = None
    time: str | None = None


@dataclass(frozen=True, slots=True)
class Names:
    """What the log's values are called now: units by id, reasons by code."""

    units: Mapping[int, str]
    reasons: Mapping[str, str]

    def unit(self, value: Any) -> str:
        """A unit id's name; no unit is 未指定, a unit since deleted is 单位 #id."""
        if value is None or value == "":
            return labels.NO_UNIT
        if isinstance(value, Mapping):
            return str(value.get("name") or self.unit(value.get("id")))
        if isinstance(value, int) and not isinstance(value, bool):
            return self.units.get(value, f"单位 #{value}")
        return str(value)


def plain(value: Any) -> str:
    """A value as text: 是/否, ``—`` for nothing, lists joined with 、."""
    if value is True:
        return labels.YES
    if value is False:
        return labels.NO
    if value is None or value == "":
        return "—"
    if isinstance(value, (list, tuple)):
        return "、".join(plain(v) for v in value) or "—"
    if isinstance(value, Mapping):
        if "name" in value:
            return str(value["name"])
        return "；".join(f"{labels.AUDIT_DETAIL.get(k, k)}：{plain(v)}" for k, v in value.items())
    return str(value)


def _change(value: Mapping[str, Any], show: Callable[[Any], str]) -> str:
    return f"{show(value.get('from'))} → {show(value.get('to'))}"


def detail_lines(detail: Mapping[str, Any], names: Names) -> list[DetailLine]:
    """The lines of one entry's detail (module docstring)."""
    lines: list[DetailLine] = []
    for key, value in detail.items():
        label = labels.AUDIT_DETAIL.get(key, key)
        if key in UNIT_KEYS:
            text = _change(value, names.unit) if _is_change(value) else names.unit(value)
            lines.append(DetailLine(label, text))
        elif key == "reason_code":
            wording = names.reasons.get(str(value), str(value))
            if not str(detail.get("reason") or "").startswith(wording):
                lines.append(DetailLine(label, wording))
        elif key == "into" and isinstance(value, int):
            lines.append(DetailLine(label, f"#{value}", href=f"?question={value}"))
        elif key == "case_id" and isinstance(value, int):
            lines.append(DetailLine(label, f"#{value}", href=f"/board/cases/{value}"))
        elif key == "submission" and isinstance(value, int):
            lines.append(DetailLine(label, f"#{value}"))
        elif key in TIME_KEYS and isinstance(value, str) and value:
            lines.append(DetailLine(label, value, time=value))
        elif _is_change(value):
            lines.append(DetailLine(label, _change(value, plain)))
        else:
            lines.append(DetailLine(label, plain(value)))
    return lines


def _is_change(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"from", "to"}


async def names_now(conn: Queryable) -> Names:
    """The current names of every unit and every reason (retired ones too)."""
    units = {int(row["id"]): str(row["name"]) for row in await all_units(conn)}
    reasons = {str(row["code"]): str(row["text"])
               for row in await reason_rows(conn, include_inactive=True)}
    return Names(units, reasons)


async def readable_entries(conn: Queryable, event_id: int,
                           question_id: int | None = None) -> list[dict[str, Any]]:
    """The event's audit entries (of one question, when given), oldest first, each with
    ``details``: its :class:`DetailLine` list."""
    entries = await audit.entries(conn, event_id, question_id)
    names = await names_now(conn)
    for entry in entries:
        entry["details"] = detail_lines(entry["detail"], names)
    return entries
