#!/usr/bin/env python3
"""Check the code's layout: no import cycles, dependencies pointing one way, small files.

Reads every module of ``studio``, ``moderation`` and ``broadcast`` with ``ast``
(imports inside functions and under ``TYPE_CHECKING`` count: a cycle hidden
there is still a cycle in the design) and fails, listing every problem, when

- two modules import each other, directly or through others;
- two subpackages of ``studio`` import each other, directly or through others;
- a module imports one of a higher layer (``LAYERS``, lowest first);
- a module of ``studio`` outside ``studio/store/`` holds SQL (a string that
  starts with a statement keyword);
- a Python module has more than ``MAX_MODULE_LINES`` lines, or a script in
  ``static/`` more than ``MAX_SCRIPT_LINES``.

Run by ``scripts/check``; ``--graph`` prints the subpackage graph.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("studio", "moderation", "broadcast")
MAX_MODULE_LINES = 500
MAX_SCRIPT_LINES = 600

LAYERS: tuple[tuple[str, ...], ...] = (
    # pure code and plain values: no I/O of their own
    ("moderation", "broadcast", "studio.clock", "studio.errors", "studio.channels",
     "studio.ratelimit", "studio.shapes", "studio.settings", "studio.labels", "studio.inputs",
     "studio.codes", "studio.periodic", "studio.logs", "studio.metrics", "studio.auditchain", "studio.atom",
     "studio.photos", "studio.routing", "studio.routing_features", "studio.replyquality", "studio.hottopics"),
    # the store: SQL lives here
    ("studio.store",),
    # services shared by the web and live layers
    ("studio.accounts", "studio.desk", "studio.board", "studio.events", "studio.notify"),
    # the long-lived resources the services run on
    ("studio.runtime",),
    # what talks to clients
    ("studio.live", "studio.web"),
    # assembly and commands
    ("studio.app", "studio.cli", "studio.__main__"),
)
"""Lowest first: a module may import modules of its own layer or lower ones."""

SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH|PRAGMA|BEGIN|REPLACE)\s")
STORE = "studio.store"


def sql_strings(path: Path) -> list[int]:
    """Lines of string constants that read as SQL statements."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value)]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules ``name`` imports (``from a import b`` counts ``a.b`` when it is a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {target for target in targets if target in known and target != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def subpackage(name: str) -> str | None:
    """``studio.board.search`` → ``studio.board``; top-level studio modules are their own unit."""
    parts = name.split(".")
    if parts[0] != "studio" or len(parts) < 2:
        return None
    return ".".join(parts[:2])


def layer_of(name: str) -> int | None:
    best: tuple[int, int] | None = None
    for rank, members in enumerate(LAYERS):
        for member in members:
            if name == member or name.startswith(member + "."):
                if best is None or len(member) > best[1]:
                    best = (rank, len(member))
    return best[0] if best else None


def problems() -> tuple[list[str], dict[str, set[str]]]:
    found = modules()
    known = set(found)
    graph = {name: imports_of(name, path, known) for name, path in found.items()}
    report: list[str] = []
    for component in cycles(graph):
        report.append("import cycle between modules: " + " ↔ ".join(component))
    packages: dict[str, set[str]] = defaultdict(set)
    for name, targets in graph.items():
        source = subpackage(name)
        for target in targets:
            into = subpackage(target)
            if source and into and source != into:
                packages[source].add(into)
    for component in cycles(packages):
        report.append("import cycle between subpackages: " + " ↔ ".join(component))
    for name, targets in sorted(graph.items()):
        rank = layer_of(name)
        if name.split(".")[0] in ("moderation", "broadcast"):
            for target in sorted(targets):
                if target.split(".")[0] == "studio":
                    report.append(f"{name} imports {target}: the pure packages never import studio")
        if rank is None:
            if name.startswith("studio."):
                report.append(f"{name} is in no layer: add it to LAYERS in scripts/layout.py")
            continue
        for target in sorted(targets):
            target_rank = layer_of(target)
            if target_rank is not None and target_rank > rank:
                report.append(f"{name} (layer {rank}) imports {target} (layer {target_rank}): "
                              "dependencies point down")
    for name, path in sorted(found.items()):
        if name.startswith("studio.") and not name.startswith(STORE + ".") and name != STORE:
            for line in sql_strings(path):
                report.append(f"{path.relative_to(ROOT)}:{line}: SQL outside studio/store/")
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            report.append(f"{path.relative_to(ROOT)}: {lines} lines (at most {MAX_MODULE_LINES})")
    for script in sorted((ROOT / "static").rglob("*.js")):
        lines = len(script.read_text(encoding="utf-8").splitlines())
        if lines > MAX_SCRIPT_LINES:
            report.append(f"{script.relative_to(ROOT)}: {lines} lines (at most {MAX_SCRIPT_LINES})")
    return report, packages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", action="store_true", help="print the subpackage dependency graph")
    args = parser.parse_args()
    report, packages = problems()
    if args.graph:
        for source in sorted(packages):
            print(f"{source} → {', '.join(sorted(packages[source]))}")
    for line in report:
        print(line)
    if report:
        print(f"layout: {len(report)} problem(s)", file=sys.stderr)
        return 1
    print("layout: no import cycles, dependencies point down, no file over its size")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
