"""The docs name only files that exist: every path in README.md and docs/ is in the tree."""

from __future__ import annotations

import re

from support.data import REPOSITORY

PATH = re.compile(r"`((?:studio|tests|static|templates|bench|scripts|deploy|moderation|broadcast|docs)"
                  r"/[\w./{}-]*[\w/])`")


def named_paths() -> dict[str, list[str]]:
    """Each backquoted project path, with the documents that name it."""
    found: dict[str, list[str]] = {}
    for document in [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md"))]:
        for path in PATH.findall(document.read_text(encoding="utf-8")):
            found.setdefault(path, []).append(document.name)
    return found


def test_every_path_the_docs_name_exists() -> None:
    """A moved or renamed file is renamed in the docs too."""
    named = named_paths()
    assert len(named) > 20
    missing = {path: where for path, where in named.items()
               if "{" not in path and not (REPOSITORY / path.rstrip("/")).exists()}
    assert missing == {}


def test_the_allocator_settings_agree() -> None:
    """docs/operations.md, the systemd unit and the soak run the servers with the same jemalloc settings."""
    soak = (REPOSITORY / "bench" / "soak.py").read_text(encoding="utf-8")
    found = re.search(r'^JEMALLOC_CONF = "([^"]+)"', soak, re.MULTILINE)
    assert found is not None
    setting = f"MALLOC_CONF={found.group(1)}"
    assert setting in (REPOSITORY / "docs" / "operations.md").read_text(encoding="utf-8")
    assert f"Environment={setting}\n" in (REPOSITORY / "deploy" / "studio.service").read_text(encoding="utf-8")
