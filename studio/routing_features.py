"""The category tree as a keyword profile of each level-1 branch (pure: no I/O).

A board's taxonomy names what each branch covers: 公共汽车, 地铁城铁 and
环境卫生 under 城乡建设, 特种设备管理 and 广告监管 under 商贸旅游. A message
that uses those words is likely filed there even when no case with them has
been routed yet. ``BranchProfiles`` scores a text against every branch:

- Each name of a category below level 1 is a profile entry of its branch;
  a name found under more than half of the branches (a catch-all such as
  其他) says nothing about the branch and is left out.
- A name is matched by its character bigrams, each weighted by its inverse
  document frequency over the names (a bigram that many names share counts
  less); a name's coverage is the weighted share of its bigrams the text
  contains, from 0 to 1.
- A branch's score is the sum of its three best-covered names, so one
  exact name and a few partial ones both count, and a large branch does not
  win by its size alone.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

BEST_NAMES = 3


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if not text[i:i + 2].isspace()}


class BranchProfiles:
    """Each level-1 branch's category names as a keyword profile; ``scores`` matches texts against them."""

    def __init__(self, names: Iterable[tuple[str, int]], branches: Sequence[int]) -> None:
        """``names`` is ``(name, level-1 id)`` for every category below level 1; ``branches`` the column order."""
        under: dict[str, set[int]] = defaultdict(set)
        for name, branch in names:
            under[name.strip()].add(branch)
        self.branches = list(branches)
        column = {branch: j for j, branch in enumerate(self.branches)}
        kept = {name: _bigrams(name) for name, found in under.items()
                if name and len(found) * 2 <= len(self.branches) and found & column.keys()}
        counts = Counter(gram for grams in kept.values() for gram in grams)
        self.weight = {gram: math.log((1 + len(kept)) / (1 + count)) + 1 for gram, count in counts.items()}
        self.entries = [(column[branch], {g: self.weight[g] for g in grams}, sum(self.weight[g] for g in grams))
                        for name, grams in sorted(kept.items()) if grams
                        for branch in sorted(under[name]) if branch in column]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """For each text, each branch's summed coverage of its ``BEST_NAMES`` best-covered names."""
        found = np.zeros((len(texts), len(self.branches)))
        for row, text in enumerate(texts):
            grams = _bigrams(text)
            coverage: dict[int, list[float]] = defaultdict(list)
            for column, weights, whole in self.entries:
                coverage[column].append(sum(w for g, w in weights.items() if g in grams) / whole)
            for column, values in coverage.items():
                found[row, column] = sum(sorted(values, reverse=True)[:BEST_NAMES])
        return found
