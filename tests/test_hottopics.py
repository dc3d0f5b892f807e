"""Hot-topic grouping on constructed messages (pure)."""

from __future__ import annotations

from studio import hottopics
from studio.hottopics import Item, hot, labels, pair_scores, topics

SCHOOL = [
    ("幸福路小学门口早晚高峰严重拥堵", "每天早上七点半幸福路小学门口接送孩子的车堵成一片，希望交警在幸福路小学门口安排疏导。"),
    ("幸福路小学门口上学时段堵车", "幸福路小学门口上学放学时段车辆乱停，堵车严重，孩子过马路很危险。"),
    ("请治理幸福路小学门口的交通拥堵", "幸福路小学门口早晚高峰拥堵，家长的车乱停乱放，请交警疏导。"),
    ("幸福路小学放学时门口拥堵不堪", "下午放学时幸福路小学门口拥堵不堪，接送车辆占道，请安排交警。"),
]
DUMP = [
    ("望江小区垃圾站臭味熏天", "望江小区东门的垃圾站夏天臭味熏天，垃圾好几天才清运一次，居民窗户都不敢开。"),
    ("望江小区东门垃圾站清运不及时", "望江小区东门垃圾站的垃圾清运不及时，臭味大，蚊蝇多，请环卫部门处理。"),
]
OTHERS = [
    ("新生儿医保怎么办理", "孩子刚出生，想问新生儿医保在哪里办理，需要带什么材料？"),
    ("建议延长市图书馆开放时间", "市图书馆晚上六点就关门，上班族没时间去，建议周末和晚上延长开放时间。"),
    ("公积金贷款额度怎么计算", "想用公积金贷款买房，请问贷款额度是怎么计算的，和缴存年限有关吗？"),
]


def items() -> list[Item]:
    """The constructed messages, one day apart, the school's with +1s."""
    found = []
    for number, (title, text) in enumerate(SCHOOL + DUMP + OTHERS, start=1):
        supports = 5 if number <= len(SCHOOL) else 0
        found.append(Item("case", number, title, text, f"2026-03-{number:02d}T09:00:00+08:00", supports,
                          "交通局" if number <= len(SCHOOL) else None))
    return found


def test_messages_about_one_place_and_problem_group_together() -> None:
    """The school's messages form one group, the rubbish station's another, the rest stay apart."""
    found = labels(items())
    truth = [0] * len(SCHOOL) + [1] * len(DUMP) + [2 + i for i in range(len(OTHERS))]
    assert pair_scores(found, truth) == (1.0, 1.0, 1.0)


def test_topics_carry_their_figures_hottest_first() -> None:
    """Count, +1s, time span, units and a member's title; ranked by heat, hot ones only."""
    found = topics(items())
    school, dump = found[0], found[1]
    assert (school.count, school.supports, school.units) == (4, 20, ("交通局",))
    assert school.heat == 4 + hottopics.SUPPORT_WEIGHT * 20
    assert (school.first_at, school.last_at) == ("2026-03-01T09:00:00+08:00", "2026-03-04T09:00:00+08:00")
    assert school.title in [title for title, _ in SCHOOL] and dump.title in [title for title, _ in DUMP]
    assert [topic.count for topic in hot(found, 10)] == [4, 2]
    assert hot(found, 1) == [school] and topics([]) == []
    assert school.as_dict(items=False)["heat"] == school.heat and len(school.as_dict()["items"]) == 4


def test_pair_scores() -> None:
    """Pairwise precision and recall of a grouping against the truth."""
    assert pair_scores([0, 0, 1], [0, 0, 0]) == (1.0, 1 / 3, 0.5)
    assert pair_scores([0, 0, 0], [0, 0, 1])[0] == 1 / 3
