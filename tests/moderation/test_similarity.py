"""Near-duplicate index: MinHash similarity without a segmenter, brute force and LSH."""

from __future__ import annotations

import random

import pytest

from moderation.similarity import DEFAULT_THRESHOLD, DuplicateIndex, jaccard

QUESTIONS = {
    1: "我们小区的路灯坏了很久了，什么时候能修好？",
    2: "A市今年中考体育考试的项目有哪些变化？",
    3: "A市公积金贷款额度是多少",
    4: "学校周边的交通拥堵怎么解决",
    5: "A2区景蓉华苑物业要退出，停车费涨价合理吗？",
}

REWORDINGS = [
    ("小区路灯坏了好久，请问什么时候修", 1),
    ("请问今年A市中考体育考试的项目有什么变化", 2),
    ("A市的公积金可以贷款多少钱", 3),
    ("景蓉华苑小区物业公司要退出了，停车费上涨是否合理", 5),
]


@pytest.fixture(params=[5000, 0], ids=["brute-force", "lsh"])
def index(request: pytest.FixtureRequest) -> DuplicateIndex:
    idx = DuplicateIndex(brute_force_limit=request.param)
    for item_id, text in QUESTIONS.items():
        idx.add(item_id, text)
    return idx


def test_identical_text_scores_one(index: DuplicateIndex) -> None:
    """The same question, however punctuated or spaced, is found with score 1."""
    assert index.query("我们小区的路灯 坏了很久了 什么时候能修好") == [(1, 1.0)]


@pytest.mark.parametrize("text, expected", REWORDINGS)
def test_rewordings_are_found_brute_force(text: str, expected: int) -> None:
    """A re-worded question finds the original above the default threshold (all signatures compared)."""
    index = DuplicateIndex()
    for item_id, original in QUESTIONS.items():
        index.add(item_id, original)
    hits = index.query(text)
    assert hits and hits[0][0] == expected
    assert hits[0][1] >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    "text",
    ["医院周边停车难怎么解决", "A市公积金提取需要什么材料", "高速公路收费站什么时候撤销"],
)
def test_unrelated_questions_are_not_duplicates(index: DuplicateIndex, text: str) -> None:
    """Questions on other subjects, even sharing some words, get no suggestion."""
    assert index.query(text) == []


def test_traditional_and_full_width_variants(index: DuplicateIndex) -> None:
    """Traditional characters and full-width letters do not hide a duplicate."""
    assert index.query("Ａ市公積金貸款額度是多少")[0] == (3, 1.0)


def test_remove_and_replace(index: DuplicateIndex) -> None:
    """Removed items are no longer found; adding an id again replaces its text."""
    index.remove(1)
    index.remove(99)
    assert 1 not in index and len(index) == 4
    assert index.query(QUESTIONS[1]) == []
    index.add(3, QUESTIONS[1])
    assert len(index) == 4
    assert index.query(QUESTIONS[1]) == [(3, 1.0)]
    assert index.query(QUESTIONS[3]) == []


def test_short_texts_are_not_compared() -> None:
    """Texts of a few characters are neither indexed nor queried."""
    idx = DuplicateIndex()
    idx.add(1, "同问")
    assert len(idx) == 0
    idx.add(2, QUESTIONS[1])
    assert idx.query("同问") == []


def test_limit_and_order() -> None:
    """Results are the most similar first, at most ``limit``."""
    idx = DuplicateIndex()
    base = "A5区劳动东路魅力之城小区一楼的夜宵摊严重污染附近的空气"
    idx.add(10, base)
    idx.add(11, base + "，急需处理！")
    idx.add(12, "A5区劳动东路魅力之城小区油烟扰民")
    hits = idx.query(base, limit=2)
    assert [h[0] for h in hits] == [10, 11]
    assert hits[0][1] >= hits[1][1]
    assert idx.query(base, limit=1) == [(10, 1.0)]


def test_lsh_finds_near_copies_among_many() -> None:
    """Above the brute-force limit, LSH still finds lightly edited copies among thousands of posts."""
    rng = random.Random(3)
    alphabet = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2500))
    posts = {i: "".join(rng.choices(alphabet, k=rng.randint(30, 120))) for i in range(3000)}
    idx = DuplicateIndex(brute_force_limit=100)
    for item_id, text in posts.items():
        idx.add(item_id, text)
    found = 0
    for item_id in range(0, 3000, 30):
        text = posts[item_id]
        cut = rng.randrange(len(text) - 5)
        edited = text[:cut] + "，" + text[cut + 3 :] + "？"
        hits = idx.query(edited)
        found += bool(hits) and hits[0][0] == item_id
    assert found >= 95  # of 100


def test_exact_jaccard_helper() -> None:
    """The exact Jaccard helper agrees with the definition on a small case."""
    assert jaccard("路灯坏了", "路灯坏了") == 1.0
    assert jaccard("", "路灯") == 0.0
    assert 0 < jaccard("路灯坏了", "路灯亮了") < 1


def test_removals_compact_the_index() -> None:
    """After most items are removed the index compacts, and what remains is still found exactly."""
    rng = random.Random(5)
    alphabet = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2500))
    posts = {i: "".join(rng.choices(alphabet, k=60)) for i in range(300)}
    for limit in (5000, 0):
        idx = DuplicateIndex(brute_force_limit=limit)
        for item_id, text in posts.items():
            idx.add(item_id, text)
        for item_id in range(250):
            idx.remove(item_id)
        assert len(idx) == 50
        assert idx.query(posts[10]) == []
        assert idx.query(posts[260]) == [(260, 1.0)]
        idx.add(10, posts[10])
        assert idx.query(posts[10]) == [(10, 1.0)]
