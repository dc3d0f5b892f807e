"""The admin in Chromium: from an empty studio to a live event; bad input; who sees what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from support.browser import log_in, phone_page
from support.clients import StaffClient, short
from support.servers import ADMIN_PASSWORD, Server, running_server

WAIT = 10_000
MOD_PASSWORD = "moderator-pass-1"
OFFICIAL_PASSWORD = "official-pass-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A fresh server of its own with only the admin account."""
    with running_server(tmp_path_factory.mktemp("studio-admin")) as srv:
        yield srv


@pytest.fixture(scope="module")
def admin_api(server: Server) -> StaffClient:
    return StaffClient(server, "admin", ADMIN_PASSWORD)


def new_event_api(admin: StaffClient, guests: list[str], moderators: list[str]) -> str:
    slug = f"ev-{short()}"
    answer = admin.post("/api/events", {
        "slug": slug, "title": "接口安排的访谈", "starts_at": "2026-11-22T20:00:00+08:00",
        "ends_at": "2026-11-22T22:00:00+08:00", "guests": guests, "moderators": moderators,
    })
    assert answer.status_code == 201, answer.text
    return slug


def test_admin_builds_a_live_event_from_an_empty_studio(browser: Any, server: Server,
                                                        admin_api: StaffClient) -> None:
    """From an empty studio the admin adds a unit, two accounts, an event, opens it; the public page shows it live."""
    errors: list[str] = []
    page = log_in(browser, server, "admin", ADMIN_PASSWORD, errors=errors)

    # an empty studio: no events, no units, only the admin account
    page.locator("p.empty", has_text="暂无分配给您的访谈").wait_for(timeout=WAIT)
    assert page.locator(".studio-event").count() == 0
    assert page.locator("#unit-list .chip").count() == 0
    assert page.locator("#staff-list tr").evaluate_all("rows => rows.map(r => r.dataset.username)") == ["admin"]

    # a unit
    page.fill("#unit-name", "城管局")
    page.click("#unit-submit")
    page.locator("#unit-ok", has_text="城管局").wait_for(timeout=WAIT)
    page.locator("#unit-list .chip", has_text="城管局").wait_for(timeout=WAIT)
    page.locator("#staff-unit option", has_text="城管局").wait_for(state="attached", timeout=WAIT)
    assert page.locator("#unit-error").is_hidden()

    # a moderator
    page.fill("#staff-username", "shenhe1")
    page.fill("#staff-password", MOD_PASSWORD)
    page.select_option("#staff-role", "moderator")
    page.fill("#staff-display-name", "审核员甲")
    page.click("#staff-submit")
    page.locator("#staff-ok", has_text="shenhe1").wait_for(timeout=WAIT)
    page.locator('#staff-list tr[data-username="shenhe1"][data-role="moderator"]').wait_for(timeout=WAIT)

    # an official of that unit
    page.fill("#staff-username", "wangming")
    page.fill("#staff-password", OFFICIAL_PASSWORD)
    page.select_option("#staff-role", "official")
    page.select_option("#staff-unit", label="城管局")
    page.fill("#staff-display-name", "王明")
    page.fill("#staff-title", "局长")
    page.click("#staff-submit")
    page.locator("#staff-ok", has_text="wangming").wait_for(timeout=WAIT)
    row = page.locator('#staff-list tr[data-username="wangming"][data-role="official"]')
    row.wait_for(timeout=WAIT)
    assert "城管局" in row.inner_text() and "局长" in row.inner_text()
    assert page.locator("#staff-error").is_hidden()

    # the event form's checkboxes follow the new accounts without a reload
    guest_box = page.locator('input[name="guests"][value="wangming"]')
    moderator_box = page.locator('input[name="moderators"][value="shenhe1"]')
    guest_box.wait_for(timeout=WAIT)
    moderator_box.wait_for(timeout=WAIT)
    assert page.locator('input[name="guests"]').count() == 1
    assert page.locator('input[name="moderators"]').count() == 1

    # schedule the event
    slug = f"chengguan-{short()}"
    page.fill("#event-title", "城管执法进社区")
    page.fill("#event-slug", slug)
    page.fill("#event-starts", "2026-11-22T20:00")
    page.fill("#event-ends", "2026-11-22T22:00")
    page.fill("#event-description", "占道经营、噪音扰民，局长在线答疑。")
    guest_box.check()
    moderator_box.check()
    page.click("#event-submit")
    card = page.locator(f'.studio-event[data-slug="{slug}"]')
    card.wait_for(timeout=WAIT)  # the page reloads after creating
    assert card.get_attribute("data-status") == "scheduled"
    assert "城管执法进社区" in card.inner_text()
    assert "王明" in card.inner_text() and "城管局" in card.inner_text()

    event = admin_api.get(f"/api/events/{slug}").json()
    assert event["status"] == "scheduled"
    assert event["starts_at"] == "2026-11-22T20:00:00+08:00"
    assert event["ends_at"] == "2026-11-22T22:00:00+08:00"
    assert [g["name"] for g in event["guests"]] == ["王明"]
    assert [u["name"] for u in event["units"]] == ["城管局"]

    # open it: the card turns live
    card.locator('[data-event-action="open"]').click()
    page.locator(f'.studio-event[data-slug="{slug}"][data-status="live"]').wait_for(timeout=WAIT)
    assert page.locator(f'.studio-event[data-slug="{slug}"] [data-event-action="close"]').is_visible()
    assert admin_api.get(f"/api/events/{slug}").json()["status"] == "live"

    # the public page shows it live, with the guest's name, title and unit
    public = phone_page(browser, errors)
    public.goto(f"{server.base}/events/{slug}")
    public.locator('#event-page[data-status="live"]').wait_for(timeout=WAIT)
    public.locator("#ev-status", has_text="直播中").wait_for(timeout=WAIT)
    guest = public.locator(".guest", has_text="王明")
    assert "城管局" in guest.inner_text() and "局长" in guest.inner_text()
    public.locator("#ask-unit option", has_text="城管局").wait_for(state="attached", timeout=WAIT)
    assert public.locator("#ask-submit").is_enabled()

    # the new moderator can sign in and reach the console of that event
    moderator = log_in(browser, server, "shenhe1", MOD_PASSWORD, f"/studio/events/{slug}/moderate", errors)
    moderator.locator("#queue").wait_for(state="attached", timeout=WAIT)
    assert not errors, errors


def test_admin_forms_refuse_bad_input_with_a_clear_error(browser: Any, server: Server,
                                                         admin_api: StaffClient) -> None:
    """Duplicate unit, official without unit, duplicate username and bad events each show their form's error line."""
    unit = f"交通局{short()}"
    assert admin_api.post("/api/units", {"name": unit}).status_code == 201
    page = log_in(browser, server, "admin", ADMIN_PASSWORD)

    # the same unit twice
    page.fill("#unit-name", unit)
    page.click("#unit-submit")
    error = page.locator("#unit-error")
    error.wait_for(timeout=WAIT)
    assert error.inner_text().strip() == "该单位已存在"
    assert page.locator("#unit-list .chip", has_text=unit).count() == 1
    # an empty name is refused before asking the server
    page.fill("#unit-name", "   ")
    page.click("#unit-submit")
    page.locator("#unit-error", has_text="请输入单位名称").wait_for(timeout=WAIT)

    # an official without a unit: refused in the page ...
    username = f"noun{short()}"
    page.fill("#staff-username", username)
    page.fill("#staff-password", OFFICIAL_PASSWORD)
    page.select_option("#staff-role", "official")
    page.select_option("#staff-unit", "")
    page.click("#staff-submit")
    page.locator("#staff-error", has_text="单位").wait_for(timeout=WAIT)
    assert page.locator(f'#staff-list tr[data-username="{username}"]').count() == 0
    # ... and by the server for any other client
    answer = admin_api.post("/api/staff", {"username": username, "password": OFFICIAL_PASSWORD,
                                           "role": "official"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["field"] == "unit"
    assert username not in [s["username"] for s in admin_api.get("/api/staff").json()]

    # a username that exists
    page.fill("#staff-username", "admin")
    page.fill("#staff-password", OFFICIAL_PASSWORD)
    page.select_option("#staff-role", "moderator")
    page.click("#staff-submit")
    page.locator("#staff-error", has_text="该用户名已存在").wait_for(timeout=WAIT)
    # a password the server finds too short: its message is shown as it is
    page.fill("#staff-username", f"short{short()}")
    page.fill("#staff-password", "abc")
    page.click("#staff-submit")
    page.locator("#staff-error", has_text="密码至少").wait_for(timeout=WAIT)

    # events: end before start, a bad slug, a slug in use
    taken = new_event_api(admin_api, [], [])
    page.fill("#event-title", "坏的安排")
    page.fill("#event-slug", f"bad-{short()}")
    page.fill("#event-starts", "2026-11-22T20:00")
    page.fill("#event-ends", "2026-11-22T19:00")
    page.click("#event-submit")
    page.locator("#event-error", has_text="结束时间必须晚于开始时间").wait_for(timeout=WAIT)
    page.fill("#event-ends", "2026-11-22T22:00")
    page.fill("#event-slug", "Bad Slug")
    page.click("#event-submit")
    page.locator("#event-error", has_text="网址标识").wait_for(timeout=WAIT)
    page.fill("#event-slug", taken)
    page.click("#event-submit")
    page.locator("#event-error", has_text="该网址标识已被使用").wait_for(timeout=WAIT)
    assert page.locator(".studio-event", has_text="坏的安排").count() == 0
    events = admin_api.get("/api/events").json()
    assert "坏的安排" not in [e["title"] for group in events.values() for e in group]


def test_closing_an_event_asks_for_confirmation(browser: Any, server: Server,
                                                admin_api: StaffClient) -> None:
    """结束访谈 first shows an inline confirmation; cancel keeps the event live, confirming closes it."""
    slug = new_event_api(admin_api, [], [])
    assert admin_api.post(f"/api/events/{slug}/open").status_code == 200
    page = log_in(browser, server, "admin", ADMIN_PASSWORD)
    card = page.locator(f'.studio-event[data-slug="{slug}"][data-status="live"]')
    card.locator('[data-event-action="close"]').click()
    confirm = card.locator('[data-confirm="close"]')
    confirm.wait_for(timeout=WAIT)
    card.locator('[data-cancel="close"]').click()
    confirm.wait_for(state="hidden", timeout=WAIT)
    assert admin_api.get(f"/api/events/{slug}").json()["status"] == "live"

    card.locator('[data-event-action="close"]').click()
    confirm.click()
    page.locator(f'.studio-event[data-slug="{slug}"][data-status="closed"]').wait_for(timeout=WAIT)
    assert admin_api.get(f"/api/events/{slug}").json()["status"] == "closed"


def test_moderator_sees_no_admin_forms(browser: Any, server: Server,
                                       admin_api: StaffClient) -> None:
    """A moderator's /studio/ lists their events but none of the admin forms."""
    username = f"mod{short()}"
    answer = admin_api.post("/api/staff", {"username": username, "password": MOD_PASSWORD,
                                           "role": "moderator"})
    assert answer.status_code == 201, answer.text
    slug = new_event_api(admin_api, [], [username])
    errors: list[str] = []
    page = log_in(browser, server, username, MOD_PASSWORD, errors=errors)
    page.locator(f'.studio-event[data-slug="{slug}"]').wait_for(timeout=WAIT)
    for selector in ("#admin", "#unit-form", "#unit-name", "#staff-form", "#staff-username",
                     "#event-form", "#event-submit", '[data-link="audit"]'):
        assert page.locator(selector).count() == 0, selector
    assert page.locator('script[src="/static/admin.js"]').count() == 0
    # and the admin API refuses them anyway
    moderator = StaffClient(server, username, MOD_PASSWORD)
    assert moderator.post("/api/units", {"name": f"偷建{short()}"}).status_code == 403
    assert not errors, errors


def test_anonymous_visitor_to_a_console_is_sent_to_login(browser: Any, server: Server,
                                                         admin_api: StaffClient) -> None:
    """Opening a moderation console signed out lands on the login page, which then returns to the console."""
    username = f"mod{short()}"
    assert admin_api.post("/api/staff", {"username": username, "password": MOD_PASSWORD,
                                         "role": "moderator"}).status_code == 201
    slug = new_event_api(admin_api, [], [username])
    target = f"/studio/events/{slug}/moderate"
    page = browser.new_context().new_page()
    page.goto(f"{server.base}{target}")
    page.wait_for_url(lambda url: "/studio/login" in url)
    assert page.url == f"{server.base}/studio/login?next={target}"
    assert page.locator("#queue").count() == 0
    # a wrong password is refused in place
    page.fill("#username", username)
    page.fill("#password", "not-the-password")
    page.click("#login-submit")
    page.locator("#login-error", has_text="用户名或密码错误").wait_for(timeout=WAIT)
    # the right one goes back to the console
    page.fill("#password", MOD_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"**{target}")
    page.locator("#queue").wait_for(state="attached", timeout=WAIT)
