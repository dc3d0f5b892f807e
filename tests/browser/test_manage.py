"""The admin in Chromium manages what exists: editing an event, resetting passwords, (de)activating accounts."""

from __future__ import annotations

import re
from typing import Any

from support.browser import log_in, phone_page
from support.clients import StaffClient, Studio, short
from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD, Server

WAIT = 10_000


def live_event(admin: StaffClient, title: str, guests: list[str], moderators: list[str]) -> str:
    slug = f"manage-{short()}"
    answer = admin.post("/api/events", {
        "slug": slug, "title": title, "description": "就业、社保政策在线答疑。",
        "starts_at": "2026-11-22T20:00:00+08:00", "ends_at": "2026-11-22T22:00:00+08:00",
        "guests": guests, "moderators": moderators,
    })
    assert answer.status_code == 201, answer.text
    assert admin.post(f"/api/events/{slug}/open").status_code == 200
    return slug


def wait_live(page: Any) -> None:
    """Until the page's socket has sent its first snapshot (the viewer count is filled in)."""
    page.locator("#viewers", has_text=re.compile(r"\d")).wait_for(timeout=WAIT)


def login_status(server: Server, username: str, password: str) -> int:
    with server.http() as client:
        return client.post("/api/login", json={"username": username, "password": password}).status_code


def test_admin_edits_a_live_event_and_open_pages_follow(browser: Any, studio: Studio) -> None:
    """The admin renames a live event and swaps its guest; an open phone page and console update without reloading."""
    server = studio.server
    slug = live_event(studio.admin, "改名前的访谈", ["guest1"], ["mod1"])
    errors: list[str] = []

    phone = phone_page(browser, errors, timezone_id="Asia/Shanghai")
    phone.goto(f"{server.base}/events/{slug}")
    wait_live(phone)
    assert phone.locator(".ev-title").inner_text() == "改名前的访谈"
    assert phone.locator(".guest", has_text="guest1").count() == 1
    phone.evaluate("window.__notReloaded = true")

    console = log_in(browser, server, "mod1", STAFF_PASSWORD, f"/studio/events/{slug}/moderate", errors)
    wait_live(console)
    console.evaluate("window.__notReloaded = true")

    page = log_in(browser, server, "admin", ADMIN_PASSWORD, errors=errors)
    card = page.locator(f'.studio-event[data-slug="{slug}"]')
    card.locator('[data-event-action="edit"]').click()
    form = card.locator(".event-edit-form")
    form.wait_for(timeout=WAIT)
    # prefilled with the event as it is, times in the browser's zone
    assert form.locator('[name="title"]').input_value() == "改名前的访谈"
    assert form.locator('[name="description"]').input_value() == "就业、社保政策在线答疑。"
    assert form.locator('[name="starts_at"]').input_value() == "2026-11-22T20:00"
    assert form.locator('[name="ends_at"]').input_value() == "2026-11-22T22:00"
    assert form.locator('[name="guests"][value="guest1"]').is_checked()
    assert not form.locator('[name="guests"][value="guest2"]').is_checked()

    # refused in the page first
    form.locator('[name="ends_at"]').fill("2026-11-22T19:00")
    form.locator('[data-confirm="edit"]').click()
    form.locator(".form-error", has_text="结束时间必须晚于开始时间").wait_for(timeout=WAIT)

    form.locator('[name="title"]').fill("改名后的访谈")
    form.locator('[name="ends_at"]').fill("2026-11-22T22:30")
    form.locator('[name="guests"][value="guest1"]').uncheck()
    form.locator('[name="guests"][value="guest2"]').check()
    form.locator('[data-confirm="edit"]').click()
    card.locator(".studio-event-title", has_text="改名后的访谈").wait_for(timeout=WAIT)
    assert "guest2" in card.inner_text() and "guest1" not in card.inner_text()
    assert card.locator(".event-edit-form").count() == 0

    event = studio.admin.get(f"/api/events/{slug}").json()
    assert event["title"] == "改名后的访谈"
    assert event["starts_at"] == "2026-11-22T20:00:00+08:00"
    assert event["ends_at"] == "2026-11-22T22:30:00+08:00"
    assert [g["name"] for g in event["guests"]] == ["guest2"]
    # the moderators were not in the change: still mod1 alone
    assert studio.mod1.get(f"/api/events/{slug}/queue").status_code == 200
    assert studio.mod2.get(f"/api/events/{slug}/queue").status_code == 403

    # the phone page follows in place: title, times, guests, the units one may ask
    phone.locator(".ev-title", has_text="改名后的访谈").wait_for(timeout=WAIT)
    phone.locator(".guest", has_text="guest2").wait_for(timeout=WAIT)
    assert phone.locator(".guest", has_text="guest1").count() == 0
    assert "交通局" in phone.locator(".guest", has_text="guest2").inner_text()
    assert phone.locator(".ev-time").inner_text() == "访谈时间：2026-11-22 20:00 — 22:30"
    options = phone.locator("#ask-unit option").all_inner_texts()
    assert "交通局" in options and "人社局" not in options
    assert phone.title().startswith("改名后的访谈")
    assert phone.evaluate("window.__notReloaded") is True

    # and so does the moderator's console
    console.locator("#ev-title", has_text="改名后的访谈").wait_for(timeout=WAIT)
    console.locator("#ev-guests", has_text="guest2").wait_for(timeout=WAIT)
    assert "22:30" in console.locator("#ev-time").inner_text()
    assert console.title() == "审核台 · 改名后的访谈"
    assert console.evaluate("window.__notReloaded") is True
    assert not errors, errors


def test_editing_an_event_that_has_closed_shows_the_refusal(browser: Any, studio: Studio) -> None:
    """Saving an edit after the event was closed elsewhere shows the server's message in the form."""
    slug = live_event(studio.admin, "即将结束的访谈", ["guest1"], [])
    page = log_in(browser, studio.server, "admin", ADMIN_PASSWORD)
    card = page.locator(f'.studio-event[data-slug="{slug}"]')
    card.locator('[data-event-action="edit"]').click()
    card.locator('.event-edit-form [name="title"]').fill("来不及改的标题")
    assert studio.admin.post(f"/api/events/{slug}/close").status_code == 200
    card.locator('[data-confirm="edit"]').click()
    card.locator(".event-edit-form .form-error", has_text="已结束").wait_for(timeout=WAIT)
    assert studio.admin.get(f"/api/events/{slug}").json()["title"] == "即将结束的访谈"
    # 取消 closes the form
    card.locator('[data-cancel="edit"]').click()
    assert card.locator(".event-edit-form").count() == 0


def test_admin_resets_a_password_and_deactivates_an_account(browser: Any, studio: Studio) -> None:
    """A reset password replaces the old one; a deactivated moderator's console and login are refused until reactivated."""
    server = studio.server
    username = f"mod{short()}"
    old_password, new_password = "old-password-1", "new-password-2"
    answer = studio.admin.post("/api/staff", {"username": username, "password": old_password,
                                              "role": "moderator", "display_name": "临时审核员"})
    assert answer.status_code == 201, answer.text
    slug = live_event(studio.admin, "审核员会被停用的访谈", [], [username])
    errors: list[str] = []
    page = log_in(browser, server, "admin", ADMIN_PASSWORD, errors=errors)

    # the admin's own row: a password reset, but no 停用
    own = page.locator('#staff-list tr[data-username="admin"]')
    own.wait_for(timeout=WAIT)
    assert own.locator('[data-staff-action="reset"]').count() == 1
    assert own.locator('[data-staff-action="deactivate"]').count() == 0

    # a new password: too short is refused in the page, then accepted
    row = page.locator(f'#staff-list tr[data-username="{username}"]')
    row.locator('[data-staff-action="reset"]').click()
    row.locator('[name="new_password"]').fill("short")
    row.locator('[data-confirm="reset"]').click()
    row.locator(".form-error", has_text="至少 8 位").wait_for(timeout=WAIT)
    row.locator('[name="new_password"]').fill(new_password)
    row.locator('[data-confirm="reset"]').click()
    row.locator(".form-ok", has_text="密码已重置").wait_for(timeout=WAIT)
    assert row.locator('[name="new_password"]').count() == 0
    assert login_status(server, username, old_password) == 401
    assert login_status(server, username, new_password) == 200

    # the moderator at work with the new password
    console = log_in(browser, server, username, new_password, f"/studio/events/{slug}/moderate")
    wait_live(console)

    # 停用: the row turns muted with a badge, the account leaves the event form
    row.locator('[data-staff-action="deactivate"]').click()
    inactive = page.locator(f'#staff-list tr[data-username="{username}"][data-active="false"]')
    inactive.wait_for(timeout=WAIT)
    assert "is-inactive" in (inactive.get_attribute("class") or "")
    assert inactive.locator(".badge-inactive").inner_text() == "已停用"
    assert inactive.locator('[data-staff-action="activate"]').is_visible()
    assert page.locator(f'#event-form input[name="moderators"][value="{username}"]').count() == 0
    listed = {s["username"]: s for s in studio.admin.get("/api/staff?all=1").json()}
    assert listed[username]["active"] is False

    # the open console is refused at its next call, and signing in fails
    console.fill("#host-text", "各位网友晚上好")
    console.click("#host-send")
    console.locator("#host-error", has_text="登录").wait_for(timeout=WAIT)  # 请先登录
    console.reload()
    console.wait_for_url(lambda url: "/studio/login?next=" in url, timeout=WAIT)
    assert login_status(server, username, new_password) == 401

    # after a reload the page still shows it deactivated; 启用 brings it back
    page.reload()
    row = page.locator(f'#staff-list tr[data-username="{username}"][data-active="false"]')
    row.wait_for(timeout=WAIT)  # the list is drawn by the page's script after the reload
    assert row.locator(".badge-inactive").count() == 1
    assert page.locator(f'#event-form input[name="moderators"][value="{username}"]').count() == 0
    row.locator('[data-staff-action="activate"]').click()
    active = page.locator(f'#staff-list tr[data-username="{username}"][data-active="true"]')
    active.wait_for(timeout=WAIT)
    assert active.locator(".badge-inactive").count() == 0
    assert active.locator('[data-staff-action="deactivate"]').is_visible()
    page.locator(f'#event-form input[name="moderators"][value="{username}"]').wait_for(state="attached",
                                                                                         timeout=WAIT)
    assert login_status(server, username, new_password) == 200
    assert not errors, errors
