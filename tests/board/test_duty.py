"""Units on duty (轮值) against a real server: the admin's roster, today's units on the board, and a case
routed to a unit on duty marked so on its timeline (and one routed to another unit not)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support.clients import Studio


def put(studio: Studio, day: str, body: object, who: str = "admin") -> tuple[int, dict[str, object]]:
    client = getattr(studio, who)
    answer = client.client.put(f"/api/board/duty/{day}", json=body, headers={"X-CSRF-Token": client.csrf})
    return answer.status_code, answer.json()


def test_roster_board_and_timeline(studio: Studio) -> None:
    """人社局 on duty today: the board names it, its routed case says 当日轮值单位, 交通局's does not."""
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    renshe, jiaotong = studio.units["人社局"], studio.units["交通局"]
    status, saved = put(studio, today.isoformat(), {"units": [renshe, renshe]})
    assert status == 200, saved
    assert saved == {"day": today.isoformat(), "units": [{"id": renshe, "name": "人社局"}]}
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert put(studio, tomorrow, {"units": [jiaotong, renshe]})[0] == 200
    with studio.server.http() as client:
        week = client.get(f"/api/board/duty?from={today.isoformat()}").json()
        assert len(week) == 7 and [u["name"] for u in week[1]["units"]] == ["交通局", "人社局"]
        assert "今日轮值单位" in client.get("/board").text

    slug = studio.new_event()
    on_duty = studio.ask(slug, "人社局的问题：失业金怎么领？", unit=renshe)
    other = studio.ask(slug, "交通局的问题：公交站牌什么时候换？", unit=jiaotong)
    for asked in (on_duty, other):
        assert studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").status_code == 200
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    with studio.server.http() as client:
        texts = {}
        for name, asked in (("on duty", on_duty), ("other", other)):
            case_id = client.get(f"/api/track/{asked['tracking_code']}").json()["case"]["id"]
            timeline = client.get(f"/api/board/cases/{case_id}").json()["timeline"]
            texts[name] = next(item["text"] for item in timeline if item["kind"] == "routed")
    assert "人社局办理，当日轮值单位" in texts["on duty"]
    assert "轮值" not in texts["other"]
    assert put(studio, today.isoformat(), {"units": []})[1] == {"day": today.isoformat(), "units": []}


def test_bad_roster_changes_are_refused(studio: Studio) -> None:
    """Not an admin, a bad day, an unknown unit or a wrong shape: specific errors, nothing changed."""
    day = "2030-01-02"
    assert put(studio, day, {"units": [studio.units["人社局"]]}, who="mod1")[0] == 403
    for path_day, body, field in (("2030-13-01", {"units": []}, "day"), ("0999-01-01", {"units": []}, "day"),
                                  (day, {"units": [2**62]}, "units"), (day, {"units": "人社局"}, "units"),
                                  (day, {"units": [True]}, "units"), (day, {}, "units")):
        status, body_back = put(studio, path_day, body)
        assert (status, body_back["error"]["field"]) == (400, field), (path_day, body)  # type: ignore[index]
    with studio.server.http() as client:
        assert client.get(f"/api/board/duty?from={day}").json()[0]["units"] == []
        assert client.get("/api/board/duty?from=yesterday").status_code == 400
