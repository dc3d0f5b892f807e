"""Screening entry point: the agreed interface, flag format, redaction and priority."""

from __future__ import annotations

from moderation.flags import Flag
from moderation.lexicon import Lexicon, Term
from moderation.screening import Screening, priority, screen
from moderation.similarity import DuplicateIndex


def test_clean_question_has_no_flags(lexicon: Lexicon) -> None:
    """An ordinary question gets no flags, priority 0, and its text back unchanged."""
    text = "请问A市A2区桂花坪街道的老旧小区改造什么时候开始？加装电梯的补贴怎么申请？"
    result = screen(text, lexicon=lexicon)
    assert isinstance(result, Screening)
    assert result.flags == ()
    assert result.redacted == text
    assert result.priority == 0
    assert result.flags_json() == []


def test_flags_refer_to_original_text(lexicon: Lexicon) -> None:
    """Every flag's text is exactly the original slice, however it was typed."""
    text = "我叫張三，手機１３８ 1234\n5678，你們這些狗 官！"
    result = screen(text, lexicon=lexicon)
    kinds = [f.kind for f in result.flags]
    assert kinds == ["pii.name", "pii.mobile", "word.abuse"]
    for flag in result.flags:
        assert text[flag.start : flag.end] == flag.text
    mobile = result.flags[1]
    assert mobile.text == "１３８ 1234\n5678"
    assert mobile.suggestion == "138****5678"


def test_redacted_applies_every_pii_suggestion(lexicon: Lexicon) -> None:
    """The redacted text replaces personal data only, words stay for the moderator."""
    text = "本人李四，电话13812345678，邮箱lisi@example.com，傻逼"
    result = screen(text, lexicon=lexicon)
    assert result.redacted == "本人李某，电话138****5678，邮箱[已隐去]，傻逼"


def test_flags_json_format(lexicon: Lexicon) -> None:
    """The JSON form is DESIGN.md §4: kind, start, end, text and only the optional fields set."""
    result = screen("加微信abc12345 傻逼", lexicon=lexicon)
    assert result.flags_json() == [
        {"kind": "spam.contact", "start": 0, "end": 11, "text": "加微信abc12345"},
        {"kind": "word.abuse", "start": 12, "end": 14, "text": "傻逼", "level": "block"},
    ]


def test_duplicate_flag_names_the_other_question(lexicon: Lexicon) -> None:
    """A near-copy of an indexed question is flagged with its id and a similarity score."""
    index = DuplicateIndex()
    index.add(41, "A市A2区景蓉华苑小区的物业公司要退出，停车费涨价合理吗？")
    index.add(42, "公交车站什么时候搬迁")
    result = screen("A市A2区景蓉华苑小区物业公司要退出了，停车费涨价合理吗", lexicon=lexicon, duplicates=index)
    dup = [f for f in result.flags if f.kind == "duplicate"]
    assert len(dup) == 1
    assert dup[0].question_id == 41
    assert dup[0].score is not None and dup[0].score >= 0.7


def test_flood_from_recent_texts(lexicon: Lexicon) -> None:
    """The same text again from one client is flagged as flooding."""
    text = "为什么小区门口的路灯一直不亮？"
    result = screen(text, lexicon=lexicon, recent=["别的问题", "为什么小区门口的路灯一直不亮!!"])
    assert [f.kind for f in result.flags] == ["spam.flood"]
    assert result.flags[0].score == 1.0


def test_priority_ranks_block_words_first() -> None:
    """Block words outrank ID numbers, which outrank other PII, review words and spam."""
    block = Flag("word.abuse", 0, 1, "x", level="block")
    ident = Flag("pii.id_number", 0, 1, "x")
    mobile = Flag("pii.mobile", 0, 1, "x")
    review = Flag("word.ads", 0, 1, "x", level="review")
    link = Flag("spam.link", 0, 1, "x")
    dup = Flag("duplicate", 0, 1, "x", question_id=1, score=0.9)
    ranked = [priority([f]) for f in (block, ident, mobile, review, link, dup)]
    assert ranked == sorted(ranked, reverse=True)
    assert priority([]) == 0
    assert priority([mobile, mobile]) > priority([mobile])


def test_custom_lexicon_terms(lexicon: Lexicon) -> None:
    """A lexicon built from given terms reports their category and level."""
    custom = Lexicon.build([Term("烂尾楼", "topic", "review")])
    result = screen("这个烂 尾 楼谁管", lexicon=custom)
    assert [(f.kind, f.level, f.text) for f in result.flags] == [("word.topic", "review", "烂 尾 楼")]


def test_rescreening_an_indexed_question_skips_itself(lexicon: Lexicon) -> None:
    """With exclude_id, a question already in the index is not suggested as its own duplicate."""
    index = DuplicateIndex()
    text = "A市A2区景蓉华苑小区的物业公司要退出，停车费涨价合理吗？"
    index.add(7, text)
    assert [f.question_id for f in screen(text, lexicon=lexicon, duplicates=index).flags] == [7]
    assert screen(text, lexicon=lexicon, duplicates=index, exclude_id=7).flags == ()


def test_random_text_keeps_offsets_exact(lexicon: Lexicon) -> None:
    """On random mixes of Chinese, digits, separators, full-width forms and emoji, every flag's span is exact."""
    import random

    from moderation.normalize import fold, normalise

    rng = random.Random(11)
    pieces = [
        "我叫张三", "本人", "１３８", "0571-", "8888 ", "\n", "X", "ｘ", "傻", "逼", "加微信", "vx",
        "@", "qq.com", "www.", "！！", "哈哈", "湘A", "12345", "·", "😀", "\u200b", "內部", "消息",
        "，", "。", " ", "(", "）", "1", "9", "0", "A", "é", "ﬀ", "①", "⼈", "𝐀", "\r\n",
    ]
    index = DuplicateIndex()
    for n in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert len(fold(text)) == len(text)
        norm = normalise(text)
        for i in range(len(norm.compact)):
            assert fold(text[norm.position(i)]) == norm.compact[i]
        result = screen(text, lexicon=lexicon, duplicates=index, recent=[text[:10]])
        for flag in result.flags:
            assert text[flag.start : flag.end] == flag.text
        index.add(n, text)


def test_mistyped_id_number_is_screened_like_an_id(lexicon: Lexicon) -> None:
    """A mistyped ID number ranks, redacts and serialises like a valid one, with its detail."""
    typo = screen("身份证110101 19900307 4578，请核实", lexicon=lexicon)
    valid = screen("身份证110101 19900307 4573，请核实", lexicon=lexicon)
    assert typo.priority == valid.priority == 81
    assert typo.redacted == valid.redacted == "身份证[已隐去]，请核实"
    assert typo.flags_json() == [
        {"kind": "pii.id_number", "start": 3, "end": 23, "text": "110101 19900307 4578",
         "suggestion": "[已隐去]", "detail": "check_digit"},
    ]
    assert "detail" not in valid.flags_json()[0]
