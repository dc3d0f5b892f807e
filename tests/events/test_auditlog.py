"""The audit log's details as people read them: unit names, reason wording, 是/否, links."""

from __future__ import annotations

from studio.events.auditlog import DetailLine, Names, detail_lines

NAMES = Names(units={1: "人社局", 2: "交通局"}, reasons={"ads": "广告信息", "privacy": "含个人隐私"})


def lines(detail: dict[str, object]) -> list[tuple[str, str, str | None]]:
    return [(d.label, d.text, d.href) for d in detail_lines(detail, NAMES)]


def test_a_unit_change_reads_as_names() -> None:
    """{'from': None, 'to': 1} is 未指定 → 人社局; a unit since deleted is numbered."""
    assert lines({"unit": {"from": None, "to": 1}}) == [("单位", "未指定 → 人社局", None)]
    assert lines({"unit": {"from": 2, "to": None}}) == [("单位", "交通局 → 未指定", None)]
    assert lines({"unit": 9}) == [("单位", "单位 #9", None)]


def test_reasons_read_as_the_catalogue_says() -> None:
    """A reason code is left out when the reason already says it, else shown by its wording."""
    assert lines({"reason": "广告信息", "reason_code": "ads"}) == [("理由", "广告信息", None)]
    assert lines({"reason": "含个人隐私：请勿留电话", "reason_code": "privacy"}) == [
        ("理由", "含个人隐私：请勿留电话", None)]
    assert lines({"reason": "广告", "reason_code": "ads"}) == [("理由", "广告", None), ("理由分类", "广告信息", None)]


def test_booleans_nothing_and_lists() -> None:
    """True/False are 是/否, None is —, lists are joined with 、, and every key has its name."""
    assert lines({"hard": True, "edited": True, "redactions": 2}) == [
        ("疑难", "是", None), ("已修改", "是", None), ("隐去处数", "2", None)]
    assert lines({"hard": False, "guests": ["guest1", "guest2"], "moderators": None}) == [
        ("疑难", "否", None), ("嘉宾", "guest1、guest2", None), ("审核员", "—", None)]


def test_questions_and_cases_are_links() -> None:
    """A merge links to the surviving question's log, a case to its page."""
    assert lines({"into": 12}) == [("合并到", "#12", "?question=12")]
    assert lines({"case_id": 7}) == [("诉求件", "#7", "/board/cases/7")]


def test_times_are_left_to_the_page() -> None:
    """Event times keep their ISO value for the page to show in the studio's timezone."""
    assert detail_lines({"starts_at": "2026-11-22T20:00:00+08:00"}, NAMES) == [
        DetailLine("开始时间", "2026-11-22T20:00:00+08:00", time="2026-11-22T20:00:00+08:00")]
