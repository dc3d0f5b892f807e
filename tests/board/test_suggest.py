"""Routing suggestions from the store's own cases: learned, refreshed, refused when empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.accounts import directory
from studio.board.categories import load_taxonomy, read_taxonomy
from studio.board.importer import import_board
from studio.board.suggest import Suggester, mark_trained, set_unit_categories, unit_mapping
from studio.clock import Clock
from studio.errors import ApiError
from studio.store.categories import category_rows
from studio.store.database import Database
from support.routing import message, split, tree_csv


async def load(db: Database, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    """The constructed tree and ``rows`` imported the way ``studio import-board`` does."""
    csv = tmp_path / "tree.csv"
    csv.write_text(tree_csv(), encoding="utf-8")
    async with db.write() as tx:
        await load_taxonomy(tx, read_taxonomy(csv))
    report = await import_board(db, Clock("Asia/Shanghai"), rows, source="test")
    assert not report.failed


@pytest.mark.asyncio
async def test_suggestions_learned_from_the_store_route_held_back_messages(db: Database, tmp_path: Path) -> None:
    """Imported, categorised and routed cases teach the model; held-back messages get their path and unit."""
    learn, held = split(10, 3)
    await load(db, tmp_path, learn)
    suggester = Suggester()
    right = 0
    for row in held:
        found = await suggester.suggest(db, {"title": row["title"], "text": row["text"]}, 50)
        assert set(found) == {"categories", "units"}
        assert all(set(c) == {"id", "path", "score"} for c in found["categories"])
        assert all(set(u) == {"id", "name", "score"} for u in found["units"])
        right += found["categories"][0]["path"] == row["category"] and found["units"][0]["name"] == row["unit"]
    assert right >= 0.8 * len(held)


@pytest.mark.asyncio
async def test_nothing_to_learn_on_an_empty_store(db: Database) -> None:
    """No categorised case: a clear ``nothing_to_learn`` refusal, not a guess."""
    with pytest.raises(ApiError) as refused:
        await Suggester().suggest(db, {"title": "公交", "text": "公交车太少"}, 50)
    assert refused.value.code == "nothing_to_learn"


@pytest.mark.asyncio
async def test_bad_input_is_refused_before_any_training(db: Database) -> None:
    """A missing text or a non-text title is a 400 ``invalid`` naming the field."""
    for body, field in (({"title": "x"}, "text"), ({"title": 3, "text": "y"}, "title"),
                        ({"text": "   "}, "text"), ({"title": "长" * 201, "text": "y"}, "title")):
        with pytest.raises(ApiError) as refused:
            await Suggester().suggest(db, body, 50)
        assert refused.value.code == "invalid"
        assert refused.value.extra.get("field") == field


@pytest.mark.asyncio
async def test_retrains_after_enough_new_cases_and_after_the_command(db: Database, tmp_path: Path) -> None:
    """The model is kept until ``retrain_after`` new cases arrive or ``train-routing`` stamps the store."""
    learn, _ = split(4, 0)
    await load(db, tmp_path, learn)
    suggester = Suggester()
    await suggester.suggest(db, {"text": "公交车太少"}, 3)
    first = suggester.router
    await import_board(db, Clock("Asia/Shanghai"), [message("交通运输/公共交通/公交线路", 20)], source="more")
    await suggester.suggest(db, {"text": "公交车太少"}, 3)
    assert suggester.router is first
    await import_board(db, Clock("Asia/Shanghai"),
                       [message("交通运输/公共交通/公交线路", n) for n in (21, 22)], source="more")
    await suggester.suggest(db, {"text": "公交车太少"}, 3)
    assert suggester.router is not first
    second = suggester.router
    async with db.write() as tx:
        await mark_trained(tx, "2026-03-02T10:00:00+08:00")
    await suggester.suggest(db, {"text": "公交车太少"}, 3)
    assert suggester.router is not second


@pytest.mark.asyncio
async def test_admin_mapping_gives_units_without_history(db: Database, tmp_path: Path) -> None:
    """With no routed case, the units an admin maps to a branch are suggested; bad mappings are refused."""
    learn, _ = split(6, 0)
    await load(db, tmp_path, [{k: v for k, v in row.items() if k != "unit"} for row in learn])
    transport = await directory.create_unit(db, "市交通局", "2026-03-02T09:00:00+08:00")
    school = await directory.create_unit(db, "市教育局", "2026-03-02T09:00:00+08:00")
    async with db.read() as conn:
        ids = {row["name"]: int(row["id"]) for row in await category_rows(conn)}
    suggester = Suggester()
    bus = {"title": "公交车班次太少", "text": "公交线路班次太少，等车一小时"}
    assert (await suggester.suggest(db, bus, 50))["units"] == []
    stamp = "2026-03-02T10:00:00+08:00"
    await set_unit_categories(db, transport["id"], {"categories": [ids["交通运输"]]}, stamp)
    mapped = await set_unit_categories(db, school["id"], {"categories": [ids["入学招生"], ids["入学招生"]]}, stamp)
    assert mapped == [{"unit": {"id": school["id"], "name": "市教育局"},
                       "categories": [{"id": ids["入学招生"], "path": "教育文体/学校管理/入学招生"}]}]
    found = await suggester.suggest(db, bus, 50)
    assert (found["units"][0]["id"], found["units"][0]["name"]) == (transport["id"], "市交通局")
    for body, code in (({"categories": "1"}, "invalid"), ({"categories": [999999]}, "invalid"),
                       ({"categories": [True]}, "invalid")):
        with pytest.raises(ApiError) as refused:
            await set_unit_categories(db, transport["id"], body, stamp)
        assert refused.value.code == code
    with pytest.raises(ApiError) as missing:
        await set_unit_categories(db, 999999, {"categories": []}, stamp)
    assert missing.value.code == "not_found"
    async with db.read() as conn:
        assert next(row["categories"] for row in await unit_mapping(conn)) == [
            {"id": ids["交通运输"], "path": "交通运输"}]
