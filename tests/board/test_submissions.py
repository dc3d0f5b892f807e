"""Direct submissions on a real server: screening, a redacted public text, the reason catalogue."""

from __future__ import annotations

from typing import Any

from support.cases import submit_message
from support.clients import Studio

PHONE = "18612345678"


def pending(studio: Studio, submission_id: int) -> dict[str, Any]:
    """The submission as the moderators' queue shows it."""
    queue = studio.mod1.get("/api/board/submissions").json()
    found: dict[str, Any] = next(s for s in queue if s["id"] == submission_id)
    return found


def tracked(studio: Studio, receipt: dict[str, Any]) -> dict[str, Any]:
    with studio.server.http() as client:
        view: dict[str, Any] = client.get(f"/api/board/track/{receipt['tracking_code']}").json()
    return view


def test_submission_is_screened_with_spans_and_suggestions(studio: Studio) -> None:
    """A mobile and a mistyped ID number are flagged with their spans, suggestions and detail."""
    text = f"我的手机{PHONE}，身份证110101199003074578，小区路灯坏了"
    sub = pending(studio, submit_message(studio, text)["submission_id"])
    assert sub["original_text"] == text
    mobile, id_number = sub["flags"]
    assert mobile == {"kind": "pii.mobile", "start": 4, "end": 15, "text": PHONE, "suggestion": "186****5678"}
    assert id_number == {"kind": "pii.id_number", "start": 19, "end": 37, "text": "110101199003074578",
                         "suggestion": "[已隐去]", "detail": "check_digit"}


def test_approving_an_edited_text_publishes_only_the_edit(studio: Studio) -> None:
    """The case shows the moderator's redacted text; the original stays in the audit log, before/after."""
    text = f"我的手机{PHONE}，小区门口的路灯坏了一个月"
    receipt = submit_message(studio, text)
    public = "我的手机186****5678，小区门口的路灯坏了一个月"
    path = f"/api/board/submissions/{receipt['submission_id']}/approve"
    approved = studio.mod1.post(path, {"text": public})
    assert approved.status_code == 200, approved.text
    case_id = approved.json()["case_id"]
    with studio.server.http() as client:
        page = client.get(f"/board/cases/{case_id}").text
        body = client.get(f"/api/board/cases/{case_id}").json()
        search = client.get("/board", params={"q": "路灯坏了一个月"}).text
    assert public in page and PHONE not in page
    assert body["text"] == public and PHONE not in str(body)
    assert PHONE not in search
    assert tracked(studio, receipt)["text_public"] == public
    entry = next(e for e in studio.admin.get(f"/api/board/cases/{case_id}/audit").json()
                 if e["action"] == "board.approve")
    assert entry["before_text"] == text and entry["after_text"] == public


def test_rejection_names_a_reason_of_the_catalogue(studio: Studio) -> None:
    """Rejecting takes the live desk's reason codes (and a note); the asker's tracker shows the wording."""
    catalogue = {r["code"]: r["text"] for r in studio.mod1.get("/api/reasons").json()}
    receipt = submit_message(studio, "代开发票，加微信")
    path = f"/api/board/submissions/{receipt['submission_id']}/reject"
    unknown = studio.mod1.post(path, {"reason": "与政务无关"})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["field"] == "reason" and "ads" in unknown.json()["error"]["codes"]
    other = studio.mod1.post(path, {"reason": "other"})
    assert other.status_code == 400 and other.json()["error"]["field"] == "note"
    rejected = studio.mod1.post(path, {"reason": "ads", "note": "请勿发布广告"})
    assert rejected.status_code == 200, rejected.text
    view = tracked(studio, receipt)
    assert view["status"] == "rejected" and view["reason"] == f"{catalogue['ads']}：请勿发布广告"
    assert studio.mod2.post(path, {"reason": "ads"}).status_code == 409
