"""Names and limits defined once: every state has its name, and pages and scripts use the server's."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from moderation.lifecycle import EventStatus, Role, Status
from studio import labels
from studio.board.life import CaseAction, Rating, Stage
from studio.settings import Settings
from studio.web.templating import page_limits
from support.browser import watch_errors
from support.clients import Studio, running_studio
from support.data import REPOSITORY

CONFIG = re.compile(r'<script type="application/json" id="studio-config">(.*?)</script>', re.S)


def test_every_state_of_the_lifecycles_has_a_name() -> None:
    """Questions, events, case stages, case actions, ratings and roles are all named."""
    assert {status.value for status in Status} <= set(labels.QUESTION_STATUS)
    assert {status.value for status in EventStatus} <= set(labels.EVENT_STATUS)
    assert {stage.value for stage in Stage} == set(labels.CASE_STAGE)
    assert {action.value for action in CaseAction} == set(labels.CASE_ACTION)
    assert {rating.value for rating in Rating} == set(labels.RATING)
    assert {role.value for role in Role} <= set(labels.ROLE)


def test_an_unknown_status_is_shown_as_its_code() -> None:
    """The filter never hides a code it has no name for."""
    assert labels.status_label("on_air") == "正在回答"
    assert labels.status_label("replied") == "已回复"
    assert labels.status_label("something_new") == "something_new"
    assert labels.status_label(None) == ""


def test_no_script_states_a_status_name_of_its_own() -> None:
    """Status, stage and rating names appear in static/ scripts only through labels.js."""
    names = {*labels.QUESTION_STATUS.values(), *labels.EVENT_STATUS.values(),
             *labels.CASE_STATUS.values(), *labels.CASE_STAGE.values(), *labels.RATING.values()}
    quoted = re.compile("['\"`](" + "|".join(map(re.escape, names)) + ")['\"`]")
    found = [f"{path.relative_to(REPOSITORY)}:{number}: {line.strip()}"
             for path in sorted((REPOSITORY / "static").rglob("*.js"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if quoted.search(line)]
    assert found == []


def test_limits_follow_the_settings() -> None:
    """The page limits are the settings' and the services' bounds, answers five times a question."""
    limits = page_limits(Settings(max_question_chars=50))
    assert limits["question_chars"] == 50
    assert limits["answer_chars"] == 250
    assert limits["nickname_chars"] == 20


@pytest.fixture(scope="module")
def short_questions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio whose questions may be at most 50 characters long."""
    with running_studio(tmp_path_factory.mktemp("short"), env={"STUDIO_MAX_QUESTION_CHARS": "50"}) as studio:
        yield studio


def page_config(html: str) -> dict[str, Any]:
    match = CONFIG.search(html)
    assert match, "the page has no studio-config block"
    config: dict[str, Any] = json.loads(match.group(1))
    return config


def test_pages_carry_the_labels_and_the_configured_limits(short_questions: Studio) -> None:
    """Every page's config block holds the one set of names and the server's limits."""
    slug = short_questions.new_event()
    with short_questions.server.http() as client:
        event = client.get(f"/events/{slug}").text
        board = client.get("/board/new").text
        home = client.get("/").text
    for html in (event, board, home):
        config = page_config(html)
        assert config["labels"] == json.loads(json.dumps(labels.client_labels(staff=False)))
        assert "pii.mobile" not in html
        assert config["limits"]["question_chars"] == 50
    assert re.search(r'id="ask-text"[^>]*maxlength="50"', event)
    assert re.search(r'id="ask-text"[^>]*maxlength="50"', board)
    assert 'id="ask-count" class="counter">0/50<' in event
    desk = short_questions.mod1.get(f"/studio/events/{slug}/moderate").text
    assert page_config(desk)["labels"] == json.loads(json.dumps(labels.client_labels(staff=True)))


def test_the_ask_form_counts_against_the_configured_limit(browser: Any, short_questions: Studio,
                                                           tmp_path: Path) -> None:
    """The audience script counts characters against the server's limit, not a number of its own."""
    slug = short_questions.new_event()
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    watch_errors(page, errors)
    page.goto(f"{short_questions.server.base}/events/{slug}")
    page.click("#tab-ask")  # a phone-sized window shows the form under its tab
    page.fill("#ask-text", "公交站台能否加装遮阳棚")
    page.locator("#ask-count", has_text="11/50").wait_for(timeout=10_000)
    status = page.locator("#ev-status").inner_text()
    context.close()
    assert status == labels.EVENT_STATUS["live"]
    assert errors == []
