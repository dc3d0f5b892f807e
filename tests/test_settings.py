"""Settings: one default each, read once, documented, cast from the environment."""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from studio.settings import Settings, load_settings, variable_of
from support.data import REPOSITORY

OPERATIONS = REPOSITORY / "docs" / "operations.md"


def documented() -> dict[str, str]:
    """Each ``STUDIO_*`` variable in the operations table with its documented default."""
    table: dict[str, str] = {}
    for line in OPERATIONS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[0].startswith("`STUDIO_"):
            continue
        names = re.findall(r"`(STUDIO_[A-Z_]+)`", cells[0])
        defaults = [value.strip() for value in cells[1].split(",")] if len(names) > 1 else [cells[1]]
        table.update(zip(names, defaults, strict=True))
    return table


def test_every_setting_is_documented_with_its_default() -> None:
    """docs/operations.md names each variable and, where the default is a value, that value."""
    table = documented()
    defaults = Settings()
    for item in fields(Settings):
        variable = variable_of(item.name)
        if variable is None:
            continue
        assert variable in table, f"{variable} is not in docs/operations.md"
        value = getattr(defaults, item.name)
        shown = table[variable]
        if value is None or value == ():
            continue
        literal = shown.strip("`").split("`")[0]
        if isinstance(value, bool):
            assert literal == str(value).lower(), variable
        elif isinstance(value, int | float):
            assert float(literal) == float(value), variable
        else:
            assert literal == str(value), variable


def test_documented_variables_all_exist() -> None:
    """No variable in the table is one the settings no longer read."""
    known = {variable_of(item.name) for item in fields(Settings)}
    assert set(documented()) <= known


def test_environment_values_are_cast_to_the_settings_types(monkeypatch: pytest.MonkeyPatch) -> None:
    """Integers, floats, booleans and the origin list are parsed; unset ones keep their default."""
    monkeypatch.setenv("STUDIO_ALLOWED_ORIGINS", "https://a.example/, https://b.example")
    monkeypatch.setenv("STUDIO_RATE_LIMITS", "false")
    monkeypatch.setenv("STUDIO_SEND_TIMEOUT", "3.5")
    monkeypatch.setenv("STUDIO_MAX_QUESTION_CHARS", "50")
    monkeypatch.setenv("STUDIO_DB", "event.db")
    settings = load_settings(env_file=None)
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.rate_limits is False
    assert settings.send_timeout == 3.5
    assert settings.max_question_chars == 50
    assert settings.db_path == "event.db"
    assert settings.session_hours == Settings().session_hours


def test_a_value_of_the_wrong_type_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting that does not parse stops the start with the variable's name."""
    monkeypatch.setenv("STUDIO_SESSION_HOURS", "twelve")
    with pytest.raises(SystemExit, match="STUDIO_SESSION_HOURS"):
        load_settings(env_file=None)
