"""Routing suggestions on the board console in Debian's Chromium: shown, the best unit preselected."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from support.browser import log_in
from support.clients import Studio
from support.routing import import_into, split
from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD


def test_console_suggests_and_preselects_the_unit(browser: Any, studio: Studio, tmp_path: Path) -> None:
    """A case waiting for a unit and a new submission show the learned path; 分派 sends it to the suggested unit."""
    errors: list[str] = []
    moderator = log_in(browser, studio.server, "mod2", STAFF_PASSWORD, "/studio/board", errors)
    moderator.locator("#routing-title").wait_for(timeout=10_000)
    learn, held = split(10, 2)
    to_route, to_review = held[0], held[1]
    texts = [to_route["title"] + "。" + to_route["text"], to_review["title"] + "。" + to_review["text"]]
    with studio.server.http() as client:
        receipts = [client.post("/api/board/submissions", json={"text": text, "client_key": str(uuid.uuid4())}).json()
                    for text in texts]
    approved = studio.admin.post(f"/api/board/submissions/{receipts[0]['submission_id']}/approve", {})
    assert approved.status_code == 200
    moderator.reload()
    moderator.locator("#no-suggestions").wait_for(timeout=10_000)

    import_into(studio.server, tmp_path, learn)
    units = {u["name"]: u["id"] for u in studio.admin.get("/api/units").json()}
    moderator.reload()
    routed = moderator.locator("#routing .q-item", has_text=to_route["text"])
    hint = routed.locator('[data-part="suggestion"] strong')
    hint.wait_for(timeout=30_000)
    assert hint.inner_text() == to_route["category"]
    assert routed.locator("select[name=unit]").input_value() == str(units[to_route["unit"]])
    review = moderator.locator(f'#submissions [data-submission-id="{receipts[1]["submission_id"]}"]')
    review.locator('[data-part="suggestion"] strong').wait_for(timeout=30_000)
    assert review.locator("select[name=unit]").input_value() == str(units[to_review["unit"]])

    routed.locator('[data-action="route"]').click()
    moderator.locator("#routing .q-item", has_text=to_route["text"]).wait_for(state="detached", timeout=10_000)
    case_id = approved.json()["case_id"]
    assert studio.admin.get(f"/api/board/cases/{case_id}").json()["unit"]["id"] == units[to_route["unit"]]
    assert not errors, errors


def test_admin_maps_categories_to_a_unit(browser: Any, studio: Studio) -> None:
    """On the console an admin picks the categories a unit handles; the mapping is saved and shown again."""
    errors: list[str] = []
    admin = log_in(browser, studio.server, "admin", ADMIN_PASSWORD, "/studio/board", errors)
    admin.locator("#mapping-title").wait_for(timeout=10_000)
    unit_id = studio.units["交通局"]
    form = admin.locator(f'form[data-unit-categories="{unit_id}"]')
    form.locator("select[name=categories]").select_option(label="交通运输")
    form.locator('[type="submit"]').click()
    form.locator('[data-part="mapping-status"]', has_text="已保存：交通运输").wait_for(timeout=10_000)
    mapping = {row["unit"]["id"]: row["categories"] for row in studio.admin.get("/api/board/unit-categories").json()}
    assert [c["path"] for c in mapping[unit_id]] == ["交通运输"]
    admin.reload()
    chosen = admin.locator(f'form[data-unit-categories="{unit_id}"] option:checked')
    assert chosen.all_inner_texts() == ["交通运输"]
    assert not errors, errors
