"""The board's search page on a real server: traditional characters find simplified ones, and
each hit shows its words once."""

from __future__ import annotations

import re
import uuid

from studio.board.search import after_title
from support.clients import Studio

HIT = re.compile(r'<li class="case-item" data-case-id="(\d+)">(.*?)</li>', re.S)


def board_case(studio: Studio, text: str) -> int:
    """A direct submission approved as it is: its case id."""
    with studio.server.http() as client:
        receipt = client.post("/api/board/submissions", json={"text": text, "client_key": str(uuid.uuid4())}).json()
    approved = studio.mod1.post(f"/api/board/submissions/{receipt['submission_id']}/approve", {})
    assert approved.status_code == 200, approved.text
    case_id: int = approved.json()["case_id"]
    return case_id


def hits(studio: Studio, q: str) -> dict[int, str]:
    """The /board page's results for ``q``: case id → the result's visible text."""
    with studio.server.http() as client:
        page = client.get("/board", params={"q": q})
    assert page.status_code == 200
    return {int(case_id): " ".join(re.sub(r"<[^>]+>", "", body).split()) for case_id, body in HIT.findall(page.text)}


def test_the_title_is_not_repeated_in_the_snippet() -> None:
    """The snippet reads the question after a title taken from it; a title of its own leaves it whole."""
    assert after_title("小区停车难，车位太少", "小区停车难，车位太少") == ""
    assert after_title("关于停车收费的问题", "关于停车收费的问题\n物业没有公示") == "物业没有公示"
    assert after_title("一二三…", "一二三四五") == "四五"
    assert after_title("停车收费", "物业没有公示停车收费") == "物业没有公示停车收费"


def test_a_search_in_traditional_characters_finds_simplified_cases(studio: Studio) -> None:
    """停車 finds the cases that say 停车 (and 停車), on the page and through the API, marked."""
    simplified = board_case(studio, "地铁站旁停车难，车位太少")
    traditional = board_case(studio, "醫院門口停車收費太貴")
    other = board_case(studio, "地铁站旁的公交站台太少")
    for query in ("停車", "停车"):
        assert set(hits(studio, query)) >= {simplified, traditional}
        assert other not in hits(studio, query)
    with studio.server.http() as client:
        answer = client.get("/api/board/cases", params={"q": "停車"}).json()
    titles = {case["id"]: case["highlight"]["title"] for case in answer["cases"]}
    assert titles[simplified] == "地铁站旁<mark>停车</mark>难，车位太少"
    assert titles[traditional] == "醫院門口<mark>停車</mark>收費太貴"
    with studio.server.http() as client:
        assert "醫院門口停車收費太貴" in client.get("/api/board/cases", params={"q": "医院"}).text


def test_each_hit_shows_its_text_once(studio: Studio) -> None:
    """A one-line question shows as its title only; a longer one as its title, then what follows."""
    short = board_case(studio, "垃圾站异味严重，请尽快处理")
    longer = board_case(studio, "关于垃圾站异味的问题\n我们小区门口的垃圾站夏天异味严重，物业说不归他们管。")
    found = hits(studio, "垃圾站")
    assert found[short].count("垃圾站异味严重，请尽快处理") == 1
    assert found[longer].count("关于垃圾站异味的问题") == 1
    assert found[longer].count("我们小区门口的垃圾站夏天异味严重") == 1
    with studio.server.http() as client:
        answer = client.get("/api/board/cases", params={"q": "垃圾站"}).json()
    snippets = {case["id"]: case["highlight"]["snippet"] for case in answer["cases"]}
    assert snippets[short] == ""
    assert snippets[longer].startswith("我们小区门口的<mark>垃圾站</mark>")
