"""Notifications on a real server: a real SMTP server receives them in order, a failing gateway
leaves the action committed and the message in the dead-letter list, contacts stay private."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from support.clients import Studio, recv_until, running_studio
from support.notify import Gateway, eventually, failing_gateway, smtp_server

PUBLIC = "https://wenzheng.example.gov.cn"
KEY = "gateway-signing-key"
CODE = re.compile(r"验证码是 (\d{6})")


def verify(studio: Studio, tracking_code: str, code: str) -> dict[str, Any]:
    """Type the code back as the asker; the contact's status."""
    with studio.server.http() as client:
        answer = client.post("/api/contacts/verify", json={"tracking_code": tracking_code, "code": code})
    assert answer.status_code == 200, answer.text
    status: dict[str, Any] = answer.json()
    return status


def mails_to(inbox_texts: list[tuple[str, str, str]], address: str) -> list[tuple[str, str]]:
    """(subject, text) of the mails to ``address``, in arrival order."""
    return [(subject, text) for to, subject, text in inbox_texts if to == address]


def test_a_real_smtp_server_receives_every_notification_in_order(tmp_path: Path) -> None:
    """Code, approval, live answer; then approval, case, acceptance, extension, reply, reopening."""
    with smtp_server() as (inbox, port), running_studio(tmp_path, {
        "STUDIO_NOTIFY_EMAIL_URL": f"smtp://127.0.0.1:{port}?from=noreply@wenzheng.example.gov.cn",
        "STUDIO_PUBLIC_URL": PUBLIC, "STUDIO_NOTIFY_INTERVAL": "0.2",
    }) as studio:
        received = inbox.received
        slug = studio.new_event()
        live = studio.ask(slug, "社保卡怎么补办？", contact="Live@Example.com")
        later = studio.ask(slug, "我们小区门口的路灯坏了一个月", contact="later@example.com",
                           unit=studio.units["人社局"])
        assert live["contact"] == "l***@example.com" and later["contact"] == "l***@example.com"
        for receipt, address in ((live, "live@example.com"), (later, "later@example.com")):
            mail = eventually(lambda a=address: mails_to(received(), a), what="the code")
            found = CODE.search(mail[0][1])
            assert found is not None and f"{PUBLIC}/track/{receipt['tracking_code']}" in mail[0][1]
            assert verify(studio, receipt["tracking_code"], found.group(1))["verified"] is True

        question = studio.question(slug, live["question_id"])
        assert studio.mod1.act(question, "approve").status_code == 200
        question = studio.question(slug, live["question_id"])
        assert studio.guest1.act(question, "on_air").status_code == 200
        question = studio.question(slug, live["question_id"])
        assert studio.guest1.act(question, "answer", text="在社保经办窗口当场补办。").status_code == 200

        question = studio.question(slug, later["question_id"])
        assert studio.mod1.act(question, "approve").status_code == 200
        assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
        with studio.server.http() as client:
            case_id = client.get(f"/api/track/{later['tracking_code']}").json()["case"]["id"]
        for action, body in (("accept", {}), ("extend", {"reason": "需要现场勘查"}),
                             ("reply", {"text": "已安排维修。"})):
            answer = studio.guest1.post(f"/api/board/cases/{case_id}/{action}", body)
            assert answer.status_code == 200, answer.text
        with studio.server.http() as client:
            rated = client.post(f"/api/board/cases/{case_id}/rating",
                                json={"code": later["rating_code"], "rating": "不满意"})
        assert rated.status_code == 200, rated.text

        live_mails = eventually(lambda: len(mails_to(received(), "live@example.com")) >= 3
                                and mails_to(received(), "live@example.com"), what="the live mails")
        later_mails = eventually(lambda: len(mails_to(received(), "later@example.com")) >= 7
                                 and mails_to(received(), "later@example.com"), what="the case mails")
        assert [subject for subject, _ in live_mails] == [
            "【网络问政】验证码", "【网络问政】审核通过", "【网络问政】现场回答"]
        assert [subject for subject, _ in later_mails] == [
            "【网络问政】验证码", "【网络问政】审核通过", "【网络问政】转为诉求件", "【网络问政】单位已接收",
            "【网络问政】办理延期", "【网络问政】单位已答复", "【网络问政】重新办理"]
        for receipt, mails in ((live, live_mails), (later, later_mails)):
            for _, text in mails:
                assert text.rstrip().endswith(f"查询进度：{PUBLIC}/track/{receipt['tracking_code']}")

        with studio.server.http() as client:
            public = [client.get(path).text for path in (
                f"/api/track/{later['tracking_code']}", f"/track/{later['tracking_code']}",
                f"/api/board/cases/{case_id}", f"/board/cases/{case_id}", f"/events/{slug}",
                f"/api/events/{slug}/transcript", "/api/board/cases", "/board/feed.atom")]
        for text in public:
            assert "example.com" not in text and "l***" not in text


def submit(studio: Studio, text: str, contact: str) -> dict[str, Any]:
    with studio.server.http() as client:
        answer = client.post("/api/board/submissions",
                             json={"text": text, "client_key": str(uuid.uuid4()), "contact": contact})
    assert answer.status_code == 201, answer.text
    receipt: dict[str, Any] = answer.json()
    return receipt


def posts(gateway: Gateway, kind_text: str) -> list[dict[str, Any]]:
    return [r for r in gateway.requests if kind_text in r["body"]["text"]]


def test_a_failing_gateway_leaves_the_action_committed_and_the_message_dead(tmp_path: Path) -> None:
    """The gateway answers 500: approving still succeeds; after 3 signed tries the message is dead."""
    with failing_gateway(500) as (gateway, port), running_studio(tmp_path, {
        "STUDIO_NOTIFY_SMS_URL": f"http://127.0.0.1:{port}/send?to={{to}}", "STUDIO_NOTIFY_SMS_KEY": KEY,
        "STUDIO_NOTIFY_MAX_ATTEMPTS": "3", "STUDIO_NOTIFY_RETRY_SECONDS": "0",
        "STUDIO_NOTIFY_INTERVAL": "0.2",
    }) as studio:
        receipt = submit(studio, "村道塌陷，雨天无法通行", "+86 138-1234-5678")
        assert receipt["contact"] == "138****5678"
        sent = eventually(lambda: posts(gateway, "验证码"), what="the code at the gateway")
        first = sent[0]
        assert first["path"] == "/send?to=13812345678" and first["body"]["to"] == "13812345678"
        signed = hmac.new(KEY.encode(), first["headers"]["X-Studio-Timestamp"].encode() + b"." + first["raw"],
                          hashlib.sha256).hexdigest()
        assert first["headers"]["X-Studio-Signature"] == f"sha256={signed}"
        found = CODE.search(first["body"]["text"])
        assert found is not None
        assert verify(studio, receipt["tracking_code"], found.group(1))["contact"] == "138****5678"

        approved = studio.mod1.post(f"/api/board/submissions/{receipt['submission_id']}/approve",
                                    {"unit": studio.units["交通局"]})
        assert approved.status_code == 200, approved.text
        case_id = approved.json()["case_id"]
        with studio.server.http() as client:
            assert client.get(f"/api/board/cases/{case_id}").status_code == 200

        def dead() -> list[dict[str, Any]]:
            listing = studio.admin.get("/api/notifications?status=dead").json()
            return [n for n in listing["notifications"] if n["kind"] == "approved"]

        message = eventually(dead, what="the dead letter")[0]
        assert message["attempts"] == 3 and "500" in message["last_error"]
        assert message["recipient"] == "138****5678"
        assert len(posts(gateway, "您的留言已通过审核")) == 3
        assert studio.admin.get("/studio/notifications?status=dead").status_code == 200
        assert studio.mod1.get("/api/notifications").status_code == 403
        with studio.server.http() as client:
            page = client.get("/metrics").text
        gauge = {s.labels["status"]: s.value for f in text_string_to_metric_families(page)
                 if f.name == "studio_notifications" for s in f.samples}
        assert gauge["dead"] >= 1 and "5678" not in page

        retried = studio.admin.post(f"/api/notifications/{message['id']}/retry")
        assert retried.status_code == 200 and retried.json()["status"] == "pending"
        eventually(lambda: len(posts(gateway, "您的留言已通过审核")) >= 4, what="the retry")
        assert studio.admin.post(f"/api/notifications/{message['id']}/retry").status_code in (200, 409)

        with studio.server.http() as client:
            public = [client.get(path).text for path in (
                f"/api/board/track/{receipt['tracking_code']}", f"/board/track/{receipt['tracking_code']}",
                f"/api/board/cases/{case_id}", f"/board/cases/{case_id}", "/board", "/api/board/cases")]
        for text in public:
            assert "5678" not in text and "13812345678" not in text


def test_a_contact_asked_over_the_audience_socket(studio: Studio) -> None:
    """The socket's ``ask`` takes ``contact`` like HTTP: ``ask.ok`` carries it masked; a bad one is
    an ``invalid`` error naming ``contact`` and stores nothing; the public feed never carries it;
    /privacy says how long contacts are kept."""
    slug = studio.new_event()
    ws = studio.server.ws(f"/ws/events/{slug}")
    try:
        recv_until(ws, "snapshot")
        key = str(uuid.uuid4())
        ws.send(json.dumps({"type": "ask", "text": "地铁站出口太少", "client_key": key, "contact": "12"}))
        refused = recv_until(ws, "error")
        assert refused["code"] == "invalid" and refused["field"] == "contact"
        ws.send(json.dumps({"type": "ask", "text": "地铁站出口太少", "client_key": key,
                            "contact": "13712345678"}))
        ok = recv_until(ws, "ask.ok")
        assert ok["contact"] == "137****5678" and ok["client_key"] == key
        assert studio.mod1.act(studio.question(slug, ok["question_id"]), "approve").status_code == 200
        approved = recv_until(ws, "question.published")
        assert "5678" not in json.dumps(approved, ensure_ascii=False)
    finally:
        ws.close()
    with studio.server.http() as client:
        privacy = client.get("/privacy").text
    assert "接收通知的手机号或邮箱" in privacy and "办结后 90 天内无新进展即清除" in privacy
