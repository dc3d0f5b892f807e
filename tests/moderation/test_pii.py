"""Personal-data detectors on text as people type it: positives and look-alikes."""

from __future__ import annotations

import pytest

from moderation.normalize import normalise
from moderation.pii import find_pii, id_check_character, luhn, valid_id15, valid_id18


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_pii(normalise(text))]


def luhn_complete(prefix: str) -> str:
    """The prefix with its Luhn check digit appended (written independently of the module)."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix + str((10 - total % 10) % 10)


# Valid 18-digit numbers, check characters computed by hand from GB 11643-1999.
VALID_IDS = ["11010519491231002X", "430102198506123011", "440304200002291236", "320583199307151529"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers(number: str) -> None:
    """Valid 18-digit IDs pass the check character and date rules."""
    assert valid_id18(number)
    assert id_check_character(number[:17]) == number[17].lower()


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character (should be X)
        "430102198506123012",  # wrong check digit
        "430102198502303013",  # 30 February
        "430102203001013015",  # born in the future
        "990102198506123011",  # no such province code
        "000000000000000000",
    ],
)
def test_invalid_id_numbers(number: str) -> None:
    """Wrong check characters, impossible dates and unknown provinces are not IDs."""
    assert not valid_id18(number)


def test_legacy_15_digit_id() -> None:
    """A 15-digit number with a real 19YYMMDD date is a legacy ID; a bad date is not."""
    assert valid_id15("430102850612301")
    assert not valid_id15("430102851312301")
    assert kinds("老身份证430102850612301还能用吗") == [("pii.id_number", "430102850612301")]


@pytest.mark.parametrize(
    "text, found",
    [
        ("我的身份证号是11010519491231002X，请核实", "11010519491231002X"),
        ("身份证号：１１０１０５１９４９１２３１００２Ｘ", "１１０１０５１９４９１２３１００２Ｘ"),
        ("身份证 430102 19850612 3011 办不了社保", "430102 19850612 3011"),
        ("证件号码440304\n200002291236，", "440304\n200002291236"),
        ("身份证320583199307151529。", "320583199307151529"),
    ],
)
def test_id_numbers_as_typed(text: str, found: str) -> None:
    """IDs are found in full-width digits, with spaces, and across a line break."""
    assert kinds(text) == [("pii.id_number", found)]


def details(text: str) -> list[tuple[str, str, str | None, str | None]]:
    return [(f.kind, f.text, f.suggestion, f.detail) for f in find_pii(normalise(text))]


@pytest.mark.parametrize(
    "text, found",
    [
        ("身份证110101199003074578办不了", "110101199003074578"),
        ("身份证号 110101 19900307 4578，", "110101 19900307 4578"),
        ("证件号110101-19900307-457X。", "110101-19900307-457X"),
        ("证件号１１０１０１１９９００３０７４５７ｘ", "１１０１０１１９９００３０７４５７ｘ"),
        ("编号430102198506123012", "430102198506123012"),
        ("身份证110 101 1990 0307 4578", "110 101 1990 0307 4578"),
        ("身份证11010119900307457 8", "11010119900307457 8"),
    ],
)
def test_mistyped_id_numbers_are_still_ids(text: str, found: str) -> None:
    """A number with a province code and a real birth date but the wrong check character is
    an ID number (whole, or split between its fields), its detail saying the check digit is off."""
    assert id_check_character("11010119900307457") == "3"  # so 4578 and 457X are both mistyped
    assert details(text) == [("pii.id_number", found, "[已隐去]", "check_digit")]


def test_correct_id_numbers_have_no_detail() -> None:
    """A valid ID, split or whole, is flagged without a check-digit detail."""
    assert details("110101 19900307 4573") == [("pii.id_number", "110101 19900307 4573", "[已隐去]", None)]
    assert details("110101-19900307-4573") == [("pii.id_number", "110101-19900307-4573", "[已隐去]", None)]


@pytest.mark.parametrize(
    "text",
    [
        "110101 203001 01 4578",  # born in the future
        "430102198502303013",  # 30 February
        "990102198506123011",  # no such province code
        "订单号 1101011 99003074578",  # split across the birth date: two numbers, not one ID
        "11010 1199003074578",
    ],
)
def test_numbers_shaped_wrong_are_not_mistyped_ids(text: str) -> None:
    """Without a province code and a real birth date, or cut inside a field, it is no ID number."""
    assert all(kind != "pii.id_number" for kind, _ in kinds(text))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("订单号：123456789012345678", []),  # 18 digits, no province code
        ("淘宝订单号 3376512345678901234 一直没发货", []),  # 19-digit order number
        ("订单编号201903071234567890", []),  # date-first order number
        ("拼多多订单 190307-123456789012345", []),
        ("顺丰单号SF1234567890123", []),
        ("中通快递单号 73100012345678", []),
        ("圆通YT1234567890123没有派送", []),
        ("EMS单号 1100000000000", []),
        ("时间戳1552000000000", []),
        ("时间 20190307123045", []),
        ("2019-03-07 12:30:45提交", []),
        ("1990年03月07日出生", []),
        ("2019年3月7日至2020年3月7日", []),
        ("13800138000 13900139000", [("pii.mobile", "13800138000"), ("pii.mobile", "13900139000")]),
        ("13800138000-13900139000", [("pii.mobile", "13800138000"), ("pii.mobile", "13900139000")]),
        ("电话13811019900 3074578", [("pii.mobile", "13811019900")]),  # a mobile and more digits
    ],
)
def test_id_look_alikes(text: str, expected: list[tuple[str, str]]) -> None:
    """Order and tracking numbers, timestamps, dates, card-length numbers and phone pairs are not IDs."""
    assert kinds(text) == expected


def test_card_length_numbers_stay_cards() -> None:
    """16- and 19-digit numbers passing Luhn are bank cards even with digits that read like a birth date."""
    card19 = luhn_complete("621700199003074578")
    card16 = luhn_complete("622848199003074")
    assert kinds(f"卡号{card19}") == [("pii.bank_card", card19)]
    assert kinds(f"卡号{card16}") == [("pii.bank_card", card16)]


def test_id_shaped_digits_in_card_groups_are_not_ids() -> None:
    """18 digits shaped like an ID but written in groups of four are a card when they pass Luhn,
    nothing otherwise: a mistyped ID is only recognised split between its fields."""
    card = luhn_complete("62010219900307457")
    assert card[-1] != id_check_character(card[:17]) == "x"
    grouped = " ".join(card[i : i + 4] for i in range(0, 18, 4))
    assert kinds(f"卡号 {grouped}") == [("pii.bank_card", grouped)]
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)  # fails Luhn, and is no valid ID (its check is x)
    grouped = " ".join(wrong[i : i + 4] for i in range(0, 18, 4))
    assert kinds(f"卡号 {grouped}") == []


@pytest.mark.parametrize(
    "text, found, mask",
    [
        ("有事请打我电话13812345678谢谢", "13812345678", "138****5678"),
        ("手机：139 0731 2468", "139 0731 2468", "139****2468"),
        ("联系方式 +86 186-0731-5566", "+86 186-0731-5566", "186****5566"),
        ("0086 15973112345", "0086 15973112345", "159****2345"),
        ("电话１５８７３１２００８８", "１５８７３１２００８８", "158****0088"),
        ("我的手机号是177\n3456 7890，", "177\n3456 7890", "177****7890"),
    ],
)
def test_mobile_numbers(text: str, found: str, mask: str) -> None:
    """Mobiles are found with +86/0086, separators, full-width digits, line breaks; masked 3+4."""
    flags = find_pii(normalise(text))
    assert [(f.kind, f.text, f.suggestion) for f in flags] == [("pii.mobile", found, mask)]


def test_two_mobiles_side_by_side() -> None:
    """Two mobiles separated by a space are two flags, not one long number."""
    assert kinds("13812345678 13987654321") == [
        ("pii.mobile", "13812345678"),
        ("pii.mobile", "13987654321"),
    ]


@pytest.mark.parametrize(
    "text, found, mask",
    [
        ("社区电话010-62345678，", "010-62345678", "010-****5678"),
        ("010-12345678", "010-12345678", "010-****5678"),
        ("请拨0571 8888 6666咨询", "0571 8888 6666", "0571-****6666"),
        ("办公室(0755)2345 6789", "(0755)2345 6789", "0755-****6789"),
        ("座机：（0731）84567890", "（0731）84567890", "0731-****7890"),
        ("0731-5678901转分机", "0731-5678901", "0731-****8901"),
    ],
)
def test_landlines(text: str, found: str, mask: str) -> None:
    """Landlines with area codes in their usual spellings are masked, keeping the area code."""
    flags = find_pii(normalise(text))
    assert [(f.kind, f.text, f.suggestion) for f in flags] == [("pii.landline", found, mask)]


@pytest.mark.parametrize(
    "text",
    [
        "2019年12月31日至2020年1月5日",
        "房款共计1350000元，面积89.5平方米",
        "0000-00000000",  # anonymised placeholder
        "0731-0000-00000000",
        "12345热线和12315都打过",
        "文件编号2019-0731-001号",
        "GB50500-2013规范第9.3.1条",
        "订单号20191231123456789012345",
        "111111111111111",
        "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
        "电话11111111111",
    ],
)
def test_numbers_that_are_not_personal_data(text: str) -> None:
    """Dates, amounts, placeholders, hotlines, document numbers and long order numbers are not flagged."""
    assert kinds(text) == []


def test_bank_cards() -> None:
    """16–19-digit numbers passing Luhn are bank cards, with spaces too; failing Luhn are not."""
    card16 = luhn_complete("622848040256489")
    card19 = luhn_complete("622202100112345678")
    assert luhn(card16) and luhn(card19)
    spaced = " ".join(card19[i : i + 4] for i in range(0, 19, 4))
    assert kinds(f"工资卡{card16}被冻结") == [("pii.bank_card", card16)]
    assert kinds(f"卡号：{spaced}。") == [("pii.bank_card", spaced)]
    wrong = card16[:-1] + str((int(card16[-1]) + 1) % 10)
    assert kinds(f"卡号{wrong}") == []


def test_valid_id_is_not_a_bank_card() -> None:
    """An 18-digit valid ID that also passes Luhn is reported once, as an ID."""
    for number in VALID_IDS:
        flags = kinds(number)
        assert flags == [("pii.id_number", number)]


@pytest.mark.parametrize(
    "text, found",
    [
        ("邮箱 zhang.san@example.com 收不到回复", "zhang.san@example.com"),
        ("请发到ｌｉｓｉ＠ｅｘａｍｐｌｅ．ｃｎ", "ｌｉｓｉ＠ｅｘａｍｐｌｅ．ｃｎ"),
        ("我的QQ邮箱123456789@qq.com。", "123456789@qq.com"),
    ],
)
def test_emails(text: str, found: str) -> None:
    """E-mail addresses, half- and full-width, are found."""
    assert kinds(text) == [("pii.email", found)]


@pytest.mark.parametrize(
    "text, found",
    [
        ("车牌湘A12345的车天天占消防通道", "湘A12345"),
        ("被湘AB1234刮了", "湘AB1234"),
        ("粤B·D12345是新能源车", "粤B·D12345"),
        ("京AF12345乱停车", "京AF12345"),
        ("湘A 12345D大货车", "湘A 12345D"),
        ("湘a1b234", "湘a1b234"),
        ("苏E12345挂车", "苏E12345挂"),
    ],
)
def test_plates(text: str, found: str) -> None:
    """Ordinary, new-energy and trailer plates are found."""
    assert kinds(text) == [("pii.plate", found)]


@pytest.mark.parametrize("text", ["湘A市A2区", "新ABCDE", "湘AI2345", "云A栋", "湘A123"])
def test_not_plates(text: str) -> None:
    """Anonymised place names, too few digits, I/O letters and short tails are not plates."""
    assert kinds(text) == []


@pytest.mark.parametrize(
    "text, name, suggestion",
    [
        ("书记您好，我叫张三，是A市居民", "张三", "张某"),
        ("本人李四，男，45岁", "李四", "李某"),
        ("我是王五。", "王五", "王某"),
        ("本人赵阳林于2015年12月入职", "赵阳林", "赵某"),
        ("我叫欧阳娜娜", "欧阳娜娜", "欧阳某"),
        ("我是刘晓明家住A2区", "刘晓明", "刘某"),
        ("姓名：陈建国 电话", "陈建国", "陈某"),
        ("我叫 周杰", "周杰", "周某"),
    ],
)
def test_self_identifying_names(text: str, name: str, suggestion: str) -> None:
    """A name after 我叫/本人/我是/姓名 is flagged with a 某 redaction."""
    flags = find_pii(normalise(text))
    assert [(f.kind, f.text, f.suggestion) for f in flags] == [("pii.name", name, suggestion)]


@pytest.mark.parametrize(
    "text",
    [
        "本人认为这个规定不合理",
        "我是一名在A市工作的教师",
        "我是高三学生的家长",
        "本人于2019年购买了房屋",
        "本人于今年3月申请",
        "我是业主，小区物业不作为",
        "我是A6区润和紫郡的业主",
        "我是王井家搬迁户",
        "我是党员",
        "本人在工地工伤",
        "我是李家村村民",
        "本人多方沟通无果",
        "我是个体户",
        "我叫了救护车",
    ],
)
def test_phrases_that_are_not_names(text: str) -> None:
    """Opinions, roles, dates and places after 本人/我是 are not names."""
    assert kinds(text) == []


def test_amounts_are_not_phones() -> None:
    """An 11-digit amount followed by 元 is not a mobile; the same digits alone are."""
    assert kinds("项目总投资15000000000元") == []
    assert kinds("电话15000000000") == [("pii.mobile", "15000000000")]


def test_contact_person_label() -> None:
    """A name after 联系人： is flagged."""
    assert kinds("联系人：王建国，电话见附件") == [("pii.name", "王建国")]
