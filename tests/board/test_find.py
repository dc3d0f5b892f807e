"""The board with real data: import, Chinese search, filters, pages, highlights, exports, feeds."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from support.clients import Studio
from support.data import WENZHENG as DATA
from support.servers import Server, running_server

ATOM = "{http://www.w3.org/2005/Atom}"
FILES = ("messages.jsonl", "replies.jsonl", "hot-messages.jsonl")


def records(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def run_import(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "studio", *args, "--db", server.db], text=True,
                          capture_output=True, env=server.env, timeout=120)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A server whose board holds the whole real sample (497 messages, 120 with replies)."""
    if not DATA.exists():
        pytest.skip("the shared wenzheng sample is not beside the project")
    with running_server(tmp_path_factory.mktemp("board")) as server:
        done = run_import(server, "import-board", *(str(DATA / name) for name in FILES),
                          "--taxonomy", str(DATA / "taxonomy.csv"))
        assert done.returncode == 0, done.stderr
        yield Studio(server)


def find(studio: Studio, **params: Any) -> dict[str, Any]:
    with studio.server.http() as client:
        answer = client.get("/api/board/cases", params=params)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def every(studio: Studio, **params: Any) -> list[dict[str, Any]]:
    """All results of a search, page after page."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        result = find(studio, **params, page=page, per_page=100)
        found += result["cases"]
        if page >= result["pages"]:
            return found
        page += 1


def everything() -> list[dict[str, Any]]:
    return records("messages.jsonl") + records("replies.jsonl") + records("hot-messages.jsonl")


def containing(word: str) -> set[str]:
    """Titles of the real records whose title, text or reply contain ``word``."""
    return {r["title"] for r in everything()
            if any(word in (r.get(key) or "") for key in ("title", "text", "reply"))}


def test_import_counts_categories_and_is_idempotent(board: Studio) -> None:
    """All 497 records arrive once with their replies and level-1 categories; importing again adds nothing."""
    assert find(board)["total"] == 497
    assert find(board, status="replied")["total"] == 120
    assert find(board, status="open")["total"] == 377
    with board.server.http() as client:
        tree = client.get("/api/board/categories").json()
    assert [sum(1 for c in tree if c["level"] == n) for n in (1, 2, 3)] == [15, 118, 517]
    labour = next(c for c in tree if c["path"] == "劳动和社会保障")
    assert find(board, category=labour["id"])["total"] == 72
    town = next(c for c in tree if c["path"] == "城乡建设")
    assert find(board, category=town["id"])["total"] == 71
    again = run_import(board.server, "import-board", *(str(DATA / name) for name in FILES),
                       "--taxonomy", str(DATA / "taxonomy.csv"))
    assert again.returncode == 0 and "新增 0 个分类" in again.stdout
    assert again.stdout.count("新增留言 0 条") == 3
    for name, count in zip(FILES, (347, 120, 30), strict=True):
        assert f"{name} 导入完成：新增留言 0 条，补充答复 0 条，已存在未变 {count} 条" in again.stdout
    assert find(board)["total"] == 497 and find(board, status="replied")["total"] == 120


@pytest.mark.parametrize("word", ["社保", "物业", "噪音", "医保", "公积金", "幼儿园"])
def test_topic_words_find_exactly_the_cases_that_contain_them(board: Studio, word: str) -> None:
    """A two- or three-character topic word finds every case that contains it, and only those."""
    found = every(board, q=word)
    assert {c["title"] for c in found} == containing(word)
    assert len(found) == len(containing(word)) > 3


def test_place_names_and_reply_phrases(board: Studio) -> None:
    """A place name finds its cases; a phrase from an official reply finds the replied case."""
    titles = {c["title"] for c in every(board, q="梅溪湖")}
    assert "请求A市地铁2#线在梅溪湖CBD处增设一个站" in titles and titles == containing("梅溪湖")
    phrase = "超过三分之二的业主同意收取停车管理费"
    hit = find(board, q=phrase)
    assert [c["title"] for c in hit["cases"]] == ["A2区景蓉华苑物业管理有问题"]
    assert "<mark>" + phrase + "</mark>" in hit["cases"][0]["highlight"]["snippet"]
    both = every(board, q="小区 电梯")
    assert {c["title"] for c in both} == containing("小区") & containing("电梯")


def test_relevance_puts_title_matches_first_and_date_sort_is_newest_first(board: Studio) -> None:
    """By relevance a case with the word in its title comes first; by date, newest first."""
    top = find(board, q="地铁")["cases"][0]
    assert "地铁" in top["title"]
    by_date = every(board, q="学校", sort="date")
    stamps = [c["created_at"] for c in by_date]
    assert stamps == sorted(stamps, reverse=True) and len(stamps) > 20


def test_filters_by_status_date_and_category(board: Studio) -> None:
    """Filters narrow a search to exactly the cases a person would count by hand."""
    replied = every(board, q="物业", status="replied")
    assert {c["title"] for c in replied} == {r["title"] for r in records("replies.jsonl")
                                             if "物业" in r["title"] + r["text"] + r["reply"]}
    in_2019 = every(board, q="小区", **{"from": "2019-01-01", "to": "2019-12-31"})
    expected = {r["title"] for r in everything() if r["submitted_at"].startswith("2019")
                and any("小区" in (r.get(k) or "") for k in ("title", "text", "reply"))}
    assert {c["title"] for c in in_2019} == expected and expected
    with board.server.http() as client:
        tree = client.get("/api/board/categories").json()
    traffic = next(c for c in tree if c["path"] == "交通运输")
    on_roads = every(board, q="公交", category=traffic["id"])
    assert {c["title"] for c in on_roads} == {
        r["title"] for r in records("messages.jsonl")
        if r["category"] == "交通运输" and "公交" in r["title"] + r["text"]}
    assert all(c["category"]["name"] == "交通运输" for c in on_roads)


def test_pages_cover_every_result_once(board: Studio) -> None:
    """Pages of 7 cover all results of a one-character query once, with the same total on each."""
    first = find(board, q="房", per_page=7)
    assert first["pages"] == -(-first["total"] // 7) and first["total"] > 50
    seen: list[int] = []
    for page in range(1, first["pages"] + 1):
        result = find(board, q="房", per_page=7, page=page)
        assert result["total"] == first["total"] and result["page"] == page
        seen += [c["id"] for c in result["cases"]]
    assert len(seen) == len(set(seen)) == first["total"]
    assert find(board, q="房", per_page=7, page=9999)["page"] == first["pages"]


def test_bad_parameters_are_refused_with_the_field(board: Studio) -> None:
    """Bad filter values answer 400 naming the parameter; unknown units or events too."""
    with board.server.http() as client:
        for params, field in (({"status": "closed"}, "status"), ({"sort": "best"}, "sort"),
                              ({"from": "2019-02-30"}, "from"), ({"page": "0"}, "page"),
                              ({"per_page": "500"}, "per_page"), ({"unit": "abc"}, "unit"),
                              ({"unit": "99999"}, "unit"), ({"event": "nope"}, "event"),
                              ({"q": "字" * 101}, "q"),
                              ({"from": "2020-01-02", "to": "2020-01-01"}, "to")):
            answer = client.get("/api/board/cases", params=params)
            assert answer.status_code == 400, params
            assert answer.json()["error"]["field"] == field


def test_xlsx_import_maps_units_and_category_paths_and_escapes_highlights(board: Studio,
                                                                          tmp_path: Path) -> None:
    """An XLSX with Chinese headers creates units by name and finds category paths; HTML stays inert."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "留言主题", "留言详情", "留言时间", "分类", "办理单位", "答复意见", "答复时间"])
    sheet.append(["x1", "<script>alert(1)</script>小区停车难", "小区<b>停车</b>位太少", "2021/3/5 10:00:00",
                  "城乡建设/城市建设和市政管理/小区管理", "市住建局", "已协调增加车位。", "2021-03-08 09:00"])
    sheet.append(["x2", "夜间施工噪音", "工地夜里施工", "2021-04-01 22:10", "环境保护", "市环保局", None, None])
    sheet.append(["x3", "没有时间的留言", "内容", None, None, None, None, None])
    path = tmp_path / "board.xlsx"
    book.save(path)
    done = run_import(board.server, "import-board", str(path), "--source", "xlsx")
    assert done.returncode == 1 and "新增留言 2 条" in done.stdout and "新建单位 2 个" in done.stdout
    assert "board.xlsx 第 3 条" in done.stderr and "时间" in done.stderr
    units = {u["name"]: u["id"] for u in board.admin.get("/api/units").json()}
    hits = find(board, q="停车", unit=units["市住建局"])
    assert hits["total"] == 1
    case = hits["cases"][0]
    assert case["category"]["name"] == "小区管理" and case["status"] == "replied"
    assert case["created_at"] == "2021-03-05T10:00:00+08:00"
    assert case["highlight"]["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;小区<mark>停车</mark>难"
    assert "&lt;b&gt;<mark>停车</mark>&lt;/b&gt;" in case["highlight"]["snippet"]
    with board.server.http() as client:
        page = client.get("/board", params={"q": "停车", "unit": units["市住建局"]}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;小区<mark>停车</mark>难" in page
    assert find(board, q="噪音", status="open", unit=units["市环保局"])["total"] == 1


def test_a_later_reply_record_links_by_id_and_is_searchable(board: Studio, tmp_path: Path) -> None:
    """A replies file keyed by the same ids adds the reply once; the index finds the reply's words."""
    message = records("messages.jsonl")[0]
    assert find(board, q="社保专窗已为您办理")["total"] == 0
    path = tmp_path / "replies.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "reply", "reply_time"])
        writer.writerow([message["id"], "社保专窗已为您办理转移接续，请携带身份证到窗口领取凭证。", "2020-01-10 09:00"])
    for _ in range(2):
        assert run_import(board.server, "import-board", str(path)).returncode == 0
    hits = find(board, q="社保专窗已为您办理")
    assert [c["title"] for c in hits["cases"]] == [message["title"]]
    case_id = hits["cases"][0]["id"]
    with board.server.http() as client:
        case = client.get(f"/api/board/cases/{case_id}").json()
    assert case["status"] == "replied" and len(case["replies"]) == 1
    assert case["origin"] == "import" and case["category"]["path"] == message["category"]


def archived_event(studio: Studio) -> tuple[str, dict[str, Any], int]:
    """A closed event with a host message, one answered Q&A and one transferred question."""
    slug = studio.new_event()
    unit = studio.units["人社局"]
    asked = studio.ask(slug, "应届毕业生的灵活就业社保补贴怎么领？", unit=unit, nickname="小<周>")
    other = studio.ask(slug, "公租房申请要排多久？", unit=unit)
    question = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve").json()
    studio.mod1.act(studio.question(slug, other["question_id"]), "approve")
    assert studio.mod1.post(f"/api/events/{slug}/messages", {"text": "访谈开始，欢迎提问"}).status_code == 201
    question = studio.guest1.act(question, "on-air").json()
    question = studio.guest1.act(question, "answer", text="灵活就业补贴在人社网站申请，每月发放=到社保卡。").json()
    assert question["status"] == "answered"
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    return slug, question, unit


def test_transcript_exports_match_the_transcript_and_posts_link_back(board: Studio) -> None:
    """MD, JSON and CSV exports carry each speaker's line with its time and anchor; posts link to it."""
    slug, question, _unit = archived_event(board)
    with board.server.http() as client:
        transcript = client.get(f"/api/events/{slug}/transcript").json()
        as_json = client.get(f"/events/{slug}/transcript.json")
        as_csv = client.get(f"/events/{slug}/transcript.csv")
        as_md = client.get(f"/events/{slug}/transcript.md")
        page = client.get(f"/events/{slug}").text
        missing = client.get(f"/events/{slug}/transcript.pdf")
    assert missing.status_code == 404
    assert as_json.headers["content-disposition"] == f'attachment; filename="{slug}-transcript.json"'
    lines = as_json.json()["lines"]
    qa = next(item for item in transcript["items"] if item["kind"] == "qa")
    message = next(item for item in transcript["items"] if item["kind"] == "message")
    assert [(line["role"], line["text"]) for line in lines] == [
        ("host", message["text"]), ("netizen", qa["question"]["text"]), ("official", qa["question"]["answer"]["text"])]
    assert [line["at"] for line in lines] == [message["at"], qa["question"]["asked_at"], qa["question"]["answer"]["at"]]
    assert lines[1]["speaker"] == "网友 小<周>" and lines[2]["speaker"] == "guest1 局长"
    assert lines[2]["transcript_url"].endswith(f"/events/{slug}#q-{question['id']}")
    assert lines[2]["case_url"].endswith(f"/board/cases/{qa['case_id']}")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [(r["role"], r["speaker"], r["at"]) for r in rows[:-1]] == [
        (line["role"], line["speaker"], line["at"]) for line in lines]
    assert rows[-1]["role"] == "audit" and transcript["audit_head"]["hash"] in rows[-1]["text"]
    assert rows[2]["text"] == qa["question"]["answer"]["text"]
    markdown = as_md.text
    assert as_md.headers["content-type"].startswith("text/markdown")
    assert "**网友 小\\<周\\>**" in markdown and f"#q-{question['id']})" in markdown
    assert "灵活就业补贴在人社网站申请" in markdown and f"/board/cases/{qa['case_id']}" in markdown
    assert f'id="q-{question["id"]}"' in page and f'id="m-{message["id"]}"' in page
    assert f"/events/{slug}/transcript.csv" in page
    with board.server.http() as client:
        post = client.get(f"/board/cases/{qa['case_id']}").text
        live = client.get(f"/events/{new_live(board)}/transcript.md")
    assert f'href="/events/{slug}#q-{question["id"]}"' in post
    with board.server.http() as client:
        detail = client.get(f"/api/board/cases/{qa['case_id']}").json()
    assert detail["transcript_url"] == f"/events/{slug}#q-{question['id']}"
    assert live.status_code == 409
    found = find(board, q="灵活就业", event=slug)
    assert [c["id"] for c in found["cases"]] == [qa["case_id"]]
    assert find(board, q="每月发放", event=slug)["total"] == 1  # the live answer is indexed


def new_live(studio: Studio) -> str:
    return studio.new_event()


def test_atom_feeds_list_replied_cases_overall_and_per_unit(board: Studio) -> None:
    """The Atom feeds parse, list newly replied cases with ids and times, and keep per-unit scope."""
    slug, _question, unit = archived_event(board)
    case_id = find(board, q="灵活就业", event=slug)["cases"][0]["id"]
    with board.server.http() as client:
        overall = client.get("/board/feed.atom")
        mine = client.get(f"/board/units/{unit}/feed.atom")
        other = client.get(f"/board/units/{board.units['交通局']}/feed.atom")
        missing = client.get("/board/units/99999/feed.atom")
        page = client.get("/board", params={"unit": unit}).text
    assert 'type="application/atom+xml"' in page and f'href="/board/units/{unit}/feed.atom"' in page
    assert overall.headers["content-type"].startswith("application/atom+xml")
    assert missing.status_code == 404
    feed = ET.fromstring(overall.content)
    assert feed.tag == f"{ATOM}feed" and feed.findtext(f"{ATOM}id", "").endswith("/board/feed.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 50
    updated = [e.findtext(f"{ATOM}updated", "") for e in entries]
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    assert all(e.findtext(f"{ATOM}id") and e.find(f"{ATOM}link") is not None for e in entries)
    unit_feed = ET.fromstring(mine.content)
    ids = [e.findtext(f"{ATOM}id", "") for e in unit_feed.findall(f"{ATOM}entry")]
    assert ids[0].endswith(f"/board/cases/{case_id}")
    entry = unit_feed.findall(f"{ATOM}entry")[0]
    assert entry.findtext(f"{ATOM}title") == "应届毕业生的灵活就业社保补贴怎么领？"
    assert "每月发放=到社保卡" in entry.findtext(f"{ATOM}content", "")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "人社局"
    assert not any(e.findtext(f"{ATOM}id", "").endswith(f"/board/cases/{case_id}")
                   for e in ET.fromstring(other.content).findall(f"{ATOM}entry"))
    assert b"<script>" not in overall.content
    if any("<script>" in (e.findtext(f"{ATOM}title") or "") for e in entries):
        assert b"&lt;script&gt;" in overall.content
