"""Personal information: resident ID numbers, mainland mobile numbers, bank cards, USCCs and e-mail addresses.

The finders run over the *folded view* of a text (:func:`zilu.screening.charmap.pii_table`): one character for
one character, with full-width and circled digits, Chinese numerals and letters folded to ASCII, spaces to ``' '``
and dashes to ``'-'``. Offsets into it are offsets into the original text.

A number may be written in groups (``110 1011 9900…``, ``138-0013-8000``): a run of digits with single spaces or
dashes between them is split into its groups, and every sequence of whole groups of a plausible length is tried,
longest first. A number never starts or ends inside a group, so a valid-looking phone number inside a longer
order number is not reported. Every rule has a check beyond the shape, and a number that fails it is not a hit:

* ``pii.resident_id``: 18 characters, a known province code, a real birth date (1900 to today) and the ISO 7064
  check character (``stdnum.cn.ric``); the region code itself is not checked against the year (see
  ``core.identifiers`` for why stdnum's check is too strict);
* ``pii.mobile``: ``1[3-9]`` and nine more digits, optionally after ``+86``/``0086``;
* ``pii.bank_card``: 16-19 digits starting with 3-6 (UnionPay, Visa, Mastercard, JCB, Amex) with a valid Luhn digit;
* ``pii.uscc``: 18 characters of the GB 32100 alphabet, six digits of division code, the check character;
* ``pii.email``: ``local@domain.tld`` (``＠`` and a full-width dot are folded; ``。`` is accepted as a dot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from zilu.screening.charmap import U16, Bools

I64 = npt.NDArray[np.int64]

_GROUP = re.compile(r"[0-9]+x?|x")
_EMAIL = re.compile(
    r"@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:[.。][a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*[.。][a-z]{2,24}(?![a-z0-9-])"
)
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_USCC_ALPHABET = frozenset("0123456789ABCDEFGHJKLMNPQRTUWXY")
# GB/T 2260 province-level codes, plus 71 (Taiwan) and 81-83 (Hong Kong, Macao, Taiwan residence permits).
_PROVINCE_CODES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46)
_PROVINCES = frozenset(str(code) for code in (*_PROVINCE_CODES, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83))
_LENGTHS = (19, 18, 17, 16, 15, 13, 11)  # digits in a card, ID/USCC, card, card, 0086+mobile, 86+mobile, mobile
_MAX_STARTS = 256  # group starts tried per run of digits


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """A validated personal-information number: offsets into the folded (= original) text, label and value."""

    start: int
    end: int
    label: str
    value: str


def resident_id_ok(number: str, today: date | None = None) -> bool:
    """18 characters, a province code, a real birth date from 1900 to today, and the right check character."""
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return False
    if number[:2] not in _PROVINCES or ric.calc_check_digit(number) != number[17]:
        return False
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return False
    return born.year >= 1900 and born <= (today or date.today())


def uscc_ok(code: str) -> bool:
    """A unified social credit code: alphabet, authority, six-digit division code and check character."""
    if len(code) != 18 or not set(code) <= _USCC_ALPHABET or not code[2:8].isdigit():
        return False
    if code[0] not in "123456789ANY":
        return False
    return uscc.calc_check_digit(code[:17]) == code[17]


def bank_card_ok(number: str) -> bool:
    """16-19 digits from a card scheme that issues in China, with a valid Luhn check digit."""
    return 16 <= len(number) <= 19 and number.isdigit() and number[0] in "3456" and luhn.is_valid(number)


def classify(digits: str) -> tuple[str, str] | None:
    """``(label, value)`` for a run of digits (an ID may end in ``X``), or ``None`` when no rule accepts it."""
    size = len(digits)
    if size == 18 and resident_id_ok(digits):
        return "pii.resident_id", digits
    if "X" in digits:
        return None
    if size == 11 and _MOBILE.fullmatch(digits):
        return "pii.mobile", digits
    if size == 13 and digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        return "pii.mobile", digits[2:]
    if size == 15 and digits.startswith("0086") and _MOBILE.fullmatch(digits[4:]):
        return "pii.mobile", digits[4:]
    if size == 18 and uscc_ok(digits):
        return "pii.uscc", digits
    if bank_card_ok(digits):
        return "pii.bank_card", digits
    return None


def _plausible(digits: str) -> bool:
    """A cheap look at the shape before any checksum is computed (most digit strings fail here)."""
    size = len(digits)
    if size == 11:
        return digits[0] == "1" and digits[1] in "3456789"
    if size == 13:
        return digits.startswith("861")
    if size == 15:
        return digits.startswith("00861")
    if size == 18 and digits[:2] in _PROVINCES and digits[6:8] in ("19", "20"):
        return True  # maybe a resident ID
    if size == 18 and digits[2:4] in _PROVINCES:
        return True  # maybe an all-digit USCC
    return 16 <= size <= 19 and digits[0] in "3456"


def _numbers(folded: str, start: int, end: int) -> list[PiiMatch]:
    """Split a run into its groups and report the longest valid sequences of whole groups, left to right.

    Only the first ``_MAX_STARTS`` group starts of a run are tried, which bounds the work on spaced-out digit spam.
    """
    groups = [(m.start(), m.end(), m.group().upper()) for m in _GROUP.finditer(folded, start, end)]
    digits = "".join(g for _, _, g in groups)
    bounds = [0]
    for _, _, group in groups:
        bounds.append(bounds[-1] + len(group))
    boundary = {offset: k for k, offset in enumerate(bounds)}  # digit offset -> index of the group ending there
    out = []
    i = 0
    tried = 0
    while i < len(groups) and tried < _MAX_STARTS:
        tried += 1
        first = bounds[i]
        found = None
        for size in _LENGTHS:
            k = boundary.get(first + size)
            if k is None:
                continue
            candidate = digits[first : first + size]
            if "X" in candidate[:-1] or not _plausible(candidate):
                continue
            result = classify(candidate)
            if result is not None:
                found = (k - 1, result)
                break
        if found is None:
            i += 1
            continue
        last, (label, value) = found
        begin = groups[i][0]
        if label == "pii.mobile" and begin > 0 and folded[begin - 1] == "+":
            begin -= 1
        out.append(PiiMatch(begin, groups[last][1], label, value))
        i = last + 1
    return out


def _groups(linked: Bools, size: int) -> tuple[I64, I64]:
    """First and last index of each group of a sequence of ``size`` items, ``linked[i]`` joining items i and i+1."""
    breaks = np.flatnonzero(~linked)
    return np.concatenate(([0], breaks + 1)), np.concatenate((breaks, [size - 1]))


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def find_pii(folded: str, codes: U16 | None = None) -> list[PiiMatch]:
    """Every validated PII occurrence in a folded text (``codes``: the same text as a uint16 array), by start."""
    if codes is None:
        codes = np.frombuffer(folded.encode("utf-16-le"), dtype=np.uint16)
    out: list[PiiMatch] = []
    # Work on the positions of digits only (a few per cent of a Chinese text), not on every character.
    digits = np.flatnonzero(np.subtract(codes, 0x30, dtype=np.uint16) <= 9)
    if len(digits) >= 11:
        step = np.diff(digits)
        between = codes[digits[:-1] + 1]
        linked = (step == 1) | ((step == 2) & ((between == 0x20) | (between == 0x2D)))
        first, last = _groups(linked, len(digits))
        long_enough = (last - first + 1) >= 11
        for start, end in zip(digits[first[long_enough]].tolist(), (digits[last[long_enough]] + 1).tolist(),
                              strict=True):  # fmt: skip
            if folded.startswith("x", end):
                end += 1
            elif folded.startswith((" x", "-x"), end):
                end += 2
            out.extend(_numbers(folded, start, end))
    if len(digits) >= 6:
        # USCCs with letters: an 18-character token of letters and digits with six digits in a row inside.
        first, last = _groups(np.diff(digits) == 1, len(digits))
        seen = set()
        for anchor in digits[first[(last - first + 1) >= 6]].tolist():
            begin = anchor
            while begin > 0 and _is_alnum(folded[begin - 1]) and anchor - begin < 18:
                begin -= 1
            end = anchor
            while end < len(folded) and _is_alnum(folded[end]) and end - begin < 19:
                end += 1
            if end - begin != 18 or begin in seen or (begin > 0 and _is_alnum(folded[begin - 1])):
                continue
            seen.add(begin)
            code = folded[begin:end].upper()
            if not code.isdigit() and uscc_ok(code):
                out.append(PiiMatch(begin, end, "pii.uscc", code))
    if "@" in folded:
        for match in _EMAIL.finditer(folded):
            at = match.start()
            begin = at
            while begin > 0 and folded[begin - 1] in _LOCAL:
                begin -= 1
            while begin < at and not folded[begin].isalnum():
                begin += 1
            if begin < at:
                value = folded[begin : match.end()].replace("。", ".")
                out.append(PiiMatch(begin, match.end(), "pii.email", value))
    out.sort(key=lambda m: (m.start, m.end))
    return out
