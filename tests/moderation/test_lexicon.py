"""Sensitive words: the lexicon format, the default lexicon and robust matching."""

from __future__ import annotations

import pytest

from moderation.lexicon import Lexicon, Term, default_terms, format_lexicon, parse_lexicon
from moderation.normalize import compact_key, fold, normalise


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str, str | None]]:
    return [(f.kind, f.text, f.level) for f in lexicon.find(text)]


def test_parse_lexicon_format() -> None:
    """Tab- or space-separated lines, comments and blank lines; level defaults to review."""
    terms = parse_lexicon("# 广告\n\n加微信\tads\treview\n傻逼\tabuse\tblock\n内部消息  rumour\n")
    assert terms == [
        Term("加微信", "ads", "review"),
        Term("傻逼", "abuse", "block"),
        Term("内部消息", "rumour", "review"),
    ]
    assert parse_lexicon(format_lexicon(terms)) == terms


@pytest.mark.parametrize(
    "text, line",
    [
        ("好词\tads\treview\n坏词\tads\tdelete\n", 2),
        ("# x\n\n词\tAds\n", 3),
        ("只有一个字段\n", 1),
        ("一\tads\treview\textra\n", 1),
        ("！！\tabuse\tblock\n", 1),
    ],
)
def test_parse_lexicon_errors_name_the_line(text: str, line: int) -> None:
    """Bad levels, categories, field counts and empty terms raise ValueError with the line number."""
    with pytest.raises(ValueError, match=f"line {line}:"):
        parse_lexicon(text)


def test_default_lexicon_categories() -> None:
    """The shipped lexicon parses and covers abuse, ads, illegal and rumour with both levels."""
    terms = default_terms()
    assert {t.category for t in terms} == {"abuse", "ads", "illegal", "rumour"}
    assert {t.level for t in terms} == {"block", "review"}
    assert len({compact_key(t.text) for t in terms}) == len(terms)


@pytest.mark.parametrize(
    "text, span",
    [
        ("你就是个傻逼", "傻逼"),
        ("你就是个傻 逼", "傻 逼"),
        ("你就是个傻、逼", "傻、逼"),
        ("你就是个傻*-*逼", "傻*-*逼"),
        ("你就是个ＳＢ傻Ｂ", "傻Ｂ"),
        ("你就是个傻\u200b逼", "傻\u200b逼"),
        ("你就是个傻😀逼", "傻😀逼"),
    ],
)
def test_word_matching_is_robust(lexicon: Lexicon, text: str, span: str) -> None:
    """Inserted spaces, punctuation, zero-width characters, emoji and full-width letters do not hide a term."""
    assert found(lexicon, text) == [("word.abuse", span, "block")]


def test_traditional_characters(lexicon: Lexicon) -> None:
    """Traditional spellings match simplified terms, and the span is the original text."""
    assert found(lexicon, "這是內部消息，緊急擴散") == [
        ("word.rumour", "內部消息", "review"),
        ("word.rumour", "緊急擴散", "review"),
    ]
    assert fold("緊急擴散") == "紧急扩散"


def test_levels_and_categories(lexicon: Lexicon) -> None:
    """Each match carries its term's category and level."""
    assert found(lexicon, "代开发票，兼职日结，出售枪支") == [
        ("word.ads", "代开发票", "block"),
        ("word.ads", "兼职日结", "review"),
        ("word.illegal", "出售枪支", "block"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "医疗废物处置不规范",
        "这件事交代。开发票的事另说",
        "这是傻\n逼",  # a line break between: two sentences, not one word
        "傻    ——  逼",  # a long gap
    ],
)
def test_no_match_across_sentences_or_inside_other_words(lexicon: Lexicon, text: str) -> None:
    """Terms split by a sentence break or a long gap are not matched; nor are removed terms."""
    assert found(lexicon, text) == []


def test_ascii_terms_need_word_boundaries() -> None:
    """A term of Latin letters is not found inside a longer word, but is before digits."""
    lex = Lexicon.build([Term("vx", "ads", "review")])
    assert lex.find("请加 VX123456") != []
    assert lex.find("nvxx and vxa") == []


def test_duplicate_terms_merge_to_most_severe() -> None:
    """The same term listed twice in one category reports the most severe level once."""
    lex = Lexicon.build([Term("刷单", "ads", "review"), Term("刷 单", "ads", "block")])
    assert [(f.kind, f.level) for f in lex.find("兼职刷单")] == [("word.ads", "block")]


def test_overlapping_terms_keep_the_longest() -> None:
    """A term inside a longer term of the same category is reported once, as the longer one."""
    lex = Lexicon.build([Term("扩散", "rumour", "review"), Term("紧急扩散", "rumour", "block")])
    assert [(f.text, f.level) for f in lex.find("紧急扩散！")] == [("紧急扩散", "block")]


def test_empty_lexicon_finds_nothing() -> None:
    """A lexicon without terms is valid and finds nothing."""
    assert Lexicon.build([]).find("傻逼") == []


def test_build_rejects_bad_terms() -> None:
    """Terms with an unknown level or nothing to match are refused."""
    with pytest.raises(ValueError):
        Lexicon.build([Term("词", "ads", "maybe")])
    with pytest.raises(ValueError):
        Lexicon.build([Term("……", "ads", "review")])


def test_normalised_offsets_map_back() -> None:
    """The compact view maps every character back to its original offset."""
    text = "Ａ，　b\n（中）文"
    norm = normalise(text)
    assert norm.text == "a， b\n(中)文"
    assert norm.compact == "ab中文"
    assert [text[norm.position(i)] for i in range(len(norm.compact))] == ["Ａ", "b", "中", "文"]
    assert norm.span(1, 3) == (3, 7)
