"""Routing suggestions: which categories and units a new message most likely belongs to.

Pure model code, no I/O: the caller hands in the category tree and the store's
routed and categorised cases, and gets back a trained ``Router``.

The policy:

- Text is the title (weighted five times, titles being the densest part) and
  the body. Features are TF-IDF over character 1–3-grams and over words cut
  by ``jieba``; the level-1 model is a linear SVM on those features averaged
  with a complement naive Bayes over character 1–2-grams (both standardised
  per message), which beats either alone on short, noisy messages.
- The category tree itself is training data: every path of the taxonomy is
  a short pseudo-message (its level-2 and level-3 names) labelled with its
  ancestors, so categories no case has used yet can still be suggested and
  the level-1 model learns the vocabulary of each branch.
- The tree's names are also a keyword profile of each level-1 branch
  (``studio.routing_features``): how well the title, and with a quarter of
  that weight the body, match the branch's level-2 and level-3 names is a
  third part of the level-1 score. It helps most where the cases are few:
  a message about prices or advertising finds 商贸旅游 by its 物价监督 and
  广告监管.
- Deeper levels are chosen greedily under the level-1 suggestion: a linear
  SVM per level over every category of that level, restricted at prediction
  to the children of the category chosen above.
- Units are scored from the cases' units (a text model when the history has
  two or more units) and from how often each unit handled each level-1
  category (history plus the admin-given mapping), averaged.
- Scores are a softmax of the model's margins: relative confidence, best
  first, not calibrated probabilities.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.routing_features import BranchProfiles

TITLE_WEIGHT = 5
TITLE_PROFILE_WEIGHT = 1.0
BODY_PROFILE_WEIGHT = 0.25
TAXONOMY_REPEAT = 2
CATEGORY_SUGGESTIONS = 3
UNIT_SUGGESTIONS = 3


@dataclass(frozen=True)
class Example:
    """One routed or categorised case: its text, its category (any level) and its unit."""

    title: str
    text: str
    category_id: int | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class Node:
    """One category of the tree."""

    id: int
    parent_id: int | None
    name: str


@dataclass(frozen=True)
class Suggestion:
    """The answer: categories as ``{id, path, score}`` and units as ``{id, name, score}``, best first."""

    categories: list[dict[str, Any]]
    units: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        """The API's shape."""
        return {"categories": self.categories, "units": self.units}


class NothingToLearn(ValueError):
    """The store has no categorised case to learn from."""


def message_text(title: str, text: str) -> str:
    """The text a model reads: the title ``TITLE_WEIGHT`` times, then the body."""
    return (title.strip() + "\n") * TITLE_WEIGHT + text.strip()


def _cut(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [word for word in jieba.lcut(text) if word.strip()]


def _softmax(margins: np.ndarray) -> np.ndarray:
    shifted = np.exp(margins - margins.max())
    total: np.ndarray = shifted / shifted.sum()
    return total


def _standardise(matrix: np.ndarray) -> np.ndarray:
    centred = matrix - matrix.mean(axis=1, keepdims=True)
    scaled: np.ndarray = centred / (matrix.std(axis=1, keepdims=True) + 1e-9)
    return scaled


class _Features:
    """Character n-grams plus jieba words, fitted once per training."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion

        self.union = FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
            ("words", TfidfVectorizer(tokenizer=_cut, token_pattern=None, lowercase=False,
                                      sublinear_tf=True)),
        ])

    def fit(self, texts: Sequence[str]) -> Any:
        return self.union.fit_transform(texts)

    def transform(self, texts: Sequence[str]) -> Any:
        return self.union.transform(texts)


class _Linear:
    """A linear SVM over given features; margins for every class."""

    def __init__(self, features: Any, labels: Sequence[int]) -> None:
        from sklearn.svm import LinearSVC

        self.classes = sorted(set(labels))
        self.model: Any = None
        if len(self.classes) > 1:
            self.model = LinearSVC(C=1.0).fit(features, list(labels))
            self.classes = [int(c) for c in self.model.classes_]

    def margins(self, features: Any) -> np.ndarray:
        if self.model is None:
            return np.ones((features.shape[0], 1))
        found: np.ndarray = self.model.decision_function(features)
        if found.ndim == 1:  # two classes: one margin for the second
            found = np.stack([-found, found], axis=1)
        return found


class _Bayes:
    """Complement naive Bayes over character 1–2-grams; joint log-likelihoods per class."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.naive_bayes import ComplementNB

        self.vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
        self.model = ComplementNB(alpha=0.1).fit(self.vectors.fit_transform(texts), list(labels))

    def margins(self, texts: Sequence[str]) -> np.ndarray:
        found: np.ndarray = self.model.predict_joint_log_proba(self.vectors.transform(texts))
        return found


@dataclass
class Router:
    """A trained routing model; ``suggest`` answers for one message."""

    nodes: dict[int, Node]
    level1: _Linear
    bayes: _Bayes | None
    profiles: BranchProfiles | None
    deeper: dict[int, _Linear]
    features: _Features
    unit_names: dict[int, str]
    unit_text: _Linear | None
    unit_by_category: dict[int, Counter[int]]
    trained_cases: int = 0
    trained_units: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    profile_weights: tuple[float, float] = (TITLE_PROFILE_WEIGHT, BODY_PROFILE_WEIGHT)

    def path(self, category_id: int) -> str:
        """The category's names from the top, joined by '/'."""
        names = []
        current: int | None = category_id
        while current is not None and current in self.nodes:
            names.append(self.nodes[current].name)
            current = self.nodes[current].parent_id
        return "/".join(reversed(names))

    def level1_ranking(self, titles_texts: Sequence[tuple[str, str]]) -> list[list[tuple[int, float]]]:
        """For each message, every level-1 category with its score, best first."""
        texts = [message_text(title, text) for title, text in titles_texts]
        features = self.features.transform(texts)
        margins = _standardise(self.level1.margins(features)) if self.level1.model is not None \
            else self.level1.margins(features)
        if self.bayes is not None and self.level1.model is not None:
            margins = margins + _standardise(self.bayes.margins(texts))
        title_weight, body_weight = self.profile_weights
        if self.profiles is not None and self.level1.model is not None:
            if title_weight:
                margins = margins + title_weight * _standardise(
                    self.profiles.scores([title for title, _ in titles_texts]))
            if body_weight:
                margins = margins + body_weight * _standardise(
                    self.profiles.scores([text for _, text in titles_texts]))
        rankings = []
        for row in margins:
            scores = _softmax(row)
            order = np.argsort(-scores, kind="stable")
            rankings.append([(self.level1.classes[i], float(scores[i])) for i in order])
        return rankings

    def _deepen(self, features: Any, top: int) -> int:
        current = top
        depth = 2
        while depth in self.deeper:
            children = [n.id for n in self.nodes.values() if n.parent_id == current]
            model = self.deeper[depth]
            allowed = [i for i, c in enumerate(model.classes) if c in children]
            if not allowed:
                break
            row = model.margins(features)[0]
            current = model.classes[max(allowed, key=lambda i: row[i])]
            depth += 1
        return current

    def suggest(self, title: str, text: str) -> Suggestion:
        """The most likely category paths (one per leading level-1 category) and units."""
        ranking = self.level1_ranking([(title, text)])[0]
        features = self.features.transform([message_text(title, text)])
        categories = [
            {"id": leaf, "path": self.path(leaf), "score": round(score, 4)}
            for top, score in ranking[:CATEGORY_SUGGESTIONS]
            for leaf in [self._deepen(features, top)]
        ]
        return Suggestion(categories, self._units(features, ranking))

    def _units(self, features: Any, ranking: list[tuple[int, float]]) -> list[dict[str, Any]]:
        scores: dict[int, float] = defaultdict(float)
        parts = 0
        if self.unit_by_category:
            parts += 1
            for top, score in ranking:
                handled = self.unit_by_category.get(top)
                if handled:
                    total = sum(handled.values())
                    for unit, count in handled.items():
                        scores[unit] += score * count / total
        if self.unit_text is not None:
            parts += 1
            probabilities = _softmax(self.unit_text.margins(features)[0])
            for unit, probability in zip(self.unit_text.classes, probabilities, strict=True):
                scores[unit] += float(probability)
        ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:UNIT_SUGGESTIONS]
        return [{"id": unit, "name": self.unit_names.get(unit, str(unit)), "score": round(score / parts, 4)}
                for unit, score in ordered if score > 0]


def _top(nodes: dict[int, Node], category_id: int) -> list[int]:
    """The ids from the top down to ``category_id``."""
    chain = []
    current: int | None = category_id
    while current is not None and current in nodes:
        chain.append(current)
        current = nodes[current].parent_id
    return list(reversed(chain))


def train(tree: Iterable[Node], cases: Iterable[Example], units: dict[int, str],
          mapping: Iterable[tuple[int, int]] = ()) -> Router:
    """A router learned from the cases (and the tree's own paths).

    ``mapping`` is the admin-given ``(unit_id, category_id)`` pairs: each
    counts as one handled case of that unit in the category's level-1 branch.
    Raises ``NothingToLearn`` when no case has a category in the tree.
    """
    nodes = {node.id: node for node in tree}
    everything = list(cases)
    examples = [case for case in everything if case.category_id in nodes]
    if not examples:
        raise NothingToLearn("还没有已分类的留言可供学习")
    leaves = [node.id for node in nodes.values()
              if node.parent_id is not None and not any(n.parent_id == node.id for n in nodes.values())]
    texts: list[str] = []
    chains: list[list[int]] = []
    for case in examples:
        assert case.category_id is not None
        texts.append(message_text(case.title, case.text))
        chains.append(_top(nodes, case.category_id))
    for _ in range(TAXONOMY_REPEAT):
        for leaf in leaves:
            chain = _top(nodes, leaf)
            texts.append(" ".join(nodes[i].name for i in chain[1:]))
            chains.append(chain)
    features = _Features()
    matrix = features.fit(texts)
    tops = [chain[0] for chain in chains]
    level1 = _Linear(matrix, tops)
    bayes = _Bayes(texts, tops) if len(level1.classes) > 1 else None
    profiles = BranchProfiles([(node.name, _top(nodes, node.id)[0]) for node in nodes.values()
                               if node.parent_id is not None], level1.classes)
    deeper: dict[int, _Linear] = {}
    depth = 2
    while True:
        rows = [i for i, chain in enumerate(chains) if len(chain) >= depth]
        if not rows:
            break
        deeper[depth] = _Linear(matrix[rows], [chains[i][depth - 1] for i in rows])
        depth += 1
    unit_by_category: dict[int, Counter[int]] = defaultdict(Counter)
    routed = [case for case in everything if case.unit_id in units]
    for case in routed:
        if case.category_id in nodes and case.unit_id is not None:
            unit_by_category[_top(nodes, case.category_id)[0]][case.unit_id] += 1
    for unit_id, category_id in mapping:
        if unit_id in units and category_id in nodes:
            unit_by_category[_top(nodes, category_id)[0]][unit_id] += 1
    unit_text = None
    if len({case.unit_id for case in routed}) > 1:
        unit_text = _Linear(features.transform([message_text(c.title, c.text) for c in routed]),
                            [int(c.unit_id or 0) for c in routed])
    return Router(nodes=nodes, level1=level1, bayes=bayes, profiles=profiles, deeper=deeper, features=features,
                  unit_names=dict(units), unit_text=unit_text, unit_by_category=dict(unit_by_category),
                  trained_cases=len(examples), trained_units=len(routed),
                  counts={"cases": len(examples), "routed": len(routed), "categories": len(nodes)})


def top_k_hits(rankings: Sequence[Sequence[tuple[int, float]]], truth: Sequence[int], k: int) -> float:
    """The share of messages whose true label is among the first ``k`` of their ranking."""
    if not truth:
        return math.nan
    hits = sum(1 for ranking, label in zip(rankings, truth, strict=True)
               if label in [item for item, _ in ranking[:k]])
    return hits / len(truth)


def macro_f1(predicted: Sequence[int], truth: Sequence[int]) -> float:
    """The mean over the true labels of each label's F1 score."""
    labels = sorted(set(truth))
    scores = []
    for label in labels:
        tp = sum(1 for p, t in zip(predicted, truth, strict=True) if p == t == label)
        fp = sum(1 for p, t in zip(predicted, truth, strict=True) if p == label != t)
        fn = sum(1 for p, t in zip(predicted, truth, strict=True) if t == label != p)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else math.nan
