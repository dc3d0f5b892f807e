"""The ES modules in static/ hold together without a build step: every script and import is found."""

from __future__ import annotations

import re
from pathlib import Path

from support.data import REPOSITORY

STATIC = REPOSITORY / "static"
SCRIPTS = sorted(STATIC.rglob("*.js"))
IMPORT = re.compile(r"^import\s+(?:\{([^}]*)\}\s+from\s+)?'([^']+)';", re.M)
EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+([\w$]+)", re.M)
REEXPORT = re.compile(r"^export\s+\{([^}]*)\};", re.M)
MODULE_TAG = re.compile(r'<script type="module" src="/static/([^"]+)"></script>')


def imports(script: Path) -> list[tuple[Path, list[str]]]:
    """Each module ``script`` imports, with the names it takes from it."""
    found = []
    for names, source in IMPORT.findall(script.read_text(encoding="utf-8")):
        taken = [name.split(" as ")[0].strip() for name in names.split(",") if name.strip()]
        found.append(((script.parent / source).resolve(), taken))
    return found


def exports(script: Path) -> set[str]:
    text = script.read_text(encoding="utf-8")
    names = set(EXPORT.findall(text))
    for group in REEXPORT.findall(text):
        names |= {name.split(" as ")[-1].strip() for name in group.split(",") if name.strip()}
    return names


def test_every_script_a_template_loads_exists() -> None:
    """Each <script type="module" src="/static/..."> of a template names a file in static/."""
    loaded = {src for page in (REPOSITORY / "templates").rglob("*.html")
              for src in MODULE_TAG.findall(page.read_text(encoding="utf-8"))}
    assert loaded
    assert [src for src in sorted(loaded) if not (STATIC / src).is_file()] == []


def test_every_imported_name_is_exported() -> None:
    """Each ``import { name } from './x.js'`` finds the file and a matching export."""
    exported = {script.resolve(): exports(script) for script in SCRIPTS}
    missing = [
        f"{script.relative_to(STATIC)}: {name} from {source.name}"
        for script in SCRIPTS
        for source, names in imports(script)
        for name in (names if source in exported else ["(missing file)"])
        if name not in exported.get(source, set())
    ]
    assert missing == []
