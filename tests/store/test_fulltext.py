"""The search index's text form, query expressions and highlighting (pure functions)."""

from __future__ import annotations

import sqlite3

from moderation.normalize import fold
from studio.board import exports
from studio.store import fulltext
from studio.store.search import KEY_SCALE, day_key


def test_index_text_is_bigrams_and_a_trailing_character_per_run() -> None:
    """Runs of letters and digits become overlapping bigrams plus their last character."""
    assert fulltext.index_text("社保转移") == "社保 保转 转移 移"
    assert fulltext.index_text("A2区，社！") == "a2 2区 区 社"
    assert fulltext.index_text("Ａ２区") == "a2 2区 区"
    assert fulltext.index_text("") == "" and fulltext.index_text(None) == ""


def test_query_terms_and_expression() -> None:
    """Words split on spaces and punctuation; one char is a prefix, longer words are phrases."""
    assert fulltext.terms_of("  社保，转移接续 社保 ") == ["社保", "转移接续"]
    assert fulltext.match_expression(["社保", "转移接续", "房"]) == '"社保" AND "转移 移接 接续" AND "房"*'
    assert fulltext.match_expression(fulltext.terms_of('"* OR NEAR( )')) == '"or" AND "ne ea ar"'
    assert fulltext.match_expression([]) is None


def _matching(texts: list[str], query: str) -> set[int]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'ascii', prefix = '1')")
    for number, text in enumerate(texts):
        conn.execute("INSERT INTO t (rowid, body) VALUES (?, ?)", (number, fulltext.index_text(text)))
    expression = fulltext.match_expression(fulltext.terms_of(query))
    return {row[0] for row in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,))}


def test_fts_matches_exactly_the_substrings() -> None:
    """Through FTS5, a query finds exactly the texts containing it (1, 2 and 3+ characters)."""
    texts = ["社保卡丢了怎么补办", "医保和社保", "保社区", "社区保安", "A2区物业", "社会保险", "保"]
    for query in ("社保", "保", "社", "物业", "a2区", "社保卡", "区保"):
        expected = {i for i, text in enumerate(texts) if query in fulltext.normalise(text)}
        assert _matching(texts, query) == expected, query
    assert _matching(texts, "社保 医保") == {1}


def test_highlight_escapes_then_marks() -> None:
    """User text is escaped first; only the highlight's own <mark> tags are markup."""
    marked = fulltext.mark('<img src=x onerror="1">社保&Ｓｈｅ', ["社保", "she"])
    assert str(marked) == '&lt;img src=x onerror=&#34;1&#34;&gt;<mark>社保</mark>&amp;<mark>Ｓｈｅ</mark>'


def test_snippet_centres_on_the_first_match() -> None:
    """A snippet is a window around the first match, with ellipses where text was cut."""
    text = "甲" * 100 + "<物业>" + "乙" * 100
    cut = str(fulltext.snippet(["无关", text], ["物业"], width=30))
    assert cut.startswith("…") and cut.endswith("…") and "&lt;<mark>物业</mark>&gt;" in cut
    assert str(fulltext.snippet(["开头的文字"], ["没有"], width=3)) == "开头的…"


def test_day_keys_bound_the_index_rowids_of_a_day() -> None:
    """A case's index rowid is its local creation day's first key plus its id, as SQL computes it."""
    conn = sqlite3.connect(":memory:")
    key = conn.execute("SELECT (CAST(julianday(substr(?, 1, 10)) AS INTEGER) - 2415020) * 134217728 + 7",
                       ("2019-04-25T23:59:00+08:00",)).fetchone()[0]
    assert key == day_key("2019-04-25") + 7 and key % KEY_SCALE == 7
    assert day_key("2019-04-26") - day_key("2019-04-25") == KEY_SCALE


def test_markdown_export_text_is_inert() -> None:
    """Markdown export escapes markup characters so user text shows literally."""
    assert exports.md("<b>*x*</b>\n# 标题") == "\\<b\\>\\*x\\*\\</b\\>  \n\\# 标题"


def test_traditional_and_simplified_index_and_match_alike() -> None:
    """The index and the query fold traditional characters to simplified with screening's folding."""
    assert fulltext.normalise("停車場") == fold("停車場") == "停车场"
    assert fulltext.index_text("停車場收費") == fulltext.index_text("停车场收费") == "停车 车场 场收 收费 费"
    assert fulltext.terms_of("停車 醫保") == ["停车", "医保"]
    assert _matching(["小区停车难", "醫保報銷", "停止"], "停車") == {0}
    assert _matching(["小区停车难", "醫保報銷", "停止"], "医保") == {1}


def test_highlights_fold_like_the_index() -> None:
    """A simplified query marks the traditional text it found, and the other way round."""
    assert str(fulltext.mark("我們小區停車難", ["停车"])) == "我們小區<mark>停車</mark>難"
    assert str(fulltext.mark("小区停车难", fulltext.terms_of("停車"))) == "小区<mark>停车</mark>难"
