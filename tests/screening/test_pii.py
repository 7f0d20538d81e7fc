"""Personal information: each type valid (a hit) and invalid (none), in the forms people write them."""

from __future__ import annotations

import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from zilu.screening import Banks, Screener
from zilu.screening.pii import resident_id_ok

SCREENER = Screener(Banks())


def resident_id(body: str = "11010519491231002") -> str:
    return body + ric.calc_check_digit(body + "0")


def card(body: str = "622202020000000000") -> str:
    return body + luhn.calc_check_digit(body)


def credit_code(body: str = "91110114MA01ABCD3") -> str:
    return body + uscc.calc_check_digit(body)


def pii(text: str) -> list[tuple[str, str, str | None]]:
    hits = SCREENER.screen(text).hits
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
    return [(h.label, h.text, h.value) for h in hits]


def wide(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})


ID = resident_id()
BAD_ID = ID[:-1] + ("1" if ID[-1] != "1" else "2")


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        (f"身份证{ID}", "pii.resident_id", ID),
        (f"身份证 {ID[:6]} {ID[6:14]} {ID[14:]}", "pii.resident_id", ID),
        (f"身份证{wide(ID)}", "pii.resident_id", ID),
        ("电话13800138000", "pii.mobile", "13800138000"),
        ("电话 138-0013-8000 找我", "pii.mobile", "13800138000"),
        ("电话 +86 138 0013 8000", "pii.mobile", "13800138000"),
        ("电话１３８００１３８０００", "pii.mobile", "13800138000"),
        ("电话一三八零零一三八零零零", "pii.mobile", "13800138000"),
        ("电话①③⑧⓪⓪①③⑧⓪⓪⓪", "pii.mobile", "13800138000"),
        (f"卡号{card()}", "pii.bank_card", card()),
        (f"卡号 {' '.join(card()[i : i + 4] for i in range(0, 19, 4))}", "pii.bank_card", card()),
        (f"代码{credit_code()}", "pii.uscc", credit_code()),
        (f"代码{credit_code().lower()}", "pii.uscc", credit_code()),
        ("邮箱 someone@example.com", "pii.email", "someone@example.com"),
        ("邮箱 someone＠example．com", "pii.email", "someone@example.com"),
        ("邮箱 someone@qq。com", "pii.email", "someone@qq.com"),
    ],
)
def test_valid_personal_information_is_found(text, label, value):
    found = pii(text)
    assert [(f[0], f[2]) for f in found] == [(label, value)], found


@pytest.mark.parametrize(
    "text",
    [
        f"身份证{BAD_ID}",  # wrong check character
        f"身份证{resident_id('11010519491331002')}",  # month 13
        f"身份证{resident_id('11010530000101002')}",  # born in the future
        f"身份证{resident_id('99010519491231002')}",  # no such province
        "电话12800138000",  # no 12x mobile prefix
        "电话1380013800",  # ten digits
        f"卡号{card()[:-1]}{(int(card()[-1]) + 1) % 10}",  # Luhn fails
        f"代码{credit_code()[:-1]}{'0' if credit_code()[-1] != '0' else '1'}",  # check character fails
        "订单号 2021138001380001234567",  # a phone number inside a longer number is not one
        "回复@罗罡6:好",  # a mention, not an address
        "3.1415926535",  # decimals
    ],
)
def test_invalid_numbers_are_not_hits(text):
    assert pii(text) == []


def test_two_numbers_side_by_side_are_two_hits():
    assert [v for _, _, v in pii("13800138000 13900139000")] == ["13800138000", "13900139000"]


def test_resident_id_region_code_is_not_checked_against_the_birth_year():
    # 110114 (Changping District) exists since 1999; someone born in 1980 may still hold it.
    assert resident_id_ok(resident_id("11011419800101001"))


def test_id_with_x_check_character():
    body = next(b for b in (f"11010519491231{i:03d}" for i in range(1000)) if ric.calc_check_digit(b + "0") == "X")
    assert pii(f"证件 {body}x") == [("pii.resident_id", f"{body}x", f"{body}X")]
