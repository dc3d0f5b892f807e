"""``POST /api/board/suggest`` on a real server: staff only, the documented shape, clear refusals."""

from __future__ import annotations

from pathlib import Path

from support.clients import Studio
from support.routing import import_into, split


def test_suggest_refuses_strangers_bad_input_and_an_empty_board(studio: Studio) -> None:
    """401 signed out; 400 on a bad body; 409 ``nothing_to_learn`` before any categorised case."""
    with studio.server.http() as client:
        assert client.post("/api/board/suggest", json={"text": "公交"}).status_code == 401
    bad_json = studio.mod1.client.post("/api/board/suggest", content=b"[1]",
                                       headers={"X-CSRF-Token": studio.mod1.csrf,
                                                "Content-Type": "application/json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "bad_json"
    missing = studio.mod1.post("/api/board/suggest", {"title": "公交"})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "invalid"
    empty = studio.mod1.post("/api/board/suggest", {"title": "公交", "text": "公交车太少"})
    assert empty.status_code == 409 and empty.json()["error"]["code"] == "nothing_to_learn"


def test_suggest_answers_categories_and_units_best_first(studio: Studio, tmp_path: Path) -> None:
    """After an import, held-back messages get the documented shape with their own path and unit first."""
    learn, held = split(10, 2)
    import_into(studio.server, tmp_path, learn)
    right = 0
    for row in held:
        answer = studio.mod1.post("/api/board/suggest", {"title": row["title"], "text": row["text"]})
        assert answer.status_code == 200
        found = answer.json()
        assert set(found) == {"categories", "units"}
        assert found["categories"] and all(set(c) == {"id", "path", "score"} for c in found["categories"])
        assert all(set(u) == {"id", "name", "score"} for u in found["units"])
        scores = [c["score"] for c in found["categories"]]
        assert scores == sorted(scores, reverse=True)
        right += found["categories"][0]["path"] == row["category"] and found["units"][0]["name"] == row["unit"]
    assert right >= len(held) - 1
    assert studio.guest1.post("/api/board/suggest", {"text": "公交车太少"}).status_code == 200


def test_unit_categories_are_kept_by_admins(studio: Studio) -> None:
    """Staff read the unit → category mapping; only admins replace it; unknown ids get 404 or 400."""
    units = studio.mod1.get("/api/board/unit-categories")
    assert units.status_code == 200
    assert all(set(row) == {"unit", "categories"} for row in units.json())
    unit_id = units.json()[0]["unit"]["id"]
    assert studio.mod1.client.put(f"/api/units/{unit_id}/categories", json={"categories": []},
                                  headers={"X-CSRF-Token": studio.mod1.csrf}).status_code == 403
    admin = studio.admin
    put = admin.client.put(f"/api/units/{unit_id}/categories", json={"categories": [1]},
                           headers={"X-CSRF-Token": admin.csrf})
    assert put.status_code == 200 and [c["id"] for c in put.json()["categories"]] == [1]
    unknown = admin.client.put("/api/units/999999/categories", json={"categories": []},
                               headers={"X-CSRF-Token": admin.csrf})
    assert unknown.status_code == 404
    bad = admin.client.put(f"/api/units/{unit_id}/categories", json={"categories": ["x"]},
                           headers={"X-CSRF-Token": admin.csrf})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "categories"
