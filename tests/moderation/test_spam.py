"""Spam detectors: links, contact solicitations, flooding, repetition and empty text."""

from __future__ import annotations

import pytest

from moderation.normalize import normalise
from moderation.spam import (
    RECENT_KEYS,
    _recent_key,
    find_contacts,
    find_empty,
    find_flood,
    find_links,
    find_repeats,
    flood_score,
)


def texts(flags: list[object]) -> list[str]:
    return [f.text for f in flags]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text, link",
    [
        ("详情见 https://example.com/a?b=1 。", "https://example.com/a?b=1"),
        ("点这里http://t.cn/abc123，免费领", "http://t.cn/abc123"),
        ("访问www.xxdaikuan.com了解", "www.xxdaikuan.com"),
        ("官网 ABC123.top/ok", "ABC123.top/ok"),
        ("在https://baidu.com/事件中", "https://baidu.com/"),
    ],
)
def test_links(text: str, link: str) -> None:
    """URLs, www. addresses and bare domains are links; they end where Chinese text begins."""
    assert texts(find_links(normalise(text))) == [link]


@pytest.mark.parametrize(
    "text",
    ["水价4.23元一吨，电0.64一度", "邮箱zhang@example.com", "第9.3.1条", "A市.B区", "v1.2版本"],
)
def test_not_links(text: str) -> None:
    """Decimals, section numbers, e-mail domains and version numbers are not links."""
    assert find_links(normalise(text)) == []


@pytest.mark.parametrize(
    "text, contact",
    [
        ("有需要的加微信abc12345", "加微信abc12345"),
        ("加我薇信详聊", "加我薇信"),
        ("+V：daikuan888", "+V：daikuan888"),
        ("加vx了解", "加vx"),
        ("加Q 123456789", "加Q 123456789"),
        ("请联系qq：0000-00000000，", "qq：0000-00000000"),
        ("微信号：hello_2020", "微信号：hello_2020"),
        ("扣扣 87654321 私聊", "扣扣 87654321"),
        ("扫码进群领福利", "扫码进"),
        ("扫描二维码 关注公众号", "扫描二维码 关注"),
    ],
)
def test_contact_solicitations(text: str, contact: str) -> None:
    """Invitations to add a private channel, and channel names with an account, are flagged."""
    assert texts(find_contacts(normalise(text))) == [contact]


@pytest.mark.parametrize(
    "text",
    [
        "可以通过微信公众号缴费",
        "业主在QQ群以渗水为关键词搜索",
        "增加了VIP通道",
        "参加VR体验活动",
        "微信名为晓玲的导游",
        "扫码乘车很方便",
    ],
)
def test_mentions_are_not_solicitations(text: str) -> None:
    """Mentioning WeChat or QQ, or 加 inside another word, is not a solicitation."""
    assert find_contacts(normalise(text)) == []


@pytest.mark.parametrize(
    "text, run",
    [
        ("太过分了！！！！！！", "！！！！！！"),
        ("哈哈哈哈哈哈哈", "哈哈哈哈哈哈哈"),
        ("？？？？？？？？", "？？？？？？？？"),
        ("加油加油加油加油", "加油加油加油加油"),
        ("我要投诉我要投诉我要投诉我要投诉！", "我要投诉我要投诉我要投诉我要投诉"),
        ("顶上去顶上去顶上去顶上去", "顶上去顶上去顶上去顶上去"),
        ("aaaaaaa", "aaaaaaa"),
        ("顶顶顶顶顶", "顶顶顶顶顶"),
    ],
)
def test_repetition(text: str, run: str) -> None:
    """Long runs of one character, emphatic marks or a short unit are flagged."""
    assert texts(find_repeats(normalise(text))) == [run]


@pytest.mark.parametrize(
    "text",
    [
        "我不同意！！！",
        "这是为什么？？？",
        "等了很久......",
        "金额100000元",
        "电话0000-00000000",
        "*****************",
        "谢谢谢谢",
        "加油加油加油",
        "          空格很多",
        "大大小小的事",
    ],
)
def test_ordinary_emphasis_is_not_repetition(text: str) -> None:
    """Short emphasis, ellipses, digits, masks, spaces and reduplication are not flagged."""
    assert find_repeats(normalise(text)) == []


@pytest.mark.parametrize("text", ["", "   ", "？？？", "。。。", "1", "啊啊啊啊", "你好", "在吗？", "测试", "Test"])
def test_empty(text: str) -> None:
    """Texts with nothing to read, or only a greeting or test word, are empty; the span is the whole text."""
    flags = find_empty(normalise(text))
    assert [(f.start, f.end, f.text) for f in flags] == [(0, len(text), text)]


@pytest.mark.parametrize("text", ["路灯坏了", "为什么？", "求助", "12345"])
def test_short_but_not_empty(text: str) -> None:
    """Short texts with two or more distinct characters are not empty."""
    assert find_empty(normalise(text)) == []


def test_flood_same_and_near_same() -> None:
    """The same text, or a near copy, among a client's recent texts is flooding."""
    text = "强烈要求A市尽快解决星城小区的停水问题，已经三天没有水了！"
    near = "强烈要求A市尽快解决星城小区停水问题，已经三天没水了"
    assert flood_score(normalise(text), [text]) == 1.0
    assert flood_score(normalise(text), ["  " + text.replace("，", " ")]) == 1.0
    score = flood_score(normalise(text), ["别的事", near])
    assert 0.7 <= score < 1.0
    flags = find_flood(normalise(text), [near])
    assert [(f.kind, f.start, f.end) for f in flags] == [("spam.flood", 0, len(text))]


def test_recent_texts_cache_holds_only_the_latest() -> None:
    """Screening many clients' distinct texts keeps at most RECENT_KEYS of them cached, and a
    text that fell out of the cache is still compared the same."""
    first = "强烈要求A市尽快解决星城小区的停水问题，已经三天没有水了！"
    assert flood_score(normalise(first), [first]) == 1.0
    for index in range(RECENT_KEYS * 2):
        flood_score(normalise("别的问题"), [f"第{index}位网友：公交线路什么时候恢复运营？"])
    assert _recent_key.cache_info().currsize <= RECENT_KEYS
    assert flood_score(normalise(first), [first]) == 1.0


def test_different_texts_are_not_flooding() -> None:
    """Different questions from the same client, and no history, are not flooding."""
    text = "A2区的学位什么时候公布？"
    assert find_flood(normalise(text), ["A3区的公交线路什么时候调整？", "谢谢领导"]) == []
    assert find_flood(normalise(text), []) == []


def test_same_number_on_wechat() -> None:
    """微信同号 next to a phone number is a solicitation."""
    assert texts(find_contacts(normalise("13812345678（微信同号）"))) == ["微信同号"]
