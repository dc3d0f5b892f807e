"""Demo content: units, staff, one live event with questions in every state, one upcoming,
one closed last week whose transcript is on the board with cases in several stages.

A demo store used again later is brought up to the present (:func:`prepare`):
every time in it moves by the same amount so that its live event runs now,
and board deadlines stay the same number of working days after routing.
``studio demo --reset`` removes it first (:func:`reset`) and seeds afresh.

All text here is written for the demo; nothing is taken from real citizens.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from moderation.lifecycle import Action
from studio.accounts import directory
from studio.accounts.directory import Staff
from studio.board import actions, duty, records, submissions, support
from studio.board.categories import load_taxonomy
from studio.board.life import CaseAction
from studio.board.workdays import add_working_days, is_working_day
from studio.cli.demo_archive import seed_archive
from studio.cli.demo_media import VIDEO_URL, seed_guest_photos
from studio.cli.demo_notify import seed_notifications
from studio.cli.demo_photos import seed_message_photos
from studio.cli.demo_supervision import SUPERVISOR, seed_supervision
from studio.clock import Clock
from studio.desk import wordlist
from studio.desk.screener import Screener
from studio.events import manage, questions, retract
from studio.store import meta, timeshift
from studio.store.cases import event_case_ids
from studio.store.database import Database
from studio.store.events import event_row
from studio.store.media import Media
from studio.store.staff import any_staff

DEMO_CREDENTIALS = "demo_credentials"
"""The ``meta`` key under which the demo keeps the staff passwords it made."""

LIVE_SLUG = "xiaozhao-2026"
"""The demo's live event: the one that must run now."""

UNITS = ["区人社局", "区教育局", "区交通运输局", "区住建局"]

CATEGORIES = [
    ["劳动和社会保障", "就业创业", "高校毕业生就业"],
    ["劳动和社会保障", "社会保险", "社保卡办理"],
    ["教育文体", "基础教育", "招生入学"],
    ["交通运输", "城市交通", "公交线路"],
    ["交通运输", "城市交通", "学校周边交通"],
    ["城乡建设", "住房保障", "租房补贴"],
]
"""A small demo category tree; a real board loads its own with ``studio import-categories``."""

STAFF: list[dict[str, Any]] = [
    {"username": "admin", "role": "admin", "display_name": "系统管理员"},
    {"username": "mod1", "role": "moderator", "display_name": "审核员小李"},
    {"username": "mod2", "role": "moderator", "display_name": "审核员小王"},
    {"username": "renshe", "role": "official", "unit": "区人社局", "display_name": "张建国", "title": "局长"},
    {"username": "jiaoyu", "role": "official", "unit": "区教育局", "display_name": "刘芳", "title": "副局长"},
    {"username": "jiaotong", "role": "official", "unit": "区交通运输局", "display_name": "陈立", "title": "局长"},
    SUPERVISOR,
]

QUESTIONS: list[dict[str, Any]] = [
    {"text": "今年区里的高校毕业生招聘会什么时候举办？外地院校的学生能参加吗？",
     "unit": "区人社局", "nickname": "应届生小周", "then": ["approve", "on_air", "answer"],
     "answer": "今年的秋季校园招聘会定在下月中旬，在区会展中心举办，外地院校学生凭学生证即可入场，"
               "我们还会同步开设线上专场。"},
    {"text": "毕业生租房补贴怎么申请？需要准备哪些材料？", "unit": "区人社局",
     "then": ["approve"]},
    {"text": "学校门口早晚高峰特别堵，能不能增设一个临时停车接送点？", "unit": "区交通运输局",
     "nickname": "家长", "then": ["approve"]},
    {"text": "新建的实验小学明年秋季能招生吗？学区怎么划分？", "unit": "区教育局",
     "then": ["approve"]},
    {"text": "实验小学门口早晚高峰接送孩子的车太多，堵得走不动，能不能安排交警疏导？",
     "unit": "区交通运输局", "nickname": "实验小学家长", "then": ["approve"]},
    {"text": "社区公交线路能不能延长到新开的产业园？", "nickname": "通勤族", "then": []},
    {"text": "我家老人社保卡丢了怎么补办？我的电话是13800001234，麻烦联系我。",
     "unit": "区人社局", "then": []},
    {"text": "买一送一，加微信领取优惠券！！！", "then": ["reject"]},
]


async def seed(db: Database, clock: Clock, media: Media | None = None) -> dict[str, str] | None:
    """Fill an empty store with the demo; returns the staff passwords, or ``None`` if not empty."""
    async with db.read() as conn:
        if await any_staff(conn):
            stored = await meta.value(conn, DEMO_CREDENTIALS)
            return json.loads(stored) if stored is not None else None
    now = clock.stamp()
    duty_units = [(await directory.create_unit(db, name, now))["id"] for name in UNITS]
    async with db.write() as tx:
        await load_taxonomy(tx, CATEGORIES)
    passwords: dict[str, str] = {}
    made: dict[str, Staff] = {}
    for spec in STAFF:
        password = secrets.token_urlsafe(9)
        passwords[spec["username"]] = password
        made[spec["username"]] = await directory.create_staff(db, password=password, at=now, **spec)
    today = clock.now().date()
    for n in range(7):  # a week of units on duty (轮值), two a day in turn
        day = (today + timedelta(days=n)).isoformat()
        await duty.set_day(db, made["admin"], day, {"units": [duty_units[n % 4], duty_units[(n + 1) % 4]]}, now)
    async with db.write() as tx:
        await meta.add_value(tx, DEMO_CREDENTIALS, json.dumps(passwords, ensure_ascii=False))
    admin = made["admin"]
    await seed_guest_photos(db, clock, admin)
    start = clock.now().replace(minute=0, second=0)
    live = await manage.create_event(db, clock, admin, {
        "slug": LIVE_SLUG,
        "title": "校招季·区长与职能部门负责人在线访谈",
        "description": "围绕高校毕业生就业、租房补贴、学校周边交通和新建学校招生，"
                       "区人社局、区教育局、区交通运输局负责人在线回答网友提问。",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "guests": ["renshe", "jiaoyu", "jiaotong"],
        "moderators": ["mod1", "mod2"],
        "video_url": VIDEO_URL,
        "agenda": "开场：主持人介绍嘉宾\n第一环节：就业与租房补贴（区人社局）\n第二环节：学校周边交通（区交通运输局）\n"
                  "第三环节：新建学校招生（区教育局）\n结束：未现场回答的问题转留言板限时办理",
    })
    await manage.create_event(db, clock, admin, {
        "slug": "shishi-2026",
        "title": "十件民生实事怎么办·网友提问征集",
        "description": "明年的十件民生实事正在征集意见，欢迎网友提前提问，访谈当天由相关部门现场回答。",
        "starts_at": (start + timedelta(days=3)).isoformat(),
        "ends_at": (start + timedelta(days=3, hours=2)).isoformat(),
        "guests": ["jiaotong", "jiaoyu"],
        "moderators": ["mod1"],
    })
    await manage.open_event(db, clock, admin, live["slug"])
    await manage.post_message(db, clock, made["mod1"], live["slug"],
                              {"text": "各位网友好，本场在线访谈现在开始，欢迎踊跃提问！"})
    async with db.read() as conn:
        unit_ids = {u["name"]: u["id"] for u in await directory.list_units(conn)}
    await wordlist.seed_defaults(db, now)
    screener = Screener(db)
    await seed_questions(db, clock, screener, made, unit_ids, live["slug"], QUESTIONS)
    await seed_past_event(db, clock, screener, made, unit_ids, start)
    await seed_archive(db, clock)
    await seed_board(db, clock, screener, made, unit_ids)
    await seed_notifications(db, clock, screener, made, unit_ids)
    if media is not None:
        await seed_message_photos(db, media, clock, screener, made["mod1"], unit_ids, live["slug"])
    await screener.stop()
    return passwords


@dataclass(frozen=True, slots=True)
class Demo:
    """What ``studio demo`` found in the store, or made there."""

    passwords: dict[str, str] | None
    """The staff passwords; ``None`` when the store holds something other than the demo."""
    moved: timedelta | None = None
    """How far an existing demo's times were moved so that its live event runs now."""


async def prepare(db: Database, clock: Clock, media: Media | None = None) -> Demo:
    """Seed an empty store (its photos into ``media``); bring an existing demo up to now; leave any
    other store alone."""
    passwords = await seed(db, clock, media)
    if passwords is None:
        return Demo(None)
    return Demo(passwords, await bring_to_now(db, clock))


async def bring_to_now(db: Database, clock: Clock) -> timedelta | None:
    """Move every time of the demo by one amount so that its live event starts this hour.

    ``None`` when the live event already runs now (or is missing). Everything
    moves together — events (the upcoming one stays ahead, last week's stays
    behind), questions, messages, the board's cases — except what is real:
    staff sessions, the holiday calendar and the audit log. Each deadline stays
    the end of the same number of working days after its case's routing.
    """
    now = clock.now()
    async with db.read() as conn:
        event = await event_row(conn, LIVE_SLUG)
    if event is None:
        return None
    starts, ends = clock.parse(event["starts_at"]), clock.parse(event["ends_at"])
    if starts <= now < ends:
        return None
    delta = now.replace(minute=0, second=0) - starts
    async with db.write() as tx:
        holidays, workdays = await records.calendar(tx)
        due_rows = await timeshift.deadlines(tx)
        await timeshift.shift_times(tx, delta)
        for row in due_rows:
            routed = clock.parse(row["routed_at"]) if row["routed_at"] else None
            due = moved_deadline(clock.parse(row["due"]), routed, delta, holidays, workdays)
            await timeshift.set_deadline(tx, row["tbl"], row["col"], row["row_id"], due.isoformat())
    return delta


def moved_deadline(due: datetime, routed: datetime | None, delta: timedelta,
                   holidays: frozenset[date], workdays: frozenset[date]) -> datetime:
    """A deadline moved with its case: as many working days after the moved routing as it was
    after the routing, at the same time of day (without a routing time: moved by ``delta``)."""
    if routed is None or due.date() < routed.date():
        return due + delta
    span = (due.date() - routed.date()).days
    days = sum(1 for k in range(1, span + 1)
               if is_working_day(routed.date() + timedelta(days=k), holidays, workdays))
    day = add_working_days((routed + delta).date(), days, holidays, workdays)
    return due.replace(year=day.year, month=day.month, day=day.day)


def describe(delta: timedelta) -> str:
    """How far the demo's times moved, e.g. 后移 2 天 3 小时 or 前移 5 小时."""
    days, hours = divmod(round(abs(delta).total_seconds() / 3600), 24)
    span = " ".join(part for part in (f"{days} 天" if days else "", f"{hours} 小时" if hours else "") if part)
    return f"{'后移' if delta > timedelta(0) else '前移'} {span or '不到 1 小时'}"


def reset(path: str, media: Path | None = None) -> bool:
    """Remove the demo store at ``path`` (with its WAL files and its ``media`` folder) so that it is
    seeded afresh.

    False, removing nothing, when the file holds something other than the demo
    (staff of its own, or not a store at all); a missing file is already reset.
    """
    if not Path(path).exists():
        return True
    if not asyncio.run(holds_the_demo(path)):
        return False
    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    if media is not None:
        shutil.rmtree(media, ignore_errors=True)
    return True


async def holds_the_demo(path: str) -> bool:
    """Whether the store at ``path`` holds the demo or nothing at all (no staff)."""
    db = Database(path)
    try:
        await db.open()
        try:
            async with db.read() as conn:
                return await meta.value(conn, DEMO_CREDENTIALS) is not None or not await any_staff(conn)
        finally:
            await db.close()
    except sqlite3.DatabaseError:
        return False


OFFICIAL_OF = {"区人社局": "renshe", "区教育局": "jiaoyu", "区交通运输局": "jiaotong"}


async def seed_questions(db: Database, clock: Clock, screener: Screener, made: dict[str, Staff],
                         unit_ids: dict[str, int], slug: str,
                         specs: list[dict[str, Any]]) -> dict[str, questions.Receipt]:
    """Ask each question and take it through its ``then`` steps; the receipts by text."""
    receipts: dict[str, questions.Receipt] = {}
    for spec in specs:
        receipt = await questions.ask(db, clock, slug=slug, max_chars=2000, body={
            "text": spec["text"], "unit": unit_ids.get(spec.get("unit", "")),
            "nickname": spec.get("nickname", ""), "client_key": str(uuid.uuid4()),
        }, screener=screener)
        receipts[spec["text"]] = receipt
        version = 1
        for step in spec["then"]:
            if step == "retract":
                await retract.retract(db, clock.stamp(), receipt.tracking_code)
                continue
            actor = made["mod1"] if step in ("approve", "reject") else made[OFFICIAL_OF[spec["unit"]]]
            body: dict[str, Any] = {"version": version}
            if step == "reject":
                body["reason"] = "ads"
            if step == "answer":
                body["text"] = spec["answer"]
            if step == "correct":
                body["text"] = spec["correction"]
            result = await questions.act(db, clock, actor, receipt.question_id, Action(step), body,
                                         max_chars=2000)
            version = result["version"]
    return receipts


PAST_QUESTIONS: list[dict[str, Any]] = [
    {"text": "灵活就业人员的社保怎么缴？断缴几个月会影响医保报销吗？", "unit": "区人社局",
     "nickname": "自由职业者", "then": ["approve", "on_air", "answer"],
     "answer": "灵活就业人员可以在区政务服务中心或线上平台以个人身份参保，按月或按季缴费。"
               "医保断缴后补缴当月起恢复待遇，断缴超过三个月的，需要重新计算等待期，建议尽快续缴。"},
    {"text": "公交12路能不能在地铁站加一个站点，换乘太远了。", "unit": "区交通运输局",
     "nickname": "上班族", "then": ["approve", "on_air", "answer", "correct"],
     "answer": "这个建议很好。我们已经会同公交公司踏勘现场，计划下月在地铁站西口增设临时站点，"
               "试运行一个月后根据客流确定是否固定下来。",
     "correction": "这个建议很好。我们已经会同公交公司踏勘现场，计划下月在地铁站东口增设临时站点，"
                   "试运行一个月后根据客流确定是否固定下来。（更正：站点在东口，不是西口）"},
    {"text": "区里的职业技能培训补贴今年还有吗？怎么报名？", "unit": "区人社局",
     "then": ["approve"]},
    {"text": "学校周边的违停太多了，早上送孩子车都开不进去。", "unit": "区交通运输局",
     "nickname": "家长", "then": ["approve"]},
    {"text": "幼儿园的延时托管什么时候能推开？双职工家庭接孩子太难了。", "unit": "区教育局",
     "then": ["approve"]},
    {"text": "小区门口的井盖松了，踩上去会晃。（写错了小区名，提问人撤回了）", "unit": "区交通运输局",
     "nickname": "老住户", "then": ["retract"]},
]


async def seed_past_event(db: Database, clock: Clock, screener: Screener, made: dict[str, Staff],
                          unit_ids: dict[str, int], start: Any) -> None:
    """A closed event from last week: two questions answered live (board posts), three left for
    the board as cases — one replied and rated by its asker, one rated 不满意 and urged by the
    supervision group, one waiting, two with 同问 and one with a netizen's message merged into
    it — and one its asker retracted before review."""
    admin = made["admin"]
    past = await manage.create_event(db, clock, admin, {
        "slug": "wenjiuye-2026",
        "title": "稳就业·惠民生——区职能部门在线访谈",
        "description": "就灵活就业社保、职业技能培训、公交站点和学校周边交通、幼儿园托管等问题，"
                       "区人社局、区交通运输局、区教育局负责人在线回答网友提问。",
        "starts_at": (start - timedelta(days=7)).isoformat(),
        "ends_at": (start - timedelta(days=7) + timedelta(hours=2)).isoformat(),
        "guests": ["renshe", "jiaoyu", "jiaotong"],
        "moderators": ["mod1"],
    })
    await manage.open_event(db, clock, admin, past["slug"])
    receipts = await seed_questions(db, clock, screener, made, unit_ids, past["slug"], PAST_QUESTIONS)
    await manage.close_event(db, clock, admin, past["slug"])
    async with db.read() as conn:
        event = await event_row(conn, past["slug"])
        case_of = await event_case_ids(conn, event["id"])
    training = receipts[PAST_QUESTIONS[2]["text"]]
    training_case = case_of[training.question_id]
    await actions.act(db, clock, made["renshe"], training_case, CaseAction.ACCEPT, {})
    await actions.act(db, clock, made["renshe"], training_case, CaseAction.REPLY, {
        "text": "今年的职业技能培训补贴继续实施，面向登记失业人员、农村转移劳动力和高校毕业生。\n"
                "报名方式：在区人社局公众号“技能培训”栏目选择课程，或到各街道人社服务站现场报名，"
                "培训合格取得证书后按规定申领补贴。"})
    await actions.rate(db, clock, training_case, {"code": training.rating_code, "rating": "satisfied"})
    parking = receipts[PAST_QUESTIONS[3]["text"]]
    parking_case = case_of[parking.question_id]
    await actions.act(db, clock, made["jiaotong"], parking_case, CaseAction.ACCEPT, {})
    await seed_supervision(db, clock, made["jiaotong"], made["ducha"], parking_case, parking.rating_code)
    await seed_supports(db, clock, screener, made["mod1"], parking_case,
                        case_of[receipts[PAST_QUESTIONS[4]["text"]].question_id])


MERGED_TEXT = "学校门口早上违停严重，送孩子的车根本开不进去，能不能管一管？"
"""A netizen's message that repeats last week's parking case: the demo merges it into that case."""


async def seed_supports(db: Database, clock: Clock, screener: Screener, moderator: Staff,
                        parking_case: int, kindergarten_case: int) -> None:
    """同问 on two of last week's cases from demo viewers, and a netizen's near-duplicate board
    message merged into the parking case (its asker follows that case with their own codes)."""
    for case_id, count in ((parking_case, 6), (kindergarten_case, 3)):
        for n in range(count):
            await support.support(db, clock, case_id, f"v:demo-{case_id}-{n}")
    receipt, _ = await submissions.submit(db, clock, screener, {
        "text": MERGED_TEXT, "nickname": "接娃家长", "client_key": str(uuid.uuid4())}, max_chars=2000)
    await submissions.decide(db, clock, moderator, receipt["submission_id"], "merge",
                             {"case": parking_case}, max_chars=2000)


BOARD_SUBMISSIONS: list[dict[str, Any]] = [
    {"text": "小区旁边的幼儿园放学时段没有交通协管员，孩子过马路很危险，希望能安排。",
     "unit": "区交通运输局", "nickname": "宝妈", "approve": True},
    {"text": "新建小区的配套小学什么时候开工？", "unit": "区教育局", "approve": True},
    {"text": "实验小学门口放学时段堵车严重，接送的车辆乱停，孩子过马路很危险。", "unit": "区交通运输局",
     "nickname": "路过的居民", "approve": True},
    {"text": "楼下烧烤店油烟太大，晚上十二点还很吵。", "nickname": "业主", "approve": False},
    {"text": "12 路公交末班车太早了，晚上加班回家已经没车，能不能延长到十点半？", "nickname": "加班族",
     "approve": True},
]


async def seed_board(db: Database, clock: Clock, screener: Screener, made: dict[str, Staff],
                     unit_ids: dict[str, int]) -> None:
    """Board demo: netizens' direct submissions, most approved and routed, one waiting for review."""
    for spec in BOARD_SUBMISSIONS:
        receipt, _ = await submissions.submit(db, clock, screener, {
            "text": spec["text"], "unit": unit_ids.get(spec.get("unit", "")),
            "nickname": spec.get("nickname", ""), "client_key": str(uuid.uuid4()),
        }, max_chars=2000)
        if spec["approve"]:
            await submissions.decide(db, clock, made["mod1"], receipt["submission_id"], "approve", {},
                                     max_chars=2000)
