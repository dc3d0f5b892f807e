"""The event's audit page on a real server reads as names and wording, never as stored values."""

from __future__ import annotations

import re

from support.clients import Studio
from support.html import Row, table_rows

RAW = re.compile(r"\{'|'from'|\bNone\b|\bTrue\b|\bFalse\b|reason_code|\bads\b|\bprivacy\b|on_air|pending")


def act(studio: Studio, slug: str, question_id: int, action: str, **fields: object) -> None:
    """A moderator's action on the question's current version."""
    answer = studio.mod1.act(studio.question(slug, question_id), action, **fields)
    assert answer.status_code == 200, answer.text


def row_of(rows: list[Row], action: str, question_id: int | None = None) -> Row:
    """The page's row of ``action`` (on the question, when given)."""
    return next(r for r in rows if r.cells[3] == action and (question_id is None or f"#{question_id}" in r.cells[4]))


def test_audit_page_shows_names_wording_and_links(studio: Studio) -> None:
    """Unit changes read 未指定 → 人社局, reasons in the catalogue's words, actions and statuses by
    name, booleans 是/否, merges and cases as links; no dict, code or Python value shows."""
    slug = studio.new_event()
    first, spam, private, again, later = (
        studio.ask(slug, text)["question_id"]
        for text in ("小区停车难怎么办？", "加微信领红包", "我的电话13812345678，路灯坏了", "小区停车太难了怎么办",
                     "公交站台能加遮阳棚吗")
    )
    act(studio, slug, first, "assign", unit=studio.units["人社局"])
    act(studio, slug, first, "approve", text="小区停车难，怎么办？", hard=True)
    act(studio, slug, spam, "reject", reason="ads")
    act(studio, slug, private, "reject", reason="privacy", note="请勿留电话")
    act(studio, slug, again, "merge", into=first)
    act(studio, slug, later, "approve", unit=studio.units["交通局"])
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200

    page = studio.admin.get(f"/studio/events/{slug}/audit")
    assert page.status_code == 200
    rows = table_rows(page.text, "data-entry-id")
    everything = "\n".join(r.text for r in rows)
    assert not RAW.search(everything), RAW.search(everything)

    assert "创建访谈" in everything and "嘉宾 guest1、guest2" in everything
    assert "预告 → 直播中" in row_of(rows, "开始访谈").text
    assert "单位 未指定 → 人社局" in row_of(rows, "指派单位", first).text
    approved = row_of(rows, "通过", first).text
    assert "审核中 → 已通过" in approved and "已修改 是" in approved and "疑难 是" in approved
    assert "修改前 小区停车难怎么办？" in approved and "修改后 小区停车难，怎么办？" in approved
    assert "理由 广告信息" in row_of(rows, "驳回", spam).text
    assert "理由 含个人隐私：请勿留电话" in row_of(rows, "驳回", private).text
    merged = row_of(rows, "合并", again)
    assert "合并到 #" in merged.text and merged.links[f"#{first}"] == f"?question={first}"
    assert "单位 未指定 → 交通局" in row_of(rows, "通过", later).text
    archived = row_of(rows, "归档", later)
    case_id = next(int(text[1:]) for text in archived.links if archived.links[text].startswith("/board/cases/"))
    assert f"诉求件 #{case_id}" in archived.text
    assert archived.links[f"#{case_id}"] == f"/board/cases/{case_id}"
    with studio.server.http() as client:
        assert "公交站台能加遮阳棚吗" in client.get(f"/board/cases/{case_id}").text
    assert "已通过 → 已转办" in archived.text
    assert "结束访谈" in everything and "直播中 → 已结束" in everything


def test_a_reworded_reason_shows_what_the_asker_was_told_and_the_category_now(studio: Studio) -> None:
    """After the catalogue rewords a reason, the entry keeps the words the asker saw and names
    the reason's category as the catalogue now calls it."""
    slug = studio.new_event()
    asked = studio.ask(slug, "代开发票")["question_id"]
    act(studio, slug, asked, "reject", reason="ads")
    assert studio.admin.client.patch("/api/reasons/ads", json={"text": "商业广告"},
                                     headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 200
    try:
        rows = table_rows(studio.admin.get(f"/studio/events/{slug}/audit").text, "data-entry-id")
        rejected = row_of(rows, "驳回", asked).text
        assert "理由 广告信息" in rejected and "理由分类 商业广告" in rejected
    finally:
        studio.admin.client.patch("/api/reasons/ads", json={"text": "广告信息"},
                                  headers={"X-CSRF-Token": studio.admin.csrf})
