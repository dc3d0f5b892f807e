"""Bringing an existing message board in: ``studio import-board FILE`` (docs/operations.md).

Reads JSON Lines, CSV or XLSX. Field names are matched loosely (case, spaces,
underscores and hyphens ignored; English and Chinese names, see ``FIELDS``).
Every record gets a stable source key (``SOURCE:id``, or a hash of title,
time and text when there is no id), so importing a file twice adds nothing.
A record whose key is already on the board only adds its reply, when it has
one the case does not have yet — which is how a separate replies file links
to its messages (by id).

Units are found or created by exact name (from the record's unit field, else
``--unit``; none leaves the case waiting for routing). Categories are found by
path or by name in the category tree, an unknown name becoming a new top-level
category. Imported cases have origin ``import`` and no deadline.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from studio.board.categories import Categories
from studio.board.records import title_of
from studio.clock import Clock
from studio.errors import ApiError
from studio.inputs import clean_text
from studio.store import audit, cases
from studio.store.database import Database, Tx
from studio.store.units import insert_unit, unit_by_id, unit_by_name

BATCH = 500
MAX_TEXT = 20_000

FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "编号", "留言编号", "messageid", "sourceid", "key"),
    "title": ("title", "标题", "留言主题", "主题", "subject"),
    "text": ("text", "内容", "留言内容", "留言详情", "body", "content", "question", "message"),
    "time": ("submittedat", "time", "createdat", "date", "askedat", "留言时间", "时间", "提交时间"),
    "category": ("category", "分类", "类别", "一级分类", "一级标签", "level1", "category1"),
    "category2": ("二级分类", "二级标签", "level2", "category2", "subcategory"),
    "category3": ("三级分类", "三级标签", "level3", "category3"),
    "reply": ("reply", "答复意见", "答复内容", "答复", "回复", "answer"),
    "reply_time": ("repliedat", "replytime", "答复时间", "回复时间", "answeredat"),
    "unit": ("unit", "办理单位", "答复单位", "单位", "department", "dept", "部门"),
}
ALIASES = {alias: name for name, aliases in FIELDS.items() for alias in aliases}


def field_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(name)).lower()


def mapped(record: dict[str, Any]) -> dict[str, Any]:
    """The record's values under the importer's field names; unknown fields are dropped."""
    out: dict[str, Any] = {}
    for name, value in record.items():
        target = ALIASES.get(field_key(name))
        if target and value not in (None, "") and target not in out:
            out[target] = value
    return out


def read_records(path: Path) -> list[dict[str, Any]]:
    """Records of a .jsonl/.ndjson/.json (one object a line), .csv (UTF-8, else GB18030) or .xlsx file."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        records = []
        with path.open(encoding="utf-8-sig") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except ValueError:
                    raise ApiError("invalid", f"第 {number} 行不是合法的 JSON") from None
                if not isinstance(value, dict):
                    raise ApiError("invalid", f"第 {number} 行不是 JSON 对象")
                records.append(value)
        return records
    if suffix == ".csv":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")  # what Excel on Chinese Windows saves as "CSV"
        return [dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = [str(cell or "") for cell in next(rows, ())]
            return [dict(zip(header, row, strict=False)) for row in rows if any(c is not None for c in row)]
        finally:
            book.close()
    raise ApiError("invalid", f"不支持的文件类型 {suffix or '(无扩展名)'}：请用 .jsonl、.csv 或 .xlsx")


def parse_time(value: Any, clock: Clock) -> str:
    """An ISO time in the studio's timezone from text ('2019-04-25 09:32:09', '2019/4/25', ISO) or a datetime."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=clock.zone)
        return moment.astimezone(clock.zone).replace(microsecond=0).isoformat()
    text = str(value).strip().replace("/", "-")
    parts = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})(:\d{2}.*))?$", text)
    if parts:
        text = f"{parts[1]}-{int(parts[2]):02d}-{int(parts[3]):02d}"
        if parts[4]:
            text += f"T{int(parts[4]):02d}{parts[5]}"
    return clock.parse(text).isoformat()


@dataclass
class Report:
    created: int = 0
    replies_added: int = 0
    unchanged: int = 0
    units_created: int = 0
    categories_created: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    key: str
    title: str | None
    text: str | None
    at: str | None
    category: str | None
    reply: str | None
    reply_at: str | None
    unit: str | None


def prepare(record: dict[str, Any], clock: Clock, source: str, default_unit: str | None) -> Row:
    """Validate and normalise one record; ValueError with a reason when it cannot be imported."""
    values = mapped(record)

    def text_of(name: str) -> str | None:
        if name not in values:
            return None
        try:
            return clean_text(str(values[name]), name, MAX_TEXT)
        except ApiError as exc:
            raise ValueError(f"{name}: {exc.message}") from None

    title, text, reply = text_of("title"), text_of("text"), text_of("reply")
    at = reply_at = None
    try:
        if "time" in values:
            at = parse_time(values["time"], clock)
        if "reply_time" in values:
            reply_at = parse_time(values["reply_time"], clock)
    except ValueError:
        raise ValueError("时间格式无法识别") from None
    if "id" in values:
        key = f"{source}:{str(values['id']).strip()}"
    else:
        if text is None:
            raise ValueError("缺少留言内容")
        digest = hashlib.sha256(f"{title}\n{at}\n{text}".encode()).hexdigest()[:24]
        key = f"{source}:#{digest}"
    labels = [str(values[name]).strip() for name in ("category", "category2", "category3") if name in values]
    unit = str(values["unit"]).strip() if "unit" in values else default_unit
    return Row(key=key, title=title, text=text, at=at, category="/".join(labels) or None,
               reply=reply, reply_at=reply_at or at, unit=unit or None)


class Importer:
    """Writes prepared rows in batches; keeps unit and category lookups across batches."""

    def __init__(self, db: Database, clock: Clock, report: Report) -> None:
        self.db = db
        self.clock = clock
        self.report = report
        self.units: dict[str, int] = {}
        self.categories: Categories | None = None

    async def unit_id(self, tx: Tx, name: str | None) -> int | None:
        if name is None:
            return None
        if name not in self.units:
            row = await unit_by_name(tx, name)
            if row is None:
                now = self.clock.stamp()
                unit = await insert_unit(tx, name, now)
                await audit.record(tx, at=now, actor="import", role="admin", action="unit.create",
                                   detail={"unit": unit, "name": name})
                self.report.units_created += 1
                self.units[name] = unit
            else:
                self.units[name] = int(row["id"])
        return self.units[name]

    async def write(self, batch: list[tuple[int, Row]]) -> None:
        async with self.db.write() as tx:
            if self.categories is None:
                self.categories = Categories(tx)
            self.categories.tx = tx
            before = self.categories.created
            for number, row in batch:
                try:
                    await self.one(tx, row)
                except ValueError as exc:
                    self.report.failed.append((number, str(exc)))
            self.report.categories_created += self.categories.created - before

    async def one(self, tx: Tx, row: Row) -> None:
        existing = await cases.case_by_source_key(tx, row.key)
        if existing is not None:
            if row.reply and not await cases.has_reply(tx, existing["id"], row.reply):
                unit_id = existing["unit_id"] or await self.unit_id(tx, row.unit)
                await self.add_reply(tx, existing["id"], unit_id, row.reply, row.reply_at or self.clock.stamp())
                self.report.replies_added += 1
            else:
                self.report.unchanged += 1
            return
        if row.text is None:
            raise ValueError("缺少留言内容（只有答复的记录须对应已导入的留言编号）")
        if row.at is None:
            raise ValueError("缺少留言时间")
        assert self.categories is not None
        unit_id = await self.unit_id(tx, row.unit)
        category_id = await self.categories.resolve(row.category) if row.category else None
        status = "replied" if row.reply else "open"
        case_id = await cases.insert_case(
            tx, kind="case", origin="import", status=status, title=row.title or title_of(row.text),
            text=row.text, unit_id=unit_id, created_at=row.at,
            replied_at=(row.reply_at or row.at) if row.reply else None, category_id=category_id,
            source_key=row.key,
        )
        await cases.add_timeline(tx, case_id, "received", "从原留言板导入", row.at)
        if row.reply:
            await self.add_reply(tx, case_id, unit_id, row.reply, row.reply_at or row.at)
        self.report.created += 1

    async def add_reply(self, tx: Tx, case_id: int, unit_id: int | None, text: str, at: str) -> None:
        unit = await unit_by_id(tx, unit_id) if unit_id else None
        author = unit["name"] if unit else "办理单位"
        await cases.insert_reply(tx, case_id, unit_id=unit_id, author=author, text=text, at=at)
        await cases.mark_replied(tx, case_id, at)
        await cases.add_timeline(tx, case_id, "replied", f"{author}已答复", at)


async def import_board(
    db: Database,
    clock: Clock,
    records: Iterable[dict[str, Any]],
    *,
    source: str = "archive",
    default_unit: str | None = None,
    progress: Callable[[int], object] | None = None,
) -> Report:
    """Import ``records`` idempotently in batches; bad records are reported, the rest imported."""
    report = Report()
    importer = Importer(db, clock, report)
    prepared: list[tuple[int, Row]] = []
    for number, record in enumerate(records, 1):
        try:
            prepared.append((number, prepare(record, clock, source, default_unit)))
        except ValueError as exc:
            report.failed.append((number, str(exc)))
    # Oldest first, so that within a day case ids (the index's tie-break) follow time;
    # records without a time (replies to earlier messages) last.
    prepared.sort(key=lambda item: (item[1].at is None, item[1].at or ""))
    done = len(report.failed)
    if progress and done:
        progress(done)
    for first in range(0, len(prepared), BATCH):
        batch = prepared[first : first + BATCH]
        await importer.write(batch)
        if progress:
            progress(len(batch))
    report.failed.sort()
    return report
