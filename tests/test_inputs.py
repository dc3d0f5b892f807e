"""What people type, cleaned before it is stored, and the codes an asker keeps."""

from __future__ import annotations

import pytest

from studio.codes import RATING_ALPHABET, new_rating_code, new_tracking_code
from studio.errors import ApiError
from studio.inputs import MAX_NICKNAME, clean_client_key, clean_nickname, clean_text, load_json


def test_text_is_trimmed_with_line_breaks_unified_and_control_characters_gone() -> None:
    """CR/CRLF become LF, tabs and newlines stay, other control characters and DEL go."""
    assert clean_text("  第一行\r\n第二行\r第三\x00行\x7f\t末尾  ", "text", 100) == "第一行\n第二行\n第三行\t末尾"


@pytest.mark.parametrize(("value", "why"), [("", "内容不能为空"), (" \x01 ", "内容不能为空"),
                                           (42, "须为文字"), ("长" * 11, "不能超过 10 个字")])
def test_bad_text_is_refused_naming_the_field(value: object, why: str) -> None:
    """Empty, non-text and too-long input answers 400 invalid with the field it came in."""
    with pytest.raises(ApiError) as refused:
        clean_text(value, "answer", 10)
    assert refused.value.code == "invalid"
    assert refused.value.extra.get("field") == "answer"
    assert why in refused.value.message


def test_nicknames_are_optional_and_bounded() -> None:
    """No nickname is empty; one is trimmed; past the bound it is refused."""
    assert clean_nickname(None) == ""
    assert clean_nickname("  老张 ") == "老张"
    assert clean_nickname("名" * MAX_NICKNAME) == "名" * MAX_NICKNAME
    with pytest.raises(ApiError):
        clean_nickname("名" * (MAX_NICKNAME + 1))


def test_client_keys_are_printable_and_of_reasonable_length() -> None:
    """A UUID passes; short, long, non-text and non-printable keys are refused."""
    key = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert clean_client_key(key) == key
    for bad in ("short", "x" * 65, None, "abcd\nefgh"):
        with pytest.raises(ApiError):
            clean_client_key(bad)


def test_codes_are_random_and_readable() -> None:
    """Rating codes use only unambiguous characters; codes do not repeat."""
    ratings = {new_rating_code() for _ in range(200)}
    assert len(ratings) == 200
    assert all(len(code) == 8 and set(code) <= set(RATING_ALPHABET) for code in ratings)
    assert not set("IL01O") & set(RATING_ALPHABET)
    tracking = {new_tracking_code() for _ in range(200)}
    assert len(tracking) == 200 and all(len(code) >= 16 for code in tracking)


@pytest.mark.parametrize(("raw", "code"), [
    ("[" * 5000 + "]" * 5000, "bad_json"), ("{\"a\":" * 3000 + "1" + "}" * 3000, "bad_json"),
    ("[" * 33 + "]" * 33, "bad_json"), (b"{\"text\": \"\xff\"}", "bad_json"), ("{oops", "bad_json"),
    ('{"text": "\\ud800"}', "invalid"), ('{"\\udfff": 1}', "invalid"), ('[["a\\ud83d"]]', "invalid"),
    (f'{{"id": {2**63}}}', "invalid"), (f'{{"id": {-2**63 - 1}}}', "invalid"), ('{"n": 1e999}', "invalid"),
    ('{"n": NaN}', "invalid"), ('{"n": -Infinity}', "invalid"), ('{"n": ' + "9" * 5000 + "}", "bad_json"),
])
def test_json_that_cannot_be_stored_is_refused(raw: str | bytes, code: str) -> None:
    """Nesting, bad UTF-8 and syntax: bad_json; lone surrogates, huge or non-finite numbers: invalid."""
    with pytest.raises(ApiError) as refused:
        load_json(raw)
    assert refused.value.code == code


def test_json_within_the_limits_parses() -> None:
    """Ordinary bodies, surrogate pairs (emoji), 64-bit numbers and 32 levels of nesting pass."""
    assert load_json('{"text": "\\ud83d\\ude00好", "id": 9223372036854775807, "n": -9223372036854775808}') == {
        "text": "😀好", "id": 2**63 - 1, "n": -2**63}
    assert load_json("[" * 32 + "]" * 32) is not None
    assert load_json(b'{"x": [1.5, true, null]}') == {"x": [1.5, True, None]}


def test_text_loses_c1_controls_and_invisible_characters_but_keeps_emoji_joiners() -> None:
    """C1 controls, zero-width spaces, BOMs and bidi overrides go; ZWJ emoji sequences stay."""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text("\u202e好\u200b问\x85题\ufeff" + family, "text", 100) == "好问题" + family
    with pytest.raises(ApiError) as refused:
        clean_text("问\ud800题", "text", 100)
    assert refused.value.code == "invalid" and refused.value.extra["field"] == "text"
    assert clean_nickname("\u200b老张\u202e") == "老张"
