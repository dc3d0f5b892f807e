"""Reply quality indicators (答复质量): what a supervisor can check in an official's reply. Pure, no I/O.

Each indicator is a plain rule a person can verify by reading the reply
(docs/board.md, "Reply quality", says the same):

- **addresses** the message: the cosine similarity of the character bigrams
  of the message (title and text) and of the reply, over Chinese characters,
  letters and digits, is at least ``RELEVANCE_MIN``. A reply about the
  problem repeats its places and things; a form answer shares almost nothing.
- **action**: it says what was or will be done (a handling verb: 将, 拟,
  计划, 安排, 督促, 责令, 整改, 已…处理/解决/修复/清理 …).
- **by when**: it names a time for it (a date, 月底/年底前, N 个工作日内,
  预计…完成/完工/开通 …).
- **basis**: it cites a basis: a title in 《》 of a law, regulation, rule,
  plan or document, an article (第…条), a document number (〔2019〕2号, …号文),
  or 根据/依据/按照 … 规定/政策/文件/标准.
- **contact**: it gives a way to follow up: a telephone number, or
  联系电话/咨询电话/联系人/热线 followed by something to call.
- **working days** from the message to the reply (given by the caller, who
  knows the holiday calendar) and whether it came within the case's deadline.
- **boilerplate**: it is a near copy of another reply (the cosine of their
  binary character 4-gram vectors, dates, digits and punctuation removed, is
  at least ``COPY_MIN``): the same text sent to different people.

**Points** (0–5) count addresses, action, by when, basis and contact; a
boilerplate reply scores 0 whatever it contains, since the same words answer
everyone. Indicators are aids for a person, not a verdict: a short reply can
be right ("已修复") and a long one empty.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

RELEVANCE_MIN = 0.1
COPY_MIN = 0.8
MAX_POINTS = 5

_KEPT = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_HAN = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DATE = re.compile(r"[0-9]{2,4}\s*年\s*[0-9]{1,2}\s*月(\s*[0-9]{1,2}\s*日)?|[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日")
ACTION = re.compile(
    r"(将|拟|计划|安排|督促|责令|责成|要求.{0,12}(整改|处理|落实|清理|拆除|修复)|整改|下一步|抓紧|"
    r"已(经)?.{0,20}(处理|解决|修复|维修|清理|拆除|整改|办理|落实|疏通|更换|恢复|依法查处|立案|协调|退还|发放|补发)|"
    r"(正在|目前|现已).{0,20}(施工|推进|办理|处理|协调|整改))"
)
BY_WHEN = re.compile(
    r"([0-9一二三四五六七八九十]+\s*个?\s*(工作日|日|天|周|星期|月)内|"
    r"([0-9]{4}\s*年\s*)?[0-9一二三四五六七八九十]{1,2}\s*月\s*(底|前|中旬|上旬|下旬|[0-9]{1,2}\s*日\s*前)|"
    r"(年底|月底)前|(年底|年内|月底|本周|下周|本月|下月)(前)?将?(完成|完工|解决|到位|启动|开工|实施|办结)|"
    r"预计.{0,20}(完成|完工|竣工|开通|通车|投入使用|到位|解决|实施|启用|开工)|"
    r"于\s*[0-9]{4}\s*年.{0,12}(前|底)?(完成|完工|开工|实施|启动))"
)
BASIS = re.compile(
    r"(《[^》]{0,60}(法|条例|规定|办法|意见|通知|规划|细则|标准|规范|政策|决定|纲要|方案|规程|制度)》|"
    r"第\s*[0-9一二三四五六七八九十百]+\s*条|"
    r"[〔\[［﹝【(（]\s*[0-9]{4}\s*[〕\]］﹞】)）]\s*[0-9]+\s*号|[0-9]+\s*号文|"
    r"(根据|依据|按照|依照).{0,40}(规定|政策|文件|标准|要求|条例|法律|法规|办法))"
)
PHONE = re.compile(r"(?<![0-9])(0[0-9]{2,3}[-－—\s]?[0-9]{7,8}|1[3-9][0-9]{9}|[0-9]{3,4}-[0-9]{7,8}|[0-9]{7,8}|12345)(?![0-9])")
CONTACT_WORD = re.compile(r"(联系电话|咨询电话|联系人|热线|电话|联系方式|来电|致电)")


@dataclass(frozen=True, slots=True)
class Quality:
    """The indicators of one reply (see the module's docstring for each rule)."""

    relevance: float
    addresses: bool
    action: bool
    by_when: bool
    basis: bool
    contact: bool
    boilerplate: bool
    length: int
    working_days: int | None = None
    on_time: bool | None = None

    @property
    def points(self) -> int:
        """0–5: addresses, action, by when, basis, contact; 0 for boilerplate."""
        if self.boilerplate:
            return 0
        return sum((self.addresses, self.action, self.by_when, self.basis, self.contact))

    def as_dict(self) -> dict[str, Any]:
        """The API's shape."""
        return {
            "points": self.points, "max_points": MAX_POINTS, "relevance": round(self.relevance, 3),
            "addresses": self.addresses, "action": self.action, "by_when": self.by_when,
            "basis": self.basis, "contact": self.contact, "boilerplate": self.boilerplate,
            "length": self.length, "working_days": self.working_days, "on_time": self.on_time,
        }


def _bigrams(text: str) -> Counter[str]:
    kept = "".join(_KEPT.findall(text))
    return Counter(kept[i:i + 2] for i in range(len(kept) - 1))


def relevance(message: str, reply: str) -> float:
    """The cosine similarity (0–1) of the character bigram counts of ``message`` and ``reply``."""
    a, b = _bigrams(message), _bigrams(reply)
    if not a or not b:
        return 0.0
    dot = sum(count * b[gram] for gram, count in a.items() if gram in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _shingles(text: str) -> frozenset[str]:
    kept = "".join(_HAN.findall(_DATE.sub("", text)))
    return frozenset(kept[i:i + 4] for i in range(len(kept) - 3))


def copy_scores(replies: Sequence[str], others: Sequence[str] = ()) -> list[float]:
    """For each of ``replies``, its highest similarity (0–1) to any *other* reply of ``replies``
    or to any of ``others``: the cosine of binary character 4-gram sets, Chinese and letters only,
    dates left out."""
    sets = [_shingles(text) for text in replies]
    pool = sets + [_shingles(text) for text in others]
    index: dict[str, list[int]] = {}
    for number, shingles in enumerate(pool):
        for shingle in shingles:
            index.setdefault(shingle, []).append(number)
    scores = []
    for number, shingles in enumerate(sets):
        shared: Counter[int] = Counter()
        for shingle in shingles:
            shared.update(index[shingle])
        best = 0.0
        for other, count in shared.items():
            if other != number and pool[other]:
                best = max(best, count / math.sqrt(len(shingles) * len(pool[other])))
        scores.append(best)
    return scores


def assess(message: str, reply: str, *, copy_score: float = 0.0, working_days: int | None = None,
           on_time: bool | None = None) -> Quality:
    """The indicators of ``reply`` to ``message`` (title and text joined); ``copy_score`` is the
    reply's result from :func:`copy_scores`, ``working_days`` and ``on_time`` what the caller
    computed from the case's dates and deadline."""
    score = relevance(message, reply)
    contact = bool(PHONE.search(reply)) and bool(CONTACT_WORD.search(reply))
    return Quality(
        relevance=score, addresses=score >= RELEVANCE_MIN, action=bool(ACTION.search(reply)),
        by_when=bool(BY_WHEN.search(reply)), basis=bool(BASIS.search(reply)), contact=contact,
        boilerplate=copy_score >= COPY_MIN, length=len(reply.strip()),
        working_days=working_days, on_time=on_time,
    )


def assess_all(pairs: Sequence[tuple[str, str]], others: Sequence[str] = (),
               working_days: Sequence[int | None] | None = None) -> list[Quality]:
    """The indicators of each ``(message, reply)`` pair, boilerplate judged against the other
    replies of ``pairs`` and ``others``."""
    copies = copy_scores([reply for _, reply in pairs], others)
    days = list(working_days) if working_days is not None else [None] * len(pairs)
    return [assess(message, reply, copy_score=copied, working_days=day)
            for (message, reply), copied, day in zip(pairs, copies, days, strict=True)]
