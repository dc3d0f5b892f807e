"""Screening over every real citizen message and official reply in the 问政西地省 sample.

The sample is anonymised: phone numbers were replaced by zeros (0000-00000000),
links by https://baidu.com/, people by ids. So any ID, mobile, landline or bank
card flag on it would be a false positive, and the few true findings are known
by heart: self-introductions with a name, one QQ contact, one insult, the links
the anonymiser left, a handful of 。！？ floods, and one message posted twice.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from moderation.lexicon import Lexicon
from moderation.screening import Screening, screen
from moderation.similarity import DuplicateIndex
from support.data import WENZHENG as DATA

FILES = ("messages.jsonl", "hot-messages.jsonl", "replies.jsonl")


@pytest.fixture(scope="module")
def screened(lexicon: Lexicon) -> list[tuple[str, int, str, str, Screening]]:
    """(file, id, field, text, screening) for every title, text and reply."""
    if not all((DATA / name).exists() for name in FILES):
        pytest.skip("the shared wenzheng sample is not beside the project")
    out = []
    for name in FILES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for field in ("title", "text", "reply"):
                text = row.get(field)
                if text:
                    out.append((name, int(row["id"]), field, text, screen(text, lexicon=lexicon)))
    return out


def flags_of(screened: list[tuple[str, int, str, str, Screening]], kind: str) -> set[tuple[int, str]]:
    return {(i, f.text) for _, i, _, _, s in screened for f in s.flags if f.kind == kind}


def test_every_text_is_screened_with_exact_spans(screened: list[tuple[str, int, str, str, Screening]]) -> None:
    """All 1,100+ titles, messages and replies are screened; every flag points at its original text."""
    assert len(screened) > 1100
    for _, _, _, text, result in screened:
        for flag in result.flags:
            assert 0 <= flag.start <= flag.end <= len(text)
            assert text[flag.start : flag.end] == flag.text


def test_real_messages_are_not_drowning_in_flags(screened: list[tuple[str, int, str, str, Screening]]) -> None:
    """Under 3% of real texts get any personal-data, word or spam flag, and none gets more than 8."""
    flagged = [s for _, _, _, _, s in screened if s.flags]
    assert len(flagged) / len(screened) < 0.03
    assert max(len(s.flags) for s in flagged) <= 8
    by_kind = Counter(f.kind.split(".")[0] for s in flagged for f in s.flags)
    assert set(by_kind) <= {"pii", "word", "spam"}


def test_no_number_is_mistaken_for_personal_data(screened: list[tuple[str, int, str, str, Screening]]) -> None:
    """Dates, amounts, standard numbers and the zeroed-out phone placeholders give no number flags."""
    for kind in ("pii.id_number", "pii.mobile", "pii.landline", "pii.bank_card", "pii.email", "pii.plate"):
        assert flags_of(screened, kind) == set(), kind
    placeholders = [t for _, _, _, t, _ in screened if "0000-00000000" in t]
    assert len(placeholders) >= 10


def test_known_self_introductions_are_found(screened: list[tuple[str, int, str, str, Screening]]) -> None:
    """Real self-introductions with a name are flagged, and nothing else is taken for a name."""
    names = flags_of(screened, "pii.name")
    assert {(8276, "赵阳林"), (77221, "易侠"), (175865, "苏波"), (289408, "朱琦梦"), (167047, "廖博")} <= names
    assert len(names) <= 10


def test_known_spam_and_words_are_found(screened: list[tuple[str, int, str, str, Screening]]) -> None:
    """The QQ contact, the insult and the anonymiser's links are found; repetition stays rare."""
    assert (111730, "qq：0000-00000000") in flags_of(screened, "spam.contact")
    assert flags_of(screened, "word.abuse") == {(11352, "狗官")}
    links = flags_of(screened, "spam.link")
    assert links and all(text.startswith("https://baidu.com/") for _, text in links)
    repeats = flags_of(screened, "spam.repeat")
    assert (153997, "？？？？？？？？？？") in repeats and len(repeats) <= 5
    assert flags_of(screened, "spam.empty") == set()


def test_the_message_posted_twice_is_a_duplicate() -> None:
    """Screening each message against all earlier ones finds the one real repost and nothing else."""
    if not all((DATA / name).exists() for name in FILES):
        pytest.skip("the shared wenzheng sample is not beside the project")
    lexicon = Lexicon.build([])
    index = DuplicateIndex()
    pairs = []
    for name in FILES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            result = screen(row["text"], lexicon=lexicon, duplicates=index)
            pairs += [(f.question_id, int(row["id"]), f.score) for f in result.flags if f.kind == "duplicate"]
            index.add(int(row["id"]), row["text"])
    assert [(a, b) for a, b, _ in pairs] == [(360107, 360108)]
    assert pairs[0][2] is not None and pairs[0][2] >= 0.9


def test_real_titles_cluster_into_same_question_groups() -> None:
    """Among real titles, known re-asked questions (同问) find each other."""
    if not (DATA / "messages.jsonl").exists():
        pytest.skip("the shared wenzheng sample is not beside the project")
    titles: dict[int, str] = {}
    for name in FILES:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            titles[int(row["id"])] = row["title"]
    index = DuplicateIndex()
    for item_id, title in titles.items():
        index.add(item_id, title)
    by_text = {t: i for i, t in titles.items()}

    def similar(title: str) -> set[str]:
        return {titles[i] for i, _ in index.query(title, limit=5) if titles[i] != title}

    assert "A市A5区同升湖山庄完全是邮政盲区" in similar("A市A5区同升湖山庄重回邮政盲区")
    assert "A市经济学院强制学生外出实习" in similar("A市经济学院强制学生实习")
    suggested = sum(1 for t in by_text if similar(t))
    assert suggested <= len(by_text) // 10
