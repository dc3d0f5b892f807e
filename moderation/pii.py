"""Personal-data detectors, each with a suggested redaction.

All detectors read the folded text of :mod:`moderation.normalize` (same length
as the original, full-width digits and letters folded, lower-case), so their
offsets are original offsets. Policies:

- **Digit runs.** A run is digits joined by at most three separators (spaces,
  dashes, brackets, line breaks), so ``138 1234 5678``, ``0571-8888 8888`` and a
  number broken over two lines are one run. A run is cut into its digit
  groups, and from each group on the longest combination of consecutive groups
  that is a valid number wins (two mobiles separated by a space are two
  mobiles, not one 22-digit number). A number directly followed by a unit of
  amount (元 万 亿 米 吨 平 %) is an amount, never a phone or card, and one
  digit repeated (``111111111111111``) is a placeholder.
- **ID numbers** (``pii.id_number``, ``[已隐去]``): 18 characters (17 digits and
  a digit or X) with a valid province code, a real birth date between 1900 and
  today, and the GB 11643-1999 check character (ISO 7064 MOD 11-2); or 15
  digits (the legacy form) with a valid province code and a real 19YYMMDD
  birth date. An 18-character number with a valid province code and birth
  date but the wrong check character is a mistyped ID number, still flagged
  (``detail`` ``check_digit``) when it is written whole or split only between
  its fields (after the 3rd, 6th, 10th, 12th, 14th or 17th character:
  ``110101 19900307 4578``, ``110101-19900307-457X``), so two numbers
  written side by side do not make one. A number failing the province or
  date rule is not an ID.
- **Mobiles** (``pii.mobile``, mask ``138****5678``): ``1[3-9]`` and nine more
  digits, optionally after ``+86``/``86``/``0086``.
- **Landlines** (``pii.landline``, mask ``0571-****8888``): a trunk ``0``, an
  area code (``10``, ``2x`` or three digits ``[3-9]xx``) and a local number of
  7 or 8 digits not starting with 0 (so all-zero placeholders are not
  flagged); 11 or 12 digits in all.
- **Bank cards** (``pii.bank_card``, ``[已隐去]``): 16–19 digits starting with
  3, 4, 5, 6 or 9 that pass the Luhn check and are not a valid ID.
- **E-mail** (``pii.email``, ``[已隐去]``).
- **Licence plates** (``pii.plate``, ``[已隐去]``): province character, issuing
  letter, optional ``·``/space/dash, then five characters with at least three
  digits (ordinary, optionally ``挂学警港澳``), or six for new-energy plates
  (``D``/``F`` first and four digits after the next, or five digits then
  ``D``/``F``); letters I and O never occur.
- **Self-identifying names** (``pii.name``, suggestion ``X某``): after 我叫,
  我的名字是/叫, 我名叫, 本人叫, 本人, 我是, 我姓名是, 姓名：, 署名：, 联系人：, a common
  surname and one or two given-name characters, ending at punctuation, a space,
  the end, a Latin letter, or a word that commonly follows a name (于, 在, 是,
  住, 家住, 现为, 今年, 男, 女, 电话 …). Given-name characters exclude function words and place or
  organisation words, so 本人认为, 我是一名, 我是高三学生, 本人于2019年 are
  not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from moderation.flags import REDACTED, Flag
from moderation.normalize import Normalised

_SEP = " \t\r\n\\-\u2010-\u2015\u2212~()（）－"
_RUN = re.compile(rf"\d(?:[{_SEP}]{{0,3}}\d){{6,}}(?:[{_SEP}]{{0,3}}x)?")
_GROUP = re.compile(r"\d+x?")
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10x98765432"
_MOBILE = re.compile(r"1[3-9]\d{9}\Z")
_AMOUNT_UNITS = frozenset("元万亿米吨平%")


def id_check_character(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits,
    ``"0"``–``"9"`` or ``"x"``."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _real_date(year: int, month: int, day: int, today: date) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= today


def valid_id15(number: str) -> bool:
    """Whether 15 digits are a legacy ID: province code and a real 19YYMMDD date."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in _PROVINCES:
        return False
    return _real_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]), date.today())


def luhn(number: str) -> bool:
    """The Luhn (mod 10) check of a digit string."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mobile(digits: str) -> str | None:
    for prefix in ("0086", "86", ""):
        if digits.startswith(prefix) and _MOBILE.match(digits, len(prefix)):
            return digits[len(prefix) :]
    return None


def _landline(digits: str) -> tuple[str, str] | None:
    if not digits.startswith("0") or len(digits) not in (11, 12):
        return None
    area = 3 if digits[1] in "12" else 4
    local = digits[area:]
    if area == 4 and digits[1] == "0":
        return None
    if len(local) not in (7, 8) or local[0] == "0":
        return None
    return digits[:area], local


def id18_shape(number: str, today: date | None = None) -> bool:
    """Whether 18 characters look like a mainland ID whatever their check
    character: 17 digits and a digit or x/X, a province code and a real birth
    date from 1900 to ``today``."""
    number = number.lower()
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789x":
        return False
    if number[:2] not in _PROVINCES:
        return False
    return _real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]), today or date.today())


def valid_id18(number: str, today: date | None = None) -> bool:
    """Whether ``number`` (17 digits and a digit or x/X) is a mainland ID:
    province code, real birth date from 1900 to ``today``, check character."""
    number = number.lower()
    return id18_shape(number, today) and id_check_character(number[:17]) == number[17]


_ID_FIELD_CUTS = frozenset({3, 6, 10, 12, 14, 17})
"""Where people split an ID number when writing it: inside the region code
(3+3), after it, after the birth year, month and day, before the check character."""


def classify_number(digits: str, cuts: Iterable[int] = ()) -> tuple[str, str, str | None] | None:
    """``(kind, suggestion, detail)`` for a digit string (x allowed last), or
    ``None``. ``cuts``: the offsets in ``digits`` where the writer put a
    separator. A string of one digit repeated (11111111111, 000000000000000)
    is a placeholder, never personal data. An 18-character number shaped like
    an ID whose check character does not match is an ID (``detail``
    ``check_digit``) when it is whole or cut only between its fields."""
    n = len(digits)
    if digits.count(digits[0]) == n:
        return None
    if n == 18 and valid_id18(digits):
        return "pii.id_number", REDACTED, None
    if n == 15 and valid_id15(digits):
        return "pii.id_number", REDACTED, None
    if n == 18 and id18_shape(digits) and set(cuts) <= _ID_FIELD_CUTS:
        return "pii.id_number", REDACTED, "check_digit"
    if "x" in digits:
        return None
    mobile = _mobile(digits)
    if mobile is not None:
        return "pii.mobile", f"{mobile[:3]}****{mobile[-4:]}", None
    line = _landline(digits)
    if line is not None:
        return "pii.landline", f"{line[0]}-****{line[1][-4:]}", None
    if 16 <= n <= 19 and digits[0] in "34569" and luhn(digits):
        return "pii.bank_card", REDACTED, None
    return None


def find_numbers(norm: Normalised) -> list[Flag]:
    """ID numbers, mobiles, landlines and bank cards (module docstring)."""
    text = norm.text
    flags: list[Flag] = []
    for run in _RUN.finditer(text):
        groups = [(m.start(), m.end(), m.group()) for m in _GROUP.finditer(text, run.start(), run.end())]
        i = 0
        while i < len(groups):
            best: tuple[int, str, str, str | None] | None = None
            digits = ""
            cuts: list[int] = []
            for j in range(i, len(groups)):
                if j > i:
                    cuts.append(len(digits))
                digits += groups[j][2]
                if len(digits) > 19:
                    break
                if "x" in groups[j][2] and j != len(groups) - 1:
                    break
                found = classify_number(digits, cuts)
                if found is not None:
                    best = (j, *found)
            if best is None:
                i += 1
                continue
            j, kind, suggestion, detail = best
            start, end = groups[i][0], groups[j][1]
            if kind != "pii.id_number" and text[end : end + 1] in _AMOUNT_UNITS:
                i = j + 1  # an amount (15000000000元), not a phone or card
                continue
            if kind == "pii.mobile" and start > 0 and text[start - 1] == "+":
                start -= 1
            elif kind == "pii.landline" and start > 0 and text[start - 1] in "(（":
                start -= 1
            flags.append(Flag(kind, start, end, norm.original[start:end], suggestion, detail=detail))
            i = j + 1
    return flags


_EMAIL = re.compile(r"(?<![a-z0-9._%+-])[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![a-z])")


def find_emails(norm: Normalised) -> list[Flag]:
    """E-mail addresses."""
    if "@" not in norm.text:
        return []
    return [
        Flag("pii.email", m.start(), m.end(), norm.original[m.start() : m.end()], REDACTED)
        for m in _EMAIL.finditer(norm.text)
    ]


_PROVINCE_CHARS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_L = "a-hj-np-z"
_PLATE = re.compile(
    rf"[{_PROVINCE_CHARS}][{_L}][·•\-\s]?"
    rf"(?:[df][{_L}0-9]\d{{4}}|\d{{5}}[df]|([{_L}0-9]{{5}})[挂学警港澳]?)(?![{_L}0-9])"
)


def find_plates(norm: Normalised) -> list[Flag]:
    """Licence plates, ordinary (at least three digits in the last five) and new-energy."""
    flags = []
    for m in _PLATE.finditer(norm.text):
        tail = m.group(1)
        if tail is not None and sum(ch.isdigit() for ch in tail) < 3:
            continue
        flags.append(Flag("pii.plate", m.start(), m.end(), norm.original[m.start() : m.end()], REDACTED))
    return flags


_SURNAMES_DOUBLE = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 百里"
).split()
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤易常"
    "向伍乔文康施洪牛聂章鲁葛颜柳殷尤庞樊兰易成汤滕符黄阎骆邢麻凌蓝甘左翟谷焦裴柴单鲍盛舒童祝季温詹欧"
    "饶关纪宁申管柏辛岳卓"
)
# Characters that do not occur in a given name here: function words, numbers of
# quantity, place/organisation words and words that follow a self-introduction.
_NOT_GIVEN = frozenset(
    "的了在是不有和与及就也都又还被把将从向对于为因以由这那个们么啊吗呢吧区市县省镇乡村街路号楼栋室"
    "年月日时分人员者家户业主公司局厅部委会院校学生师工作认觉想要能可已经曾现今去来到说请求问感希望反映"
    "投诉举报名一两几多少些点所等其之中上下里外内前后本该此每各某另位次件条种们您你我他她它自己叫姓"
)
_FOLLOW = frozenset("于在是住男女系的和与因为想向从自已也都就曾，,。.、；;：:（(！!？?）) \t\r\n")
_FOLLOW_WORDS = ("家住", "现住", "现在", "现年", "现为", "今年", "身份", "电话", "手机", "联系", "户籍")
_TRIGGER = re.compile(
    r"我的名字(?:是|叫)|我名叫|本人(?:名)?叫|我叫|我姓名是|姓名[:：]?|署名[:：]?|联系人[:：]|本人|我是"
)
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _name_at(text: str, at: int) -> int:
    """The end of a self-identified name starting at ``at``, or -1."""
    surname_len = 2 if text[at : at + 2] in _SURNAMES_DOUBLE else 1 if text[at : at + 1] in _SURNAMES else 0
    if not surname_len:
        return -1
    given_at = at + surname_len
    for given in (2, 1):
        end = given_at + given
        chunk = text[given_at:end]
        if len(chunk) != given or not all(_HAN.match(ch) and ch not in _NOT_GIVEN for ch in chunk):
            continue
        if end == len(text) or text[end] in _FOLLOW or text.startswith(_FOLLOW_WORDS, end):
            return end
        if not _HAN.match(text[end]) and not text[end].isdigit():
            return end
    return -1


def find_names(norm: Normalised) -> list[Flag]:
    """Self-identifying phrases followed by a name; the flag spans the name only."""
    text = norm.text
    flags: list[Flag] = []
    for m in _TRIGGER.finditer(text):
        at = m.end()
        while at < len(text) and text[at] == " ":
            at += 1
        end = _name_at(text, at)
        if end < 0:
            continue
        name = norm.original[at:end]
        surname_len = 2 if text[at : at + 2] in _SURNAMES_DOUBLE else 1
        flags.append(Flag("pii.name", at, end, name, name[:surname_len] + "某"))
    return flags


def find_pii(norm: Normalised) -> list[Flag]:
    """Every personal-data flag of the text, in order of position."""
    flags = find_numbers(norm) + find_emails(norm) + find_plates(norm) + find_names(norm)
    flags.sort(key=lambda f: (f.start, -f.end))
    return flags
