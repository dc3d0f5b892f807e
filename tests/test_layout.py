"""The layout check: no import cycles, dependencies pointing down, SQL in the store, small files."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from support.data import REPOSITORY

SCRIPT = REPOSITORY / "scripts" / "layout.py"


def layout() -> ModuleType:
    spec = importlib.util.spec_from_file_location("layout_check", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_tree_passes_the_layout_check() -> None:
    """scripts/layout.py finds no problem in the project as it is."""
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cycles_are_found_through_any_number_of_modules() -> None:
    """A cycle of three is one component; a chain without a way back is none."""
    check = layout()
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert check.cycles(graph) == [["a", "b", "c"]]
    assert check.cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_layers_rank_subpackages_and_their_modules() -> None:
    """A module takes the layer of its longest listed prefix; services sit above the store."""
    check = layout()
    assert check.layer_of("studio.store.cases") < check.layer_of("studio.board.actions")
    assert check.layer_of("studio.board.actions") < check.layer_of("studio.web.api")
    assert check.layer_of("moderation.lifecycle") == 0
    assert check.layer_of("studio.unlisted") is None


def test_sql_strings_are_found(tmp_path: Path) -> None:
    """Statement strings are reported by line; prose that merely starts with a keyword's letters is not."""
    module = tmp_path / "handler.py"
    module.write_text('QUERY = "SELECT id FROM events"\nTEXT = "Selected questions"\n'
                      'WRITE = """\n    UPDATE questions SET votes = 0"""\n', encoding="utf-8")
    assert layout().sql_strings(module) == [1, 3]
