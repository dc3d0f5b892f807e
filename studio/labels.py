"""The Chinese names people read for statuses, roles, actions and flags: defined here only.

Templates get them as the ``labels`` global (and the ``status_label`` filter);
scripts get the same dictionaries from the page's ``studio-config`` JSON block
(``static/labels.js``). Pure data, no I/O; a test checks every state of the
lifecycles has its name.
"""

from __future__ import annotations

from typing import Any

QUESTION_STATUS = {
    "submitted": "已提交",
    "pending": "审核中",
    "approved": "已通过",
    "on_air": "正在回答",
    "answered": "已回答",
    "rejected": "未通过",
    "merged": "已合并",
    "transferred": "已转办",
    "retracted": "已撤回",
}
"""A question's status (``submitted`` is the tracker's first step, before review)."""

EVENT_STATUS = {"scheduled": "预告", "live": "直播中", "closed": "已结束"}

QUESTION_TIMELINE = {
    "pending": "已提交，进入审核",
    "approved": "审核通过，已公开",
    "approved_again": "暂停回答，回到待回答列表",
    "on_air": "嘉宾开始回答",
    "answered": "嘉宾已回答",
    "rejected": "未通过审核",
    "merged": "已与相同问题合并（同问）",
    "transferred": "已转至留言板办理",
    "unpublished": "已撤回复核，暂不公开",
    "republished": "复核通过，重新公开",
    "restored": "恢复审核",
    "retracted": "提问人已撤回",
}
"""The lines of an asker's tracker (``approved_again``: taken off air, back in the list;
``unpublished``/``republished``: taken back for review and published again; ``restored``: a
rejection undone, back in review)."""

CASE_STATUS = {"open": "办理中", "replied": "已回复", "overdue": "超期"}
"""A board case's public status (``overdue`` is shown beside an open one past its deadline)."""

CASE_STAGE = {
    "routing": "待分派",
    "assigned": "待单位接收",
    "accepted": "办理中",
    "replied": "已答复",
    "reopened": "重新办理",
    "closed": "已办结",
}
"""Where a board case stands in its unit's hands (``studio/board/life.py``)."""

CASE_ACTION = {
    "route": "分派",
    "accept": "接收",
    "reply": "答复",
    "extend": "延期",
    "out_of_scope": "退回",
    "rate": "评价",
}

RATING = {"satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意"}

ROLE = {"admin": "管理员", "moderator": "审核员", "official": "嘉宾", "audience": "网友",
        "system": "系统", "supervisor": "督查考评"}

ACTION = {
    "submit": "提交", "approve": "通过", "reject": "驳回", "merge": "合并", "assign": "指派单位",
    "edit": "编辑", "on_air": "开始回答", "on-air": "开始回答", "off_air": "撤回", "off-air": "撤回",
    "answer": "回答", "transfer": "转办", "vote": "同问", "open": "开始访谈", "close": "结束访谈",
    "archive": "归档", "reply": "答复", "rate": "评价", "ask": "提问",
    "unpublish": "撤回复核", "correct": "更正回答", "restore": "恢复审核",
    "event.create": "创建访谈", "event.update": "修改访谈", "event.open": "开始访谈",
    "event.close": "结束访谈", "host.message": "主持人发言", "screen.show": "切换大屏",
    "case.reply": "答复诉求件", "staff.photo": "上传嘉宾照片", "staff.photo.delete": "删除嘉宾照片",
    "duty.set": "安排轮值",
    "case.rate": "满意度评价", "unit.create": "新增单位", "staff.create": "新增账号",
    "case.urge": "督办", "case.follow_up": "督办跟进",
    "case.support": "同问", "board.merge": "合并留言",
}
"""What someone did: question actions (the desk's and the officials') and audit-log actions."""

AUDIT_DETAIL = {
    "reason": "理由", "into": "合并到", "unit": "单位", "from_unit": "原单位", "to_unit": "新单位",
    "hard": "疑难", "case_id": "诉求件", "version": "版本", "votes": "同问数", "nickname": "昵称",
    "client_key": "提交标识", "flags": "筛查提示", "ip": "来源地址", "merged": "合并数",
    "guests": "嘉宾", "moderators": "审核员", "title": "标题", "slug": "网址标识",
    "starts_at": "开始时间", "ends_at": "结束时间", "cases": "转为诉求件", "posts": "转为公开帖",
    "role": "角色", "username": "用户名", "name": "名称",
    "reason_code": "理由分类", "edited": "已修改", "redactions": "隐去处数", "submission": "留言",
    "description": "简介", "parent": "上级单位", "corrected": "已更正",
    "day": "日期", "units": "轮值单位", "count": "第几次", "kind": "方式", "outcome": "结果",
}
"""The names of the audit log's detail fields (``studio/events/auditlog.py`` shows their values)."""

NO_UNIT = "未指定"
"""No unit (a question not assigned to one)."""

YES, NO = "是", "否"

CASE_TIMELINE = {
    "received": "已受理", "routed": "已转交办理单位", "assigned": "已分派", "rated": "已评价",
    "transferred": "已转办", "replied": "已回复", "answered": "现场回答", "overdue": "已超期",
    "extended": "已延期", "open": "办理中", "created": "已受理", "posted": "已发布",
    "screened": "审核通过", "archived": "转入留言板", "routing": "待分派", "accepted": "单位已接收",
    "returned": "单位退回（非本单位职责）", "reopened": "重新办理", "urged": "已督办", "merged": "合并同问",
}
"""The kinds of lines on a case's public timeline."""

FLAG_KIND = {
    "pii.id_number": "身份证号", "pii.mobile": "手机号", "pii.landline": "座机号",
    "pii.bank_card": "银行卡号", "pii.email": "电子邮箱", "pii.plate": "车牌号", "pii.name": "姓名",
    "spam.link": "链接", "spam.flood": "刷屏", "spam.repeat": "重复内容", "duplicate": "疑似重复",
}
"""Screening flags shown on the desk (``word.*`` flags are named by their lexicon category)."""

FLAG_DETAIL = {"check_digit": "校验位不符，疑似输错"}
"""What a flag's ``detail`` code adds to its name (``moderation/flags.py``)."""

WORD_CATEGORY = {
    "insult": "不文明用语", "abuse": "不文明用语", "profanity": "不文明用语", "politics": "政治敏感",
    "political": "政治敏感", "ad": "广告", "ads": "广告", "advert": "广告", "porn": "色情",
    "sex": "色情", "violence": "暴力", "gambling": "赌博", "fraud": "诈骗", "drugs": "毒品",
    "rumor": "谣言",
}

FOLLOW_UP = {"call": "电话督办", "meeting": "约谈"}
"""The kinds of supervision follow-up recorded on a case (``studio/board/supervision.py``)."""

SUPERVISION_KIND = {"overdue": "超期未办结", "unsatisfied": "不满意"}
"""Why a case is on the supervision console."""
SUPPORT = {"action": "我也遇到了", "done": "已同问", "count": "人同问", "merged": "已合并（同问）"}
"""同问 on a board case: the button, after pressing it, the count's unit, a merged message's status."""

ASKER_ACTION = {"withdraw": "撤回留言", "rate": "满意度评价"}
"""What an asker can do on their tracking page (``studio.board.support.asker_actions``)."""

SCREEN_SHOW = {"on_air": "正在回答的问题", "message": "主持人发言", "question": "一条已答问答"}
"""What the big screen can show, as the desk names the choice (``studio/events/screen.py``)."""

NOTIFICATION_KIND = {
    "verify": "验证码", "approved": "审核通过", "answered": "现场回答", "case_opened": "转为诉求件",
    "accepted": "单位已接收", "replied": "单位已答复", "extended": "办理延期", "reopened": "重新办理",
    "digest": "单位每日提醒", "urged": "督办通知",
}
"""What a notification reports (``studio/notify/notices.py``), as staff and the message name it."""

NOTIFICATION_STATUS = {"pending": "待发送", "sent": "已发送", "dead": "发送失败"}
"""Where a notification is in the outbox."""
REPLY_QUALITY = {
    "addresses": "切题", "action": "办理措施", "by_when": "办理时间", "basis": "政策依据",
    "contact": "联系方式", "boilerplate": "套话（与其他答复雷同）",
}
"""The reply quality indicators as the staff console names them (``studio/replyquality.py``)."""

ANY_STATUS = {**CASE_STATUS, **EVENT_STATUS, **QUESTION_STATUS}
"""Every status by its code, for places that show several kinds (the audit log, the filter)."""


def status_label(code: str | None) -> str:
    """The name of any status code; an unknown code is shown as it is."""
    return ANY_STATUS.get(code or "", code or "")


STAFF_ONLY = frozenset({"flag_kind", "flag_detail", "word_category"})
"""Names only the staff consoles show: screening is never described on a public page."""


def client_labels(*, staff: bool) -> dict[str, Any]:
    """The dictionaries the pages' scripts use, as they receive them in the page."""
    every = {
        "question_status": QUESTION_STATUS,
        "question_timeline": QUESTION_TIMELINE,
        "event_status": EVENT_STATUS,
        "case_status": CASE_STATUS,
        "case_stage": CASE_STAGE,
        "rating": RATING,
        "role": ROLE,
        "action": ACTION,
        "case_timeline": CASE_TIMELINE,
        "flag_kind": FLAG_KIND,
        "flag_detail": FLAG_DETAIL,
        "word_category": WORD_CATEGORY,
        "screen_show": SCREEN_SHOW,
        "support": SUPPORT,
        "asker_action": ASKER_ACTION,
    }
    return every if staff else {name: names for name, names in every.items() if name not in STAFF_ONLY}
