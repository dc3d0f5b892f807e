"""Fixtures of the moderation tests: the default lexicon, built once."""

from __future__ import annotations

import pytest

from moderation.lexicon import Lexicon, default_terms


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The default lexicon (immutable once built, so every test may share it)."""
    return Lexicon.build(default_terms())
