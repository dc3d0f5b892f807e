"""axe-core in Debian's Chromium: no critical or serious violation on any public or staff page,
in the light colour scheme and emulating ``prefers-color-scheme: dark``.

axe-core comes from npm (``scripts/install --test`` puts it in ``node_modules/``);
it is injected into each page after the page has drawn its live parts, and
every violation of impact ``critical`` or ``serious`` is listed when one is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from support.browser import PHONE_VIEWPORT
from support.clients import Studio
from support.servers import ADMIN_PASSWORD, STAFF_PASSWORD
from support.supervision import make_overdue, supervisor

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WAIT = 10_000
SEVERE = ("critical", "serious")
SCHEMES = ("light", "dark")

RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
}"""


SETTLED = "() => document.getAnimations().every((a) => a instanceof CSSAnimation || a.playState !== 'running')"
"""No CSS transition is running (the live dot's endless pulse is an animation, not a transition)."""

Step = tuple[str, ...]
"""``("click", selector)``, ``("fill", selector, text)``, ``("press", key)`` or ``("wait", selector)``."""


@dataclass
class Page:
    """A page to check: its path, who signs in (``None``: nobody), what shows once it has drawn,
    and the states to check after it (each a list of steps, checked once its steps are done)."""

    path: str
    user: str | None = None
    ready: str = "main"
    phone: bool = False
    states: list[list[Step]] = field(default_factory=list)


@dataclass
class Site:
    """The pages of a studio with content in every state, by name."""

    pages: dict[str, Page] = field(default_factory=dict)


def approve(studio: Studio, slug: str, asked: dict[str, Any]) -> dict[str, Any]:
    answer = studio.mod1.act(studio.question(slug, asked["question_id"]), "approve")
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def answer(studio: Studio, slug: str, asked: dict[str, Any], text: str) -> None:
    on_air = studio.guest1.act(approve(studio, slug, asked), "on-air")
    assert on_air.status_code == 200, on_air.text
    assert studio.guest1.act(on_air.json(), "answer", text=text).status_code == 200


def build(studio: Studio) -> Site:
    """A live event (waiting, on air, answered, transferred, pending, rejected questions and a host
    message), a scheduled one, a closed one whose cases wait for the unit or are replied, a direct
    submission waiting for review and one waiting for routing."""
    unit = studio.units["人社局"]
    live = studio.new_event()
    assert studio.admin.client.patch(f"/api/events/{live}", headers={"X-CSRF-Token": studio.admin.csrf}, json={
        "video_url": "https://tv.example.cn/player?id=1", "agenda": "开场\n网友提问"}).status_code == 200
    waiting = studio.ask(live, "招聘会外地学生能参加吗？", nickname="应届生", unit=unit)
    approve(studio, live, waiting)
    answer(studio, live, studio.ask(live, "租房补贴怎么申请？", unit=unit), "登录人社服务平台即可申请。")
    transferred = approve(studio, live, studio.ask(live, "社保卡丢了怎么补办？", unit=unit))
    for text in ("滨河路公交站台没有遮雨棚，下雨天等车全身湿透，希望加装遮雨棚。",
                 "滨河路公交站台下雨天没地方躲雨，能不能加装遮雨棚？"):  # a hot topic of the week
        approve(studio, live, studio.ask(live, text, unit=unit))
    assert studio.guest1.act(transferred, "transfer", unit=unit).status_code == 200
    studio.guest1.act(approve(studio, live, studio.ask(live, "技能培训补贴还有吗？", unit=unit)), "on-air")
    studio.ask(live, "我的电话13912345678，小区停水三天了")
    rejected = studio.ask(live, "加微信领优惠券")
    studio.mod1.act(studio.question(live, rejected["question_id"]), "reject", reason="ads")
    assert studio.mod1.post(f"/api/events/{live}/messages", {"text": "欢迎各位网友提问。"}).status_code == 201

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert studio.admin.client.put(f"/api/board/duty/{today}", json={"units": [unit]},
                                   headers={"X-CSRF-Token": studio.admin.csrf}).status_code == 200
    scheduled = studio.new_event(open_it=False)
    studio.ask(scheduled, "明年的实事项目有哪些？")

    closed = studio.new_event()
    live_answer = studio.ask(closed, "公交12路能加站吗？", unit=unit)
    answer(studio, closed, live_answer, "下月起增设临时站点。")
    left = studio.ask(closed, "就业补贴怎么申请？", unit=unit)
    approve(studio, closed, left)
    training = studio.ask(closed, "职业培训在哪里报名？", unit=unit)
    approve(studio, closed, training)
    assert studio.admin.post(f"/api/events/{closed}/close").status_code == 200
    with studio.server.http() as client:
        case_id = client.get(f"/api/track/{left['tracking_code']}").json()["case"]["id"]
        post_id = client.get(f"/api/track/{live_answer['tracking_code']}").json()["case"]["id"]
        urged_id = client.get(f"/api/track/{training['tracking_code']}").json()["case"]["id"]
        submitted = client.post("/api/board/submissions", json={
            "text": "建议延长夜间公交运营时间", "client_key": "a11y-submission-1"})
        assert submitted.status_code == 201, submitted.text
        board_code = submitted.json()["tracking_code"]
        routed = client.post("/api/board/submissions", json={
            "text": "小区门口的路灯坏了", "client_key": "a11y-submission-2"}).json()["submission_id"]
    assert studio.mod1.post(f"/api/board/submissions/{routed}/approve").status_code == 200
    assert studio.guest1.post(f"/api/board/cases/{case_id}/accept").status_code == 200
    assert studio.guest1.post(f"/api/board/cases/{case_id}/reply",
                              {"text": "毕业两年内可申请就业补贴。"}).status_code == 200
    make_overdue(studio, urged_id)
    assert supervisor(studio).post(f"/api/board/cases/{urged_id}/urge", {"text": "请尽快答复"}).status_code == 201

    site = Site()
    asked = [("fill", "#ask-text", "图书馆周末开放吗？"), ("fill", "#ask-nickname", "读者"),
             ("click", "#ask-submit"), ("wait", "#ask-result .ask-result-title")]
    with studio.server.http() as client:  # the week's topics grouped once, so the board shows them
        assert client.get("/api/board/topics").json()["topics"]
    public = {
        "home": Page("/"),
        "live event": Page(f"/events/{live}", ready="#on-air .on-air-card", states=[
            [("click", "#ask-submit"), ("wait", "#ask-error")], asked]),
        "live event on a phone": Page(f"/events/{live}", ready="#on-air .on-air-card", phone=True, states=[
            [("click", "#tab-answered"), ("wait", "#answered .qa")], [("click", "#tab-mine")],
            [("click", "[data-elder-toggle]"), ("wait", "html.elder")],
            [("click", "#tab-ask"), *asked], [("click", "#tab-mine"), ("wait", "#my-questions .my-item")]]),
        "scheduled event": Page(f"/events/{scheduled}", ready="#ask-form"),
        "closed event (transcript)": Page(f"/events/{closed}", states=[[("click", "[data-elder-toggle]")]]),
        "question tracking": Page(f"/track/{waiting['tracking_code']}", ready=".track-body", states=[[
            ("click", "#contact-verify summary"), ("fill", "#contact-code", "12"), ("click", "#contact-submit"),
            ("wait", "#contact-error")]]),
        "board": Page("/board", ready="#hot-topics"),
        "board: new": Page("/board/new", states=[[
            ("fill", "#ask-text", "建议在菜市场门口增设公交站"), ("click", "#ask-submit"), ("wait", "#receipt")]]),
        "board: case": Page(f"/board/cases/{case_id}", states=[[
            ("fill", "#rating-code", "WRONG123"), ("click", 'input[name="rating"][value="satisfied"]'),
            ("click", "#rating-submit"), ("wait", "#rating-form .form-error")]]),
        "board: search": Page("/board?q=公交"),
        "board: a post answered live": Page(f"/board/cases/{post_id}"),
        "board: ranking": Page("/board/ranking"),
        "board: tracking": Page(f"/board/track/{board_code}"),
        "big screen": Page(f"/events/{live}/screen", ready="#screen-stage .stage-question"),
        "embedded feed": Page(f"/events/{live}/embed", ready="#embed-answered li"),
        "error page": Page("/events/no-such-event"),
        "audit chain": Page("/audit", states=[[
            ("fill", "#check-entry", "1"), ("fill", "#check-hash", "0" * 64), ("click", "#audit-check"),
            ("wait", "#audit-result")]]),
        "privacy": Page("/privacy"),
        "staff login": Page("/studio/login", states=[[
            ("fill", "#username", "mod1"), ("fill", "#password", "wrong-password"),
            ("click", "#login-submit"), ("wait", "#login-error")]]),
    }
    staff = {
        "studio home (admin pages)": Page("/studio/", "admin", "#admin", states=[
            [("click", '[data-event-action="edit"]'), ("wait", ".event-edit-form")],
            [("click", '[data-staff-action="reset"]'), ("wait", ".reset-form")]]),
        "studio home (moderator)": Page("/studio/", "mod1"),
        "studio home (official)": Page("/studio/", "guest1"),
        "moderation desk": Page(f"/studio/events/{live}/moderate", "mod1", "#queue .q-item", states=[
            [("press", "?"), ("wait", "#help .help-close")], [("press", "Escape"), ("press", "j"), ("press", "r")]]),
        "official console": Page(f"/studio/events/{live}/answer", "guest1", "#on-air .on-air-console-card"),
        "board console (unit)": Page("/studio/board", "guest1"),
        "board console (moderator)": Page("/studio/board", "mod1"),
        "board console (admin)": Page(f"/studio/board?unit={unit}", "admin"),
        "audit log": Page(f"/studio/events/{live}/audit", "admin"),
        "lexicon": Page("/studio/lexicon", "admin"),
        "rejection reasons": Page("/studio/reasons", "admin"),
        "holiday calendar": Page("/studio/calendar", "admin"),
        "supervision console": Page("/studio/supervision", "sup1", "#supervision-cases .sv-case"),
        "supervision report": Page("/studio/supervision/report", "sup1", "#report-table"),
        "notifications outbox": Page("/studio/notifications", "admin"),
        "hot topics": Page("/studio/topics", "mod1", "#topics-chart"),
        "refusal page": Page("/studio/lexicon", "mod1"),
    }
    site.pages.update(public)
    site.pages.update(staff)
    return site


PUBLIC_PAGES = ["home", "live event", "live event on a phone", "scheduled event", "closed event (transcript)",
                "question tracking", "board", "board: new", "board: case", "board: search",
                "board: a post answered live", "board: ranking", "board: tracking", "big screen", "embedded feed",
                "error page", "staff login", "audit chain", "privacy"]
STAFF_PAGES = ["studio home (admin pages)", "studio home (moderator)", "studio home (official)",
               "moderation desk", "official console", "board console (unit)", "board console (moderator)",
               "board console (admin)", "audit log", "lexicon", "rejection reasons", "holiday calendar",
               "refusal page", "supervision console", "supervision report", "notifications outbox",
               "hot topics"]


@pytest.fixture(scope="module")
def site(studio: Studio) -> Site:
    """The studio filled once for every page of this module."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed; scripts/install --test installs it with npm")
    return build(studio)


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser context per page in a colour scheme (CSP bypassed so that axe can be injected)."""
    made: list[Any] = []

    def make(phone: bool, scheme: str) -> Any:
        options: dict[str, Any] = {"bypass_csp": True, "timezone_id": "Asia/Shanghai", "color_scheme": scheme}
        options.update({"viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True} if phone
                       else {"viewport": {"width": 1280, "height": 900}})
        made.append(browser.new_context(**options))
        return made[-1]

    yield make
    for one in made:
        one.close()


def severe_violations(page: Any) -> list[dict[str, Any]]:
    """The critical and serious axe-core violations of the page as it is now, once its colour
    transitions have ended (switching the elderly mode in the dark scheme fades every button's
    colours, and axe must not measure them halfway)."""
    page.wait_for_function(SETTLED, timeout=WAIT)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in SEVERE]


def listing(violations: list[dict[str, Any]]) -> str:
    """One line per element: the rule, its impact, the element and what to fix."""
    lines = []
    for v in violations:
        for node in v["nodes"]:
            summary = " ".join(node["summary"].split())
            lines.append(f"  {v['id']} ({v['impact']}): {node['target']} — {summary}")
    return "\n".join(lines)


def check(studio: Studio, context: Any, page_spec: Page, scheme: str) -> None:
    ctx = context(page_spec.phone, scheme)
    if page_spec.user:
        password = ADMIN_PASSWORD if page_spec.user == "admin" else STAFF_PASSWORD
        signed = ctx.request.post(f"{studio.server.base}/api/login",
                                  data={"username": page_spec.user, "password": password})
        assert signed.ok, signed.text()
    page = ctx.new_page()
    page.goto(studio.server.base + page_spec.path)
    page.locator(page_spec.ready).first.wait_for(timeout=WAIT)
    page.wait_for_load_state("networkidle")
    found = {"as loaded": severe_violations(page)}
    for steps in page_spec.states:
        for step in steps:
            act(page, step)
        found[" → ".join(" ".join(step) for step in steps)] = severe_violations(page)
    report = "\n".join(f"{page_spec.path} ({scheme}) {state}:\n{listing(v)}" for state, v in found.items() if v)
    assert not report, report


def act(page: Any, step: Step) -> None:
    kind, *args = step
    if kind == "click":
        page.click(args[0])
    elif kind == "fill":
        page.fill(args[0], args[1])
    elif kind == "press":
        page.keyboard.press(args[0])
    else:
        page.locator(args[0]).first.wait_for(timeout=WAIT)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_no_serious_violations(studio: Studio, site: Site, context: Any, name: str,
                                                 scheme: str) -> None:
    """A public page, as a netizen sees it in either colour scheme, has no critical or serious axe-core violation."""
    check(studio, context, site.pages[name], scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_staff_pages_have_no_serious_violations(studio: Studio, site: Site, context: Any, name: str,
                                                scheme: str) -> None:
    """A staff page, signed in with the role that works on it, in either colour scheme, has no critical or serious violation."""
    check(studio, context, site.pages[name], scheme)


def test_every_page_is_checked(site: Site) -> None:
    """The lists the tests run over name every page the site builds."""
    assert sorted(PUBLIC_PAGES + STAFF_PAGES) == sorted(site.pages)


def test_the_stylesheet_sizes_text_in_rem() -> None:
    """No font size in app.css is fixed in px or pt, so the browser's text size setting applies."""
    css = (Path(__file__).resolve().parents[2] / "static" / "app.css").read_text(encoding="utf-8")
    fixed = re.findall(r"font(?:-size)?\s*:[^;}]*\d(?:px|pt)\b[^;}]*", css)
    assert fixed == []


def test_a_larger_browser_text_size_scales_the_pages(browser: Any, studio: Studio, site: Site) -> None:
    """With the browser's default text size at 24px instead of 16px, text on public and staff pages grows by half."""
    sizes = "() => ['body', 'h1', '.brand', 'footer p'].map((s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"

    def measure(standard: int) -> list[list[float]]:
        page = browser.new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": standard, "fixed": standard}})
        found = []
        for name in ("home", "live event", "board: case", "staff login"):
            page.goto(studio.server.base + site.pages[name].path)
            found.append(page.evaluate(sizes))
        page.context.close()
        return found

    normal, larger = measure(16), measure(24)
    for before, after in zip(normal, larger, strict=True):
        assert after == [size * 1.5 for size in before]
