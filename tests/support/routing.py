"""A constructed board for routing tests: three branches of a small tree, each with its own
vocabulary and unit, messages built from fixed phrases (no randomness), and a fixed split."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from support.servers import Server

TREE = [
    ("交通运输", "公共交通", "公交线路"),
    ("交通运输", "道路管理", "道路维修"),
    ("教育文体", "学校管理", "入学招生"),
    ("教育文体", "学校管理", "校外培训"),
    ("劳动和社会保障", "社会保险", "养老保险"),
    ("劳动和社会保障", "劳动关系", "拖欠工资"),
]
"""The tree as ``level1,level2,level3`` paths."""

BRANCHES: dict[str, tuple[str, list[str], list[str]]] = {
    # category path: (unit, subjects, complaints)
    "交通运输/公共交通/公交线路": ("市交通局", ["公交车", "公交线路", "公交站台", "末班车"],
                              ["班次太少", "线路绕远", "站点撤了", "等车一小时"]),
    "教育文体/学校管理/入学招生": ("市教育局", ["孩子入学", "小学招生", "学区划片", "学位"],
                              ["划片不合理", "报名材料太多", "学位不够", "入学被拒"]),
    "劳动和社会保障/劳动关系/拖欠工资": ("市人社局", ["工资", "劳动合同", "农民工工资", "加班费"],
                                 ["拖欠半年", "老板跑路", "不签合同", "克扣工资"]),
}
PLACES = ["A市", "A2区", "A3区", "B县", "C镇", "A5区"]


def message(path: str, index: int) -> dict[str, Any]:
    """The ``index``-th constructed message of a branch (as an import record)."""
    unit, subjects, complaints = BRANCHES[path]
    subject = subjects[index % len(subjects)]
    complaint = complaints[(index // len(subjects) + index) % len(complaints)]
    place = PLACES[index % len(PLACES)]
    return {
        "id": f"{path}-{index}",
        "title": f"{place}{subject}{complaint}",
        "text": f"我是{place}居民，{subject}的问题{complaint}，已经反映多次，希望有关部门尽快解决{subject}问题。",
        "category": path,
        "unit": unit,
        "submitted_at": "2026-03-02T09:00:00+08:00",
    }


def records(per_branch: int) -> list[dict[str, Any]]:
    """``per_branch`` messages of every branch, interleaved."""
    return [message(path, index) for index in range(per_branch) for path in BRANCHES]


def split(per_branch: int, held: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first ``per_branch - held`` messages of each branch to learn, the last ``held`` to check."""
    everything = records(per_branch)
    cut = (per_branch - held) * len(BRANCHES)
    return everything[:cut], everything[cut:]


def tree_csv() -> str:
    """The tree as a taxonomy CSV file's text."""
    return "level1,level2,level3\n" + "".join(",".join(path) + "\n" for path in TREE)


def import_into(server: Server, tmp: Path, rows: list[dict[str, str]]) -> None:
    """The constructed tree and ``rows`` loaded with ``studio import-board`` into the server's store."""
    (tmp / "tree.csv").write_text(tree_csv(), encoding="utf-8")
    (tmp / "board.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                                     encoding="utf-8")
    subprocess.run([sys.executable, "-m", "studio", "import-board", "--db", server.db,
                    "--taxonomy", str(tmp / "tree.csv"), str(tmp / "board.jsonl")],
                   check=True, capture_output=True, env=server.env)
