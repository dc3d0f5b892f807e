"""Transcript exports of a closed event: Markdown, JSON and CSV (docs/api.md).

All three carry the same rows, built from the public transcript
(``events.transcript``): one line per host message, and for each answered
Q&A the netizen's question and the official's answer, each with its speaker,
time and the anchor of its place on the transcript page (``#q-ID``, ``#m-ID``);
a Q&A also links to its board post.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from studio.auditchain import check_path

FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
COLUMNS = ["anchor", "at", "role", "speaker", "unit", "text", "transcript_url", "case_url"]
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""What makes a spreadsheet read a cell as a formula (with the full-width forms some read alike)."""


def cell(value: Any) -> Any:
    """A spreadsheet cell (CSV or XLSX) for a value: numbers and empty cells as they are, anything
    else as a string, with a leading ``'`` when it starts like a formula (``=HYPERLINK(…)``,
    ``+``, ``-``, ``@``, a tab or a line break), so no spreadsheet ever runs people's text."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rows(transcript: dict[str, Any], base: str) -> list[dict[str, Any]]:
    """Speaker-tagged, timestamped lines of the transcript, in the page's order."""
    slug = transcript["event"]["slug"]
    page = f"{base}/events/{slug}"
    out: list[dict[str, Any]] = []
    for item in transcript["items"]:
        if item["kind"] == "message":
            anchor = f"m-{item['id']}"
            out.append({"anchor": anchor, "at": item["at"], "role": "host", "speaker": item["speaker"],
                        "unit": "", "text": item["text"], "transcript_url": f"{page}#{anchor}",
                        "case_url": ""})
            continue
        question = item["question"]
        anchor = f"q-{question['id']}"
        case_url = f"{base}/board/cases/{item['case_id']}" if item.get("case_id") else ""
        unit = question["unit"]["name"] if question.get("unit") else ""
        out.append({"anchor": anchor, "at": question["asked_at"], "role": "netizen",
                    "speaker": f"网友 {question['nickname']}", "unit": unit, "text": question["text"],
                    "transcript_url": f"{page}#{anchor}", "case_url": case_url})
        answer = question.get("answer")
        if answer:
            by = answer["by"]
            speaker = " ".join(part for part in (by.get("name") or "嘉宾", by.get("title") or "") if part)
            answer_unit = by["unit"]["name"] if by.get("unit") else unit
            out.append({"anchor": anchor, "at": answer["at"], "role": "official", "speaker": speaker,
                        "unit": answer_unit, "text": answer["text"] + corrected_note(answer),
                        "transcript_url": f"{page}#{anchor}", "case_url": case_url})
    return out


def corrected_note(answer: dict[str, Any]) -> str:
    """What a corrected answer says of its correction in the exports."""
    return f"（已更正 {answer['corrected_at']}）" if answer.get("corrected_at") else ""


def to_json(transcript: dict[str, Any], base: str) -> str:
    event = transcript["event"]
    return json.dumps({
        "event": {key: event[key] for key in ("slug", "title", "description", "opened_at", "closed_at")},
        "url": f"{base}/events/{event['slug']}",
        "audit_head": transcript.get("audit_head"),
        "lines": rows(transcript, base),
    }, ensure_ascii=False, indent=2)


def head_line(head: dict[str, Any]) -> str:
    """The closing audit head as one line of text (what ``studio audit verify --against`` takes)."""
    return f"审计链头（结束时）：第 {head['entry']} 条 · SHA-256 {head['hash']}"


def to_csv(transcript: dict[str, Any], base: str) -> str:
    """UTF-8 CSV with a byte-order mark (Excel); every cell through :func:`cell`; the closing
    audit head, when there is one, as a last row of role ``audit`` whose link checks it."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(transcript, base):
        writer.writerow({key: cell(value) for key, value in row.items()})
    head = transcript.get("audit_head")
    if head:
        event = transcript["event"]
        writer.writerow({key: cell(value) for key, value in {
            "anchor": "", "at": event.get("closed_at") or "", "role": "audit", "speaker": "审计链",
            "unit": "", "text": head_line(head), "transcript_url": base + check_path(head), "case_url": ""}.items()})
    return "\ufeff" + buffer.getvalue()


def md(text: str) -> str:
    """Text that Markdown shows literally (no markup, no raw HTML); line breaks kept."""
    return "  \n".join(MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in text.splitlines())


def to_markdown(transcript: dict[str, Any], base: str) -> str:
    event = transcript["event"]
    lines = [f"# {md(event['title'])} · 文字实录", ""]
    period = " — ".join(t for t in (event.get("opened_at"), event.get("closed_at")) if t)
    if period:
        lines += [f"访谈时间：{period}", ""]
    if event.get("description"):
        lines += [md(event["description"]), ""]
    lines += [f"原文：<{base}/events/{event['slug']}>", ""]
    if transcript.get("audit_head"):
        lines += [head_line(transcript["audit_head"]), "",
                  f"核对此链头：<{base}{check_path(transcript['audit_head'])}>", ""]
    for row in rows(transcript, base):
        unit = f"（{md(row['unit'])}）" if row["unit"] and row["role"] != "host" else ""
        lines.append(f"**{md(row['speaker'])}**{unit} `{row['at']}` [¶]({row['transcript_url']})")
        lines.append("")
        lines.append(md(row["text"]))
        if row["role"] == "official" and row["case_url"]:
            lines += ["", f"留言板存档：<{row['case_url']}>"]
        lines.append("")
    return "\n".join(lines)


def render(transcript: dict[str, Any], fmt: str, base: str) -> str:
    if fmt == "md":
        return to_markdown(transcript, base)
    if fmt == "json":
        return to_json(transcript, base)
    return to_csv(transcript, base)
