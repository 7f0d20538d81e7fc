"""Tests for zilu.core.identifiers. Valid samples get their check characters from stdnum."""

from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric, uscc

from zilu.core import identifiers as ids


def fullwidth(text: str) -> str:
    """ASCII letters, digits and '-' turned into their full-width forms (U+FF01..U+FF5E)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def make_uscc(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def make_ric(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def wrong_last(code: str, alphabet: str) -> str:
    return code[:-1] + next(c for c in alphabet if c != code[-1])


def code_of(call: object) -> str:
    with pytest.raises(ids.IdentifierError) as info:
        call()  # type: ignore[operator]
    assert isinstance(info.value, ValueError)
    assert info.value.message is not None  # a lazy proxy: evaluating it needs settings
    assert str(info.value) == info.value.code
    return info.value.code


CHANGPING_USCC = make_uscc("91110114MA01ABCD3")
BEIJING_USCC = make_uscc("91110000600037341")  # stdnum's own example: 91110000600037341L
ASSOCIATION_USCC = make_uscc("51110114MJ0000000")
VILLAGE_USCC = make_uscc("N2110114MA01ABCD3")  # letter registration authority


# ------------------------------------------------------------------ USCC


def test_uscc_changping() -> None:
    result = ids.validate_uscc(CHANGPING_USCC)
    assert result == ids.Uscc(
        code=CHANGPING_USCC,
        registration_authority="9",
        entity_type="1",
        division_code="110114",
        org_code="MA01ABCD3",
        is_changping=True,
    )


def test_uscc_not_changping() -> None:
    assert BEIJING_USCC == "91110000600037341L"
    result = ids.validate_uscc(BEIJING_USCC)
    assert result.division_code == "110000"
    assert not result.is_changping


@pytest.mark.parametrize("code", [ASSOCIATION_USCC, VILLAGE_USCC])
def test_uscc_other_authorities(code: str) -> None:
    assert ids.validate_uscc(code).is_changping


@pytest.mark.parametrize(
    "raw",
    [
        CHANGPING_USCC.lower(),
        f"  {CHANGPING_USCC[:8]} {CHANGPING_USCC[8:]} ",
        fullwidth(CHANGPING_USCC),
        fullwidth(CHANGPING_USCC.lower()),
        f"{CHANGPING_USCC[:8]}-{CHANGPING_USCC[8:]}",
    ],
)
def test_uscc_normalization(raw: str) -> None:
    assert ids.validate_uscc(raw).code == CHANGPING_USCC


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (wrong_last(CHANGPING_USCC, "0123456789ABCDEFGHJKLMNPQRTUWXY"), "checksum"),
        (wrong_last(VILLAGE_USCC, "0123456789ABCDEFGHJKLMNPQRTUWXY"), "checksum"),
        (CHANGPING_USCC[:17], "length"),
        (CHANGPING_USCC + "1", "length"),
        ("91110114MA01ABCI3A", "format"),  # I is not in the alphabet
        ("9111011AMA01ABCD3A", "format"),  # letter in the division code
        (make_uscc("01110114MA01ABCD3"), "format"),  # 0 is no registration authority
        (make_uscc("B1110114MA01ABCD3"), "format"),  # neither is B
        ("91110114MA01ABC*3A", "format"),
        ("", "required"),
        ("   ", "required"),
    ],
)
def test_uscc_invalid(raw: str, code: str) -> None:
    assert code_of(lambda: ids.validate_uscc(raw)) == code


# ------------------------------------------------------------------ resident ID

MALE_CHANGPING = make_ric("11011419900101123")
FEMALE_DONGCHENG = make_ric("11010119850615002")
TODAY = date(2026, 11, 29)


def test_resident_id_male_changping() -> None:
    # stdnum itself rejects this one (110114 only exists since 1999); we accept it.
    assert not ric.is_valid(MALE_CHANGPING)
    result = ids.validate_resident_id(MALE_CHANGPING, today=TODAY)
    assert result == ids.ResidentId(number=MALE_CHANGPING, birth_date=date(1990, 1, 1), sex="M", division_code="110114")


def test_resident_id_female() -> None:
    result = ids.validate_resident_id(FEMALE_DONGCHENG, today=TODAY)
    assert (result.sex, result.birth_date, result.division_code) == (
        "F",
        date(1985, 6, 15),
        "110101",
    )


def test_resident_id_born_today_is_valid() -> None:
    number = make_ric("11011420261129001")
    assert ids.validate_resident_id(number, today=TODAY).birth_date == TODAY


def test_resident_id_lowercase_x() -> None:
    first17 = next(f"1101141990010112{i}" for i in range(10) if make_ric(f"1101141990010112{i}")[-1] == "X")
    number = make_ric(first17)
    result = ids.validate_resident_id(number.lower(), today=TODAY)
    assert result.number == number
    assert result.number.endswith("X")


@pytest.mark.parametrize(
    "raw",
    [
        f" {FEMALE_DONGCHENG[:6]} {FEMALE_DONGCHENG[6:14]} {FEMALE_DONGCHENG[14:]} ",
        fullwidth(FEMALE_DONGCHENG),
        f"{FEMALE_DONGCHENG}\u3000",  # ideographic space
    ],
)
def test_resident_id_normalization(raw: str) -> None:
    assert ids.validate_resident_id(raw, today=TODAY).number == FEMALE_DONGCHENG


@pytest.mark.parametrize("number", [make_ric("81000019900101123"), make_ric("83000019900101123")])
def test_hong_kong_and_taiwan_residence_permits(number: str) -> None:
    assert ids.validate_resident_id(number, today=TODAY).division_code in {"810000", "830000"}


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (wrong_last(MALE_CHANGPING, "0123456789X"), "checksum"),
        (wrong_last(FEMALE_DONGCHENG, "0123456789X"), "checksum"),
        (MALE_CHANGPING[:17], "length"),
        (MALE_CHANGPING[:15], "length"),  # first-generation 15-digit numbers
        (MALE_CHANGPING + "0", "length"),
        ("11011419900101A234", "format"),
        ("1101141990010112Y4", "format"),
        ("11011419900101123Y", "format"),
        (make_ric("11011420261130123"), "birth_date"),  # tomorrow
        (make_ric("11011420990101123"), "birth_date"),  # far future
        (make_ric("11011419900230123"), "birth_date"),  # 30 February
        (make_ric("11011419901301123"), "birth_date"),  # month 13
        (make_ric("11011418991231123"), "birth_date"),  # before 1900
        (make_ric("11999919900101123"), "division"),  # stdnum raises KeyError here
        (make_ric("99999919900101123"), "division"),
        ("", "required"),
    ],
)
def test_resident_id_invalid(raw: str, code: str) -> None:
    assert code_of(lambda: ids.validate_resident_id(raw, today=TODAY)) == code


def test_resident_id_future_without_explicit_today() -> None:
    assert code_of(lambda: ids.validate_resident_id(make_ric("11011421000101123"))) == "birth_date"


# ------------------------------------------------------------------ mobile


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "+86 138 0013 8000",
        "+8613800138000",
        "86-13800138000",
        "8613800138000",
        "0086 138-0013-8000",
        "138-0013-8000",
        "(+86) 13800138000",
        fullwidth("13800138000"),
        fullwidth("+86-138-0013-8000"),
    ],
)
def test_mobile_valid(raw: str) -> None:
    assert ids.validate_mobile(raw) == "13800138000"


@pytest.mark.parametrize("raw", ["19912345678", "17012345678", "14712345678"])
def test_mobile_other_prefixes(raw: str) -> None:
    assert ids.validate_mobile(raw) == raw


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("010-12345678", "not_mobile"),  # Beijing landline
        ("+86 10 6552 9988", "not_mobile"),
        ("01065529988", "not_mobile"),
        ("+1 650 253 0000", "country"),
        ("+852 9123 4567", "country"),  # Hong Kong mobile: not mainland
        ("1380013800", "invalid"),  # 10 digits
        ("138001380001", "invalid"),  # 12 digits
        ("12345678901", "invalid"),  # no such mobile range
        ("10086", "invalid"),  # service number
        ("abc", "format"),
        ("138OO138000", "format"),  # letters O, not zeros
        ("13800138000#", "format"),
        ("+", "format"),
        ("", "required"),
    ],
)
def test_mobile_invalid(raw: str, code: str) -> None:
    assert code_of(lambda: ids.validate_mobile(raw)) == code


# ------------------------------------------------------------------ ICP


@pytest.mark.parametrize(
    ("raw", "kind", "number", "site", "text"),
    [
        ("京ICP备12345678号-1", "filing", "12345678", 1, "京ICP备12345678号-1"),
        ("京ICP备2021012345号", "filing", "2021012345", None, "京ICP备2021012345号"),
        ("京ICP备1234号", "filing", "1234", None, "京ICP备1234号"),
        ("京ICP证030173号", "licence", "030173", None, "京ICP证030173号"),
        ("京ICP证12345678号", "licence", "12345678", None, "京ICP证12345678号"),
        # Normalization: spaces, lower case, full width, missing 号, en dash, leading zero.
        (" 京 icp 备 2023 012345 号 - 3 ", "filing", "2023012345", 3, "京ICP备2023012345号-3"),
        (fullwidth("京ICP备12345678号-2"), "filing", "12345678", 2, "京ICP备12345678号-2"),
        ("京ICP备12345678-2", "filing", "12345678", 2, "京ICP备12345678号-2"),
        ("京ICP备12345678号\u201302", "filing", "12345678", 2, "京ICP备12345678号-2"),
    ],
)
def test_icp_valid(raw: str, kind: str, number: str, site: int | None, text: str) -> None:
    assert ids.validate_icp_number(raw) == ids.IcpNumber("京", kind, number, site, text)


@pytest.mark.parametrize("province", sorted(ids.ICP_PROVINCES))
def test_icp_all_31_provinces(province: str) -> None:
    assert len(ids.ICP_PROVINCES) == 31
    assert ids.validate_icp_number(f"{province}ICP备12345678号").province == province


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("港ICP备12345678号", "province"),
        ("北ICP备12345678号", "province"),
        ("京ICP备123号", "length"),
        ("京ICP备12345678901号", "length"),
        ("京ICP证12345号", "length"),
        ("京ICP证123456789号", "length"),
        ("京ICP证123456号-1", "format"),  # licences have no site suffix
        ("京ICP备12345678号-0", "format"),
        ("京ICP备12345678号-1234", "format"),
        ("ICP备12345678号", "format"),
        ("京ICP备ABCDEFGH号", "format"),
        ("京ICP许12345678号", "format"),
        ("京公网安备11011402000001号", "format"),
        ("", "required"),
    ],
)
def test_icp_invalid(raw: str, code: str) -> None:
    assert code_of(lambda: ids.validate_icp_number(raw)) == code


# ------------------------------------------------------------------ PSB


def test_psb_changping() -> None:
    assert ids.validate_psb_number("京公网安备11011402000001号") == ids.PsbNumber(
        province="京",
        number="11011402000001",
        division_code="110114",
        is_changping=True,
        text="京公网安备11011402000001号",
    )


def test_psb_other_province() -> None:
    result = ids.validate_psb_number("沪公网安备31010402000001号")
    assert (result.division_code, result.is_changping) == ("310104", False)


@pytest.mark.parametrize(
    "raw",
    [
        " 京公网安备 1101 1402 0000 01 号 ",
        fullwidth("京公网安备11011402000001号"),
        "京公网安备11011402000001",
    ],
)
def test_psb_normalization(raw: str) -> None:
    assert ids.validate_psb_number(raw).text == "京公网安备11011402000001号"


@pytest.mark.parametrize(("province", "prefix"), sorted(ids.PSB_PROVINCE_PREFIXES.items()))
def test_psb_every_province_prefix(province: str, prefix: str) -> None:
    assert ids.validate_psb_number(f"{province}公网安备{prefix}010202000001号").province == province


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("京公网安备31010402000001号", "division"),  # Shanghai code under 京
        ("粤公网安备11011402000001号", "division"),
        ("港公网安备81000002000001号", "province"),
        ("京公网安备1101140200000号", "length"),
        ("京公网安备110114020000011号", "length"),
        ("京公网安备1101140200000X号", "format"),
        ("京ICP备12345678号", "format"),
        ("公网安备11011402000001号", "format"),
        ("", "required"),
    ],
)
def test_psb_invalid(raw: str, code: str) -> None:
    assert code_of(lambda: ids.validate_psb_number(raw)) == code


def test_psb_prefix_table_matches_icp_provinces() -> None:
    assert set(ids.PSB_PROVINCE_PREFIXES) == ids.ICP_PROVINCES
    assert len(set(ids.PSB_PROVINCE_PREFIXES.values())) == 31


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("010-69712345", "010-69712345"),
        ("01069712345", "010-69712345"),
        ("+86 10 6971 2345", "010-69712345"),
        ("(010)69712345", "010-69712345"),
        ("0755-86013388", "0755-86013388"),
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
    ],
)
def test_validate_phone_accepts_mobiles_and_landlines(value, expected):
    from zilu.core.identifiers import validate_phone

    assert validate_phone(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "required"),
        ("12345", "invalid"),
        ("010-1234", "invalid"),
        ("+1 650 253 0000", "country"),
        ("电话", "format"),
    ],
)
def test_validate_phone_refuses(value, code):
    from zilu.core.identifiers import IdentifierError, validate_phone

    with pytest.raises(IdentifierError) as excinfo:
        validate_phone(value)
    assert excinfo.value.code == code
