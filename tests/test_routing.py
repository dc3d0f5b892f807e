"""The routing model on a constructed tree and board (pure: no store)."""

from __future__ import annotations

import pytest

from studio import routing
from studio.routing_features import BranchProfiles
from support.routing import BRANCHES, TREE, split


def tree() -> tuple[list[routing.Node], dict[str, int]]:
    """Nodes for the constructed tree and the id of each path."""
    nodes: list[routing.Node] = []
    ids: dict[str, int] = {}
    for path in TREE:
        parent = None
        for depth in range(1, len(path) + 1):
            key = "/".join(path[:depth])
            if key not in ids:
                ids[key] = len(ids) + 1
                nodes.append(routing.Node(ids[key], parent, path[depth - 1]))
            parent = ids[key]
    return nodes, ids


UNITS = {index + 1: unit for index, (unit, _, _) in enumerate(BRANCHES.values())}
UNIT_IDS = {name: unit_id for unit_id, name in UNITS.items()}


def examples(rows: list[dict[str, str]], ids: dict[str, int], *, units: bool) -> list[routing.Example]:
    """Import records as training examples (with their units when asked)."""
    return [routing.Example(row["title"], row["text"], ids[row["category"]],
                            UNIT_IDS[row["unit"]] if units else None) for row in rows]


def test_held_back_messages_route_to_their_category_and_unit() -> None:
    """Trained on 8 messages per branch, the 4 held back of each get their category path and unit first."""
    nodes, ids = tree()
    learn, held = split(12, 4)
    router = routing.train(nodes, examples(learn, ids, units=True), UNITS)
    right_path = right_unit = 0
    for row in held:
        found = router.suggest(row["title"], row["text"])
        assert [c["score"] for c in found.categories] == sorted((c["score"] for c in found.categories),
                                                               reverse=True)
        right_path += found.categories[0]["path"] == row["category"]
        right_unit += found.units[0]["name"] == row["unit"]
    assert right_path >= 0.8 * len(held)
    assert right_unit >= 0.8 * len(held)


def test_deeper_levels_stay_under_the_chosen_top_category() -> None:
    """Every suggested path runs from a level-1 category down to a leaf of that branch; ids match paths."""
    nodes, ids = tree()
    learn, _ = split(6, 0)
    router = routing.train(nodes, examples(learn, ids, units=False), UNITS)
    found = router.suggest("公交车站台撤了", "家门口的公交站台撤了，坐公交车要走很远")
    for category in found.categories:
        assert ids[category["path"]] == category["id"]
        assert category["path"].count("/") == 2
    assert found.categories[0]["path"].startswith("交通运输/")
    assert found.units == []


def test_nothing_to_learn_without_categorised_cases() -> None:
    """No case with a category of the tree: the model refuses instead of guessing."""
    nodes, _ = tree()
    with pytest.raises(routing.NothingToLearn):
        routing.train(nodes, [routing.Example("标题", "内容", None, 1)], UNITS)


def test_branch_profiles_score_the_branch_whose_names_a_text_uses() -> None:
    """A text naming a branch's category scores that branch highest; a catch-all name (其他) counts for none."""
    names = [("公共交通", 1), ("公交线路", 1), ("其他", 1), ("学校管理", 2), ("入学招生", 2), ("其他", 2),
             ("社会保险", 3), ("养老保险", 3), ("其他", 3)]
    profiles = BranchProfiles(names, [1, 2, 3])
    found = profiles.scores(["家门口的公交线路改了", "孩子入学招生的问题", "养老保险断缴", "其他问题"])
    assert found.shape == (4, 3)
    assert [int(row.argmax()) for row in found[:3]] == [0, 1, 2]
    assert found[0, 0] == pytest.approx(1.0)  # 公交线路 fully covered, 公共交通 not at all
    assert not found[3].any()


def test_scores_of_the_benchmark_helpers() -> None:
    """top-k hits and macro-F1 on a hand-checked example."""
    rankings = [[(1, 0.9), (2, 0.1)], [(2, 0.6), (1, 0.4)], [(1, 0.5), (2, 0.5)]]
    assert routing.top_k_hits(rankings, [1, 1, 2], 1) == pytest.approx(1 / 3)
    assert routing.top_k_hits(rankings, [1, 1, 2], 2) == 1.0
    # label 1: tp 1, fp 1, fn 1 -> F1 0.5; label 2: tp 0 -> 0
    assert routing.macro_f1([1, 2, 1], [1, 1, 2]) == pytest.approx(0.25)
