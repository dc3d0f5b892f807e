"""Hot topics (热点问题): messages about the same concrete problem, grouped and ranked. Pure, no I/O.

The policy (docs/board.md, "Hot topics", says the same):

- Each message (a live question or a board case) is read as its title twice
  and its text, cut into words by ``jieba``; single characters and the
  phrasing every message uses (``STOP``: 什么时候, 能不能, 希望, 反映 …) are
  left out. Features are TF-IDF over those words, fitted on the messages
  being grouped, so what they share that few others do (a place name, a
  school, a kind of nuisance) weighs most.
- Messages are grouped by average-linkage agglomerative clustering on cosine
  distance, cut at ``DISTANCE`` (scikit-learn): two groups join when their
  messages are, on average, closer than that.
- A topic carries its count, its +1s (the sum of its messages' supports), its
  time span, the units involved and a representative title: the title of the
  message nearest the topic's centre (ties: the most supported, then the
  earliest).
- **Heat index** = messages + ``SUPPORT_WEIGHT`` × +1s: ten +1s count as much
  as two more messages. Topics are ranked by heat, then by their latest
  message (newer first). A topic is *hot* when its heat is at least
  ``HOT_MIN`` (two messages, or one with ten +1s).

Limits: similar wording is not the same problem (two different 小区 with the
same 油烟 complaint can join when the place is a small part of the text), and
the same problem told in very different words stays apart; places are not
recognised as such. Topics are an aid for the analysis group, not a finding.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DISTANCE = 0.9
SUPPORT_WEIGHT = 0.1
HOT_MIN = 2.0
TITLE_REPEAT = 2
STOP = frozenset({
    "什么", "什么时候", "能不能", "怎么", "为什么", "希望", "请问", "是否", "可以", "问题", "如何", "没有",
    "我们", "你们", "他们", "这个", "那个", "一个", "还是", "现在", "已经", "非常", "严重", "能否", "为何",
    "领导", "您好", "反映", "相关", "部门", "情况",
})


@dataclass(frozen=True, slots=True)
class Item:
    """One message: ``kind`` is ``question`` or ``case``; ``at`` an ISO time."""

    kind: str
    id: int
    title: str
    text: str
    at: str
    supports: int = 0
    unit: str | None = None
    url: str = ""


@dataclass(frozen=True, slots=True)
class Topic:
    """A group of messages about one problem, with its figures."""

    title: str
    items: tuple[Item, ...]
    supports: int
    first_at: str
    last_at: str
    units: tuple[str, ...]

    @property
    def count(self) -> int:
        """How many messages the topic holds."""
        return len(self.items)

    @property
    def heat(self) -> float:
        """Messages + ``SUPPORT_WEIGHT`` × +1s."""
        return round(self.count + SUPPORT_WEIGHT * self.supports, 2)

    def as_dict(self, *, items: bool = True) -> dict[str, Any]:
        """The API's shape (with the messages unless ``items`` is false)."""
        shape: dict[str, Any] = {
            "title": self.title, "count": self.count, "supports": self.supports, "heat": self.heat,
            "first_at": self.first_at, "last_at": self.last_at, "units": list(self.units),
        }
        if items:
            shape["items"] = [{"kind": i.kind, "id": i.id, "title": i.title, "at": i.at,
                               "supports": i.supports, "url": i.url} for i in self.items]
        return shape


def _text(item: Item) -> str:
    return (item.title.strip() + "\n") * TITLE_REPEAT + item.text.strip()


def _words(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [word for word in jieba.lcut(text) if len(word.strip()) > 1 and word not in STOP]


def _vectors(items: Sequence[Item]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(tokenizer=_words, token_pattern=None, lowercase=False,
                           sublinear_tf=True).fit_transform([_text(item) for item in items])


def _labels(vectors: Any, distance: float) -> list[int]:
    if vectors.shape[0] < 2:
        return [0] * vectors.shape[0]
    from sklearn.cluster import AgglomerativeClustering

    distances = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, 2.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=distance)
    return [int(label) for label in model.fit_predict(distances)]


def labels(items: Sequence[Item], distance: float = DISTANCE) -> list[int]:
    """A group number for each item (items of one group share it), by the module's policy."""
    return _labels(_vectors(items), distance) if items else []


def _representative(members: list[Item], vectors: Any) -> Item:
    centre = np.asarray(vectors.mean(axis=0)).ravel()
    closeness = np.asarray(vectors @ centre).ravel()
    order = sorted(range(len(members)),
                   key=lambda i: (-round(float(closeness[i]), 6), -members[i].supports, members[i].at))
    return members[order[0]]


def topics(items: Sequence[Item], distance: float = DISTANCE) -> list[Topic]:
    """The topics of ``items``, hottest first (every group, however small; see ``hot``)."""
    if not items:
        return []
    vectors = _vectors(items)
    found = _labels(vectors, distance)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(found):
        groups.setdefault(label, []).append(index)
    result = []
    for rows in groups.values():
        members = [items[i] for i in rows]
        best = _representative(members, vectors[rows])
        units = sorted({item.unit for item in members if item.unit})
        result.append(Topic(
            title=best.title, items=tuple(sorted(members, key=lambda item: item.at)),
            supports=sum(item.supports for item in members),
            first_at=min(item.at for item in members), last_at=max(item.at for item in members),
            units=tuple(units),
        ))
    result.sort(key=lambda topic: (-topic.heat, _negated(topic.last_at)))
    return result


def _negated(stamp: str) -> tuple[int, ...]:
    return tuple(-ord(char) for char in stamp)


def hot(found: Sequence[Topic], limit: int) -> list[Topic]:
    """The first ``limit`` topics whose heat reaches ``HOT_MIN``."""
    return [topic for topic in found if topic.heat >= HOT_MIN][:limit]


def pair_scores(predicted: Sequence[int], truth: Sequence[int]) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1): of the pairs put together, how many belong together, and
    of the pairs that belong together, how many were put together."""
    together = same = both = 0
    for i in range(len(truth)):
        for j in range(i + 1, len(truth)):
            put, belong = predicted[i] == predicted[j], truth[i] == truth[j]
            together += put
            same += belong
            both += put and belong
    precision = both / together if together else 1.0
    recall = both / same if same else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
