"""Validators for Chinese identifiers used in membership records.

Every validator takes user input, normalizes it (Unicode NFKC so that
full-width digits and letters become ASCII, dashes unified, whitespace removed,
letters upper-cased) and returns the normalized value or a small dataclass.
Invalid input raises :class:`IdentifierError` carrying a stable machine
``code`` and a translatable English ``message``.

Codes used: ``required`` (empty input), ``format`` (wrong characters or
structure), ``length`` (wrong number of characters or digits), ``checksum``,
``birth_date``, ``division`` (unknown or mismatched administrative division),
``province`` (unknown province abbreviation), ``invalid`` (not an allocated
phone number), ``country`` (not a mainland China phone number) and
``not_mobile``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import phonenumbers
from django.utils.translation import gettext_lazy as _
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CHANGPING_DIVISION",
    "ICP_PROVINCES",
    "PSB_PROVINCE_PREFIXES",
    "IcpNumber",
    "IdentifierError",
    "PsbNumber",
    "ResidentId",
    "Uscc",
    "normalize",
    "validate_icp_number",
    "validate_mobile",
    "validate_phone",
    "validate_psb_number",
    "validate_resident_id",
    "validate_uscc",
]

#: Administrative division code of Changping District, Beijing (北京市昌平区).
CHANGPING_DIVISION = "110114"

#: Province-level abbreviation -> 2-digit administrative division prefix (GB/T 2260).
PSB_PROVINCE_PREFIXES: dict[str, str] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15",
    "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37",
    "豫": "41", "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46",
    "渝": "50", "川": "51", "贵": "52", "云": "53", "藏": "54",
    "陕": "61", "甘": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip

#: The 31 mainland province-level abbreviations used in ICP numbers.
ICP_PROVINCES = frozenset(PSB_PROVINCE_PREFIXES)

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58", "-"))
_WHITESPACE = re.compile(r"\s+")


class IdentifierError(ValueError):
    """An identifier failed validation.

    ``code`` is a stable machine string (see the module docstring) and
    ``message`` a lazily translated English sentence for display. ``str()`` of
    the exception is the code, so logging never needs the translation machinery.
    """

    def __init__(self, code: str, message: StrOrPromise) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def normalize(value: str) -> str:
    """NFKC-normalize, unify dashes, drop all whitespace and upper-case ``value``."""
    text = unicodedata.normalize("NFKC", value).translate(_DASHES)
    return _WHITESPACE.sub("", text).upper()


def _required(value: str | None, message: StrOrPromise) -> str:
    text = normalize(value or "")
    if not text:
        raise IdentifierError("required", message)
    return text


# --------------------------------------------------------------------------- USCC


@dataclass(frozen=True, slots=True)
class Uscc:
    """A unified social credit code (统一社会信用代码, GB 32100-2015)."""

    code: str
    registration_authority: str
    entity_type: str
    division_code: str
    org_code: str
    is_changping: bool


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Registration authority codes (登记管理部门代码): 1-9, plus A (Central Military
# Commission), N (agriculture: rural collective economic organizations) and Y (other).
_USCC_AUTHORITIES = "123456789ANY"
_USCC_LETTER_AUTHORITY_RE = re.compile(rf"[{_USCC_AUTHORITIES}][{_USCC_ALPHABET}][0-9]{{6}}[{_USCC_ALPHABET}]{{10}}")


def validate_uscc(value: str) -> Uscc:
    """Validate a unified social credit code and split it into its parts.

    Format and check character are checked with :mod:`stdnum.cn.uscc`. stdnum
    demands digits in the first two positions, but GB 32100 also assigns letter
    registration authority codes (N2... for village collectives, for example),
    so those are accepted when every other rule holds.
    """
    code = _required(value, _("Enter a unified social credit code.")).replace("-", "")
    bad_checksum = IdentifierError("checksum", _("The unified social credit code's check character is wrong."))
    bad_format = IdentifierError("format", _("The unified social credit code contains invalid characters."))
    try:
        uscc.validate(code)
    except InvalidLength:
        raise IdentifierError("length", _("A unified social credit code has 18 characters.")) from None
    except InvalidChecksum:
        raise bad_checksum from None
    except InvalidFormat:
        if not (_USCC_LETTER_AUTHORITY_RE.fullmatch(code)):
            raise bad_format from None
        if code[-1] != uscc.calc_check_digit(code[:17]):
            raise bad_checksum from None
    if code[0] not in _USCC_AUTHORITIES:
        raise bad_format
    division = code[2:8]
    return Uscc(
        code=code,
        registration_authority=code[0],
        entity_type=code[1],
        division_code=division,
        org_code=code[8:17],
        is_changping=division == CHANGPING_DIVISION,
    )


# --------------------------------------------------------------------------- resident ID


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A resident identity card number (公民身份号码, GB 11643-1999)."""

    number: str
    birth_date: date
    sex: str  # "M" or "F"
    division_code: str


# Residence permits for Hong Kong, Macao and Taiwan residents (港澳台居民居住证) use the
# same format with these address codes; 830000 is missing from stdnum's database.
_PERMIT_DIVISIONS = frozenset({"810000", "820000", "830000"})
_RIC_RE = re.compile(r"[0-9]{17}[0-9X]")


def _division_known(division: str) -> bool:
    """Whether ``division`` was ever a county-level code.

    stdnum's own check also requires the code to have existed in the birth
    year, which wrongly rejects people who first registered their residence
    after a district was created (for example someone born in 1980 with a
    110114 Changping District number, a code in use since 1999).
    """
    if division in _PERMIT_DIVISIONS:
        return True
    info = {k: v for _part, props in numdb.get("cn/loc").info(division) for k, v in props.items()}
    return "county" in info


def validate_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-digit resident identity card number.

    Checks the length, digits, ISO 7064 check character (computed with
    :mod:`stdnum.cn.ric`; a trailing ``x`` is accepted as ``X``), the birth date
    (a real date, not in the future, not before 1900) and the address code.
    ``stdnum.cn.ric.validate`` itself is not used: its address check rejects
    valid numbers (see :func:`_division_known`) and can raise ``KeyError`` for
    unknown codes. ``today`` defaults to the current date.
    """
    number = _required(value, _("Enter a resident identity card number.")).replace("-", "")
    if len(number) != 18:
        raise IdentifierError("length", _("A resident identity card number has 18 characters."))
    if not _RIC_RE.fullmatch(number):
        raise IdentifierError("format", _("A resident identity card number has 17 digits and a final digit or X."))
    if number[-1] != ric.calc_check_digit(number):
        raise IdentifierError("checksum", _("The resident identity card number's check character is wrong."))
    bad_birth_date = IdentifierError(
        "birth_date", _("The birth date in the resident identity card number is not valid.")
    )
    try:
        birth_date = ric.get_birth_date(number)
    except InvalidComponent:
        raise bad_birth_date from None
    if birth_date.year < 1900 or birth_date > (today or date.today()):
        raise bad_birth_date
    division = number[:6]
    if not _division_known(division):
        raise IdentifierError("division", _("The resident identity card number has an unknown region code."))
    return ResidentId(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 else "F",
        division_code=division,
    )


# --------------------------------------------------------------------------- mobile


_PHONE_CHARS = re.compile(r"\(?\+?[0-9()\-.]+")
_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})


def _parse_cn_number(text: str, *, mobile: bool) -> phonenumbers.PhoneNumber:
    """Parse a phone number that must be a valid mainland China number (shared by the two validators)."""
    bad_format = IdentifierError(
        "format",
        _("Enter a mobile phone number using digits only.") if mobile else _("Enter a phone number using digits only."),
    )
    if not _PHONE_CHARS.fullmatch(text):
        raise bad_format
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise bad_format from None
    if parsed.country_code != 86:
        raise IdentifierError(
            "country",
            _("Enter a mainland China mobile phone number.") if mobile else _("Enter a mainland China phone number."),
        )
    if not phonenumbers.is_valid_number(parsed):
        raise IdentifierError("invalid", _("This is not a valid phone number."))
    return parsed


def validate_mobile(value: str) -> str:
    """Validate a mainland China mobile number and return its 11 digits.

    Accepts national (``13800138000``) and international forms (``+86 138 0013
    8000``, ``86-13800138000``, ``0086...``). Landlines are refused with
    ``not_mobile`` and numbers of other countries or regions with ``country``.
    """
    parsed = _parse_cn_number(_required(value, _("Enter a mobile phone number.")), mobile=True)
    if phonenumbers.number_type(parsed) not in _MOBILE_TYPES:
        raise IdentifierError("not_mobile", _("Enter a mobile number, not a landline."))
    national = phonenumbers.national_significant_number(parsed)
    if len(national) != 11:  # defensive: mainland mobiles are always 11 digits
        raise IdentifierError("invalid", _("This is not a valid phone number."))
    return national


def validate_phone(value: str) -> str:
    """Validate a mainland China contact number, mobile or landline, and return it normalised: 11 digits for a
    mobile, ``0<area code>-<number>`` for a landline (e.g. ``010-69712345``)."""
    parsed = _parse_cn_number(_required(value, _("Enter a phone number.")), mobile=False)
    national = phonenumbers.national_significant_number(parsed)
    if phonenumbers.number_type(parsed) in _MOBILE_TYPES:
        return national
    area = phonenumbers.length_of_geographical_area_code(parsed)
    return f"0{national[:area]}-{national[area:]}" if area else f"0{national}"


# --------------------------------------------------------------------------- ICP


@dataclass(frozen=True, slots=True)
class IcpNumber:
    """An ICP filing number (ICP备案号) or ICP licence number (ICP经营许可证号)."""

    province: str
    kind: str  # "filing" or "licence"
    number: str
    site: int | None
    text: str


_ICP_RE = re.compile(r"(?P<province>[^0-9])ICP(?P<kind>备|证)(?P<number>[0-9]+)号?(?:-(?P<site>[0-9]{1,3}))?")
# Digit bounds. Filings: current numbers have 10 digits (4-digit year + serial),
# older ones 8 (2-digit year + serial) or 6, and a few very early ones fewer,
# hence 4-10. Licences: the usual form is 6 digits (2-digit year + 4-digit
# serial); up to 8 is allowed in case licences get longer serials as filings did.
_ICP_DIGITS = {"filing": (4, 10), "licence": (6, 8)}


def validate_icp_number(value: str) -> IcpNumber:
    """Validate an ICP filing (京ICP备12345678号-1) or licence (京ICP证123456号) number.

    There is no check digit, so the structure is validated: a province
    abbreviation, ``ICP备``/``ICP证``, the digits, ``号`` (added if missing) and,
    for filings only, an optional ``-N`` website suffix. The canonical text has
    no spaces.
    """
    text = _required(value, _("Enter an ICP number."))
    match = _ICP_RE.fullmatch(text)
    if match is None:
        raise IdentifierError("format", _("Enter an ICP number like 京ICP备12345678号-1."))
    province = match["province"]
    if province not in ICP_PROVINCES:
        raise IdentifierError("province", _("The ICP number has an unknown province."))
    kind = "filing" if match["kind"] == "备" else "licence"
    number = match["number"]
    low, high = _ICP_DIGITS[kind]
    if not low <= len(number) <= high:
        raise IdentifierError("length", _("The ICP number has the wrong number of digits."))
    site: int | None = None
    if match["site"] is not None:
        site = int(match["site"])
        if kind == "licence" or site == 0:
            raise IdentifierError("format", _("Enter an ICP number like 京ICP备12345678号-1."))
    canonical = f"{province}ICP{match['kind']}{number}号" + (f"-{site}" if site else "")
    return IcpNumber(province=province, kind=kind, number=number, site=site, text=canonical)


# --------------------------------------------------------------------------- PSB


@dataclass(frozen=True, slots=True)
class PsbNumber:
    """A public security network filing number (公安机关互联网站备案号)."""

    province: str
    number: str
    division_code: str
    is_changping: bool
    text: str


_PSB_RE = re.compile(r"(?P<province>[^0-9])公网安备(?P<number>[0-9]+)号?")


def validate_psb_number(value: str) -> PsbNumber:
    """Validate a public security filing number such as 京公网安备11011402000001号.

    The 14 digits start with the 6-digit administrative division code of the
    filing police bureau, whose first two digits must match the province
    abbreviation (京 = 11, ...). ``号`` is added if missing.
    """
    text = _required(value, _("Enter a public security filing number."))
    match = _PSB_RE.fullmatch(text)
    if match is None:
        raise IdentifierError("format", _("Enter a public security filing number like 京公网安备11011402000001号."))
    province, number = match["province"], match["number"]
    prefix = PSB_PROVINCE_PREFIXES.get(province)
    if prefix is None:
        raise IdentifierError("province", _("The public security filing number has an unknown province."))
    if len(number) != 14:
        raise IdentifierError("length", _("A public security filing number has 14 digits."))
    division = number[:6]
    if not division.startswith(prefix):
        raise IdentifierError(
            "division",
            _("The public security filing number's region code does not match its province."),
        )
    return PsbNumber(
        province=province,
        number=number,
        division_code=division,
        is_changping=division == CHANGPING_DIVISION,
        text=f"{province}公网安备{number}号",
    )
