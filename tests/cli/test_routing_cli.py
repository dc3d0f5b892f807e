"""``studio train-routing`` and ``studio suggest``: one answer line per input line, clear refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.routing import split, tree_csv


def studio(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the ``studio`` command."""
    return subprocess.run([sys.executable, "-m", "studio", *args], input=stdin, text=True,
                          capture_output=True)


def test_nothing_to_learn_is_said_plainly(tmp_path: Path) -> None:
    """On a store without categorised cases both commands say so and exit 2."""
    db = str(tmp_path / "empty.db")
    trained = studio("train-routing", "--db", db)
    assert trained.returncode == 2 and "没有已分类的留言" in trained.stderr
    suggested = studio("suggest", "--db", db, stdin='{"text": "公交车太少"}\n')
    assert suggested.returncode == 2 and suggested.stdout == "" and "没有已分类的留言" in suggested.stderr


def test_train_then_suggest_one_line_per_input_line(tmp_path: Path) -> None:
    """After an import, train-routing reports its counts; suggest answers in order, bad lines in place."""
    db = str(tmp_path / "board.db")
    learn, held = split(8, 2)
    (tmp_path / "tree.csv").write_text(tree_csv(), encoding="utf-8")
    (tmp_path / "board.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in learn), encoding="utf-8")
    assert studio("import-board", "--db", db, "--taxonomy", str(tmp_path / "tree.csv"),
                  str(tmp_path / "board.jsonl")).returncode == 0
    trained = studio("train-routing", "--db", db)
    assert trained.returncode == 0 and f"已分类留言 {len(learn)} 条" in trained.stdout
    lines = [json.dumps({"title": row["title"], "text": row["text"]}, ensure_ascii=False) for row in held]
    given = lines[0] + "\n\n" + '{"title": "无正文"}\n' + "[1]\n" + lines[1] + "\n"
    (tmp_path / "in.jsonl").write_text(given, encoding="utf-8")
    for answered in (studio("suggest", "--db", db, stdin=given),
                     studio("suggest", "--db", db, str(tmp_path / "in.jsonl"))):
        assert answered.returncode == 1
        out = [json.loads(line) for line in answered.stdout.splitlines()]
        assert len(out) == 4
        assert out[0]["categories"][0]["path"] == held[0]["category"]
        assert out[0]["units"][0]["name"] == held[0]["unit"]
        assert out[1] == {"line": 3, "error": {"code": "invalid", "message": out[1]["error"]["message"]}}
        assert out[2]["line"] == 4 and out[2]["error"]["code"] == "bad_json"
        assert out[3]["categories"][0]["path"] == held[1]["category"]
        assert "第 3 行" in answered.stderr and "第 4 行" in answered.stderr
    missing = studio("suggest", "--db", db, str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "无法读取" in missing.stderr
