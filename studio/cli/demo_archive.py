"""The demo board's archive: earlier messages, categorised, routed and replied (written for the demo).

Imported the way ``studio import-board`` brings in a real board's archive, they
are what the demo's routing suggestions learn from.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from studio.board.importer import import_board
from studio.clock import Clock
from studio.store.database import Database

ARCHIVE: list[tuple[str, str, str, str, str]] = [
    # (category path, unit, title, text, reply)
    ("劳动和社会保障/就业创业/高校毕业生就业", "区人社局", "应届毕业生就业见习补贴怎么申请",
     "我是今年的应届毕业生，听说参加就业见习有补贴，请问去哪里报名，补贴标准是多少？",
     "就业见习补贴按见习单位所在地最低工资标准的 80% 发放，见习单位在区人社局公众号统一发布，报名后由单位按月申领。"),
    ("劳动和社会保障/就业创业/高校毕业生就业", "区人社局", "毕业生档案放在哪里",
     "毕业两年了一直没找到工作，档案还在学校，请问应该转到哪里？以后找工作会不会受影响？",
     "未就业毕业生的档案可转至区人才服务中心免费保管，持报到证和身份证到区政务中心人社窗口办理。"),
    ("劳动和社会保障/社会保险/社保卡办理", "区人社局", "社保卡丢了怎么补办",
     "上周把社保卡弄丢了，医院看病要用，请问补办需要多久，能不能在手机上办？",
     "社保卡可在“社保服务”小程序挂失并申请补办，也可到合作银行网点即时制卡，当场领取。"),
    ("劳动和社会保障/社会保险/社保卡办理", "区人社局", "跑外卖没有单位怎么交社保",
     "我现在跑外卖，没有单位，想自己交养老保险和医疗保险，请问在哪里办理，每月交多少？",
     "灵活就业人员可在社保服务小程序登记参保，缴费基数可在规定范围内自选，按月或按季度缴纳。"),
    ("教育文体/基础教育/招生入学", "区教育局", "小学入学需要哪些材料",
     "孩子明年上小学，户口和房产都在本区，请问报名要准备哪些材料，什么时候开始报名？",
     "小学一年级报名一般在每年 5 月，需准备户口簿、房产证明和儿童预防接种证，具体以区教育局招生公告为准。"),
    ("教育文体/基础教育/招生入学", "区教育局", "随迁子女入学积分怎么算",
     "我们是外地来这里打工的，孩子想在这边读初中，积分入学的分数是怎么计算的？",
     "随迁子女入学积分由居住年限、社保缴纳年限和就业情况三部分组成，细则见区教育局官网招生专栏。"),
    ("交通运输/城市交通/公交线路", "区交通运输局", "希望增开到工业园的公交",
     "工业园上下班时间只有一趟公交，每天都挤不上去，能不能增开班次或者新开一条线路？",
     "已安排公交公司在早晚高峰加密该线路班次，发车间隔由 20 分钟缩短为 10 分钟，并研究新开园区专线。"),
    ("交通运输/城市交通/公交线路", "区交通运输局", "公交站台没有遮雨棚",
     "滨河路公交站台没有遮雨棚，下雨天等车全身都湿了，老人小孩很不方便，希望加装。",
     "滨河路站已列入今年站台改造计划，将加装雨棚和座椅，预计三季度完工。"),
    ("交通运输/城市交通/学校周边交通", "区交通运输局", "学校门口上下学太堵",
     "实验小学门口每天放学时接孩子的车停满路边，堵得走不动，孩子过马路也很危险。",
     "已会同交警在学校周边设置临时停车接送区，并在上下学时段安排协管员疏导交通。"),
    ("交通运输/城市交通/学校周边交通", "区交通运输局", "学校附近需要斑马线和红绿灯",
     "中学门口的马路车速很快，没有斑马线也没有红绿灯，学生过马路太危险了。",
     "经现场勘查，将在中学门口增设人行横道和信号灯，并设置减速带和限速标志。"),
    ("城乡建设/住房保障/租房补贴", "区住建局", "新就业大学生租房补贴",
     "刚来本区工作的大学生可以申请租房补贴吗？需要满足什么条件，每月能补多少？",
     "新就业大学生在本区缴纳社保且无自有住房的，可申请三年租房补贴，本科每月 800 元，申请入口在区住建局官网。"),
    ("城乡建设/住房保障/租房补贴", "区住建局", "公租房申请进度怎么查",
     "去年申请了公租房，一直没有消息，请问在哪里可以查询审核进度，还要等多久？",
     "公租房申请进度可在区住建局官网“住房保障”栏目查询，轮候家庭按登记顺序配租。"),
]


async def seed_archive(db: Database, clock: Clock) -> None:
    """Import the archive as replied cases of the last weeks (a day apart, replied two days later)."""
    start = clock.now().replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=40)
    records: list[dict[str, Any]] = []
    for index, (category, unit, title, text, reply) in enumerate(ARCHIVE):
        asked: datetime = start + timedelta(days=2 * index)
        records.append({"id": index + 1, "title": title, "text": text, "category": category, "unit": unit,
                        "submitted_at": asked.isoformat(), "reply": reply,
                        "replied_at": (asked + timedelta(days=2)).isoformat()})
    await import_board(db, clock, records, source="demo-archive")
