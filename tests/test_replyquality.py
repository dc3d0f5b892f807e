"""Reply quality indicators on constructed replies (pure)."""

from __future__ import annotations

from studio import replyquality
from studio.replyquality import assess, assess_all, copy_scores, relevance

MESSAGE = "K8县九亿广场的公厕要安装照明灯\n九亿广场公厕晚上没有照明灯，群众如厕很不方便，请尽快安装照明灯。"
FULL = ("您好！您反映的九亿广场公厕没有照明灯的问题已收悉。经核实，九亿广场公厕照明线路老化，"
        "根据《K8县城市公厕管理办法》第十二条，公厕照明由县城管局负责维护。我局已安排维修人员，"
        "将于2026年3月底前完成公厕照明灯安装。如有疑问，请拨打联系电话0745-1234567。")
THIN = "您好，你所反映的问题已转交相关单位调查处置。"


def test_a_full_reply_shows_every_indicator() -> None:
    """A reply about the problem, with measures, a date, a regulation and a phone number scores 5."""
    found = assess(MESSAGE, FULL, working_days=4, on_time=True)
    assert (found.addresses, found.action, found.by_when, found.basis, found.contact) == (True,) * 5
    assert not found.boilerplate and found.points == 5
    assert found.as_dict()["working_days"] == 4 and found.as_dict()["on_time"] is True


def test_a_form_reply_shows_none() -> None:
    """A one-line forwarding notice addresses nothing and promises nothing."""
    found = assess(MESSAGE, THIN)
    assert (found.addresses, found.action, found.by_when, found.basis, found.contact) == (False,) * 5
    assert found.points == 0 and found.length == len(THIN)


def test_relevance_prefers_the_reply_to_its_own_message() -> None:
    """The reply shares more character pairs with its message than with an unrelated one."""
    other = "A市社保转移\n我从广西转回社保，要求补缴两万七千元，为什么不能转移？"
    assert relevance(MESSAGE, FULL) > replyquality.RELEVANCE_MIN > relevance(other, FULL)
    assert relevance("", FULL) == 0.0


def test_near_copies_are_boilerplate_and_score_zero() -> None:
    """The same form text with another date or name is a copy; a different reply is not."""
    copies = copy_scores([THIN, "您好，您所反映的问题，已转交相关单位调查处置。2026年3月2日", FULL])
    assert copies[0] >= replyquality.COPY_MIN and copies[1] >= replyquality.COPY_MIN
    assert copies[2] < replyquality.COPY_MIN
    judged = assess_all([(MESSAGE, FULL), (MESSAGE, FULL.replace("3月底", "4月底"))])
    assert all(found.boilerplate and found.points == 0 for found in judged)


def test_contact_needs_a_number_and_a_word_for_it() -> None:
    """A bare number is not a contact; 咨询电话 with a number is."""
    assert not assess(MESSAGE, "已于2019年5月处理完毕。").contact
    assert assess(MESSAGE, "如有疑问请致电 12345 市民热线。").contact
