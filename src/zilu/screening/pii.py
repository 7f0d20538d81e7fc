"""Personal information: resident ID numbers, mainland mobile numbers, bank cards, USCCs and e-mail addresses.

The finders run over the *folded view* of a text (:func:`zilu.screening.charmap.pii_table`): one character for
one character, with full-width and circled digits, Chinese numerals and letters folded to ASCII, spaces to ``' '``
and dashes to ``'-'``. Offsets into it are offsets into the original text.

A number may be written in groups (``110 1011 9900…``, ``138-0013-8000``): a run of digits with single spaces or
dashes between them is split into its groups, and every sequence of whole groups of a plausible length is tried,
longest first. A number never starts or ends inside a group, so a valid-looking phone number inside a longer
order number is not reported. Groups may also be joined by up to three of ``' '``, ``-``, ``.``, ``=``, ``_``
(``138.1234.5678``, ``138 - 1234 - 5678``, ``138  1234  5678``); a number that uses such a *weak* separator must
have groups of at least three digits (a leading ``86`` aside), which keeps ``1700000000.5`` (a timestamp), IPv4
addresses, dates and version numbers out. Every rule has a check beyond the shape, and a number that fails it is
not a hit:

* ``pii.resident_id``: 18 characters, a known province code, a real birth date (1900 to today) and the ISO 7064
  check character (``stdnum.cn.ric``); the region code itself is not checked against the year (see
  ``core.identifiers`` for why stdnum's check is too strict);
* ``pii.mobile``: ``1[3-9]`` and nine more digits, optionally after ``+86``/``0086``;
* ``pii.bank_card``: 16-19 digits starting with 3-6 (UnionPay, Visa, Mastercard, JCB, Amex) with a valid Luhn digit;
* ``pii.uscc``: 18 characters of the GB 32100 alphabet, six digits of division code, the check character;
* ``pii.email``: ``local@domain.tld`` (``＠`` and a full-width dot are folded; ``。`` is accepted as a dot);
* ``pii.resident_id15``: the old 15-digit resident ID: a county code known to the GB/T 2260 history that
  ``stdnum`` ships (``cn/loc``) and a real birth date ``YYMMDD`` in the 1900s. An IMEI is 15 digits with a Luhn
  check digit, so a candidate that passes Luhn also needs an ID cue (身份证, 证件 ...) just before it.

QQ numbers, WeChat ids, landlines and passports come from :mod:`zilu.screening.contacts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import numpy as np
import numpy.typing as npt
from stdnum import luhn, numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from zilu.screening.charmap import U16, Bools
from zilu.screening.contacts import find_contacts

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
# Separators that may join the groups of a number: space, dash, dot, equals sign, underscore (at most five).
_SEPARATORS = np.zeros(0x10000, dtype=np.bool_)
_SEPARATORS[[0x20, 0x2D, 0x2E, 0x3D, 0x5F]] = True
_MAX_SEPARATOR = 5
_STRONG = (" ", "-", "")  # one space or dash, or a change of script: groups of any length (``110 1011 9900…``)
_ID_CUES = ("身份证", "身份", "证件", "证号", "id")
_ID_CUE_WINDOW = 12


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


def county_known(code: str) -> bool:
    """Whether a six-digit division code names a county in the GB/T 2260 history shipped with stdnum."""
    info = numdb.get("cn/loc").info(code)
    return len(info) == 2 and "county" in info[1][1]


def resident_id15_ok(number: str) -> bool:
    """The old 15-digit resident ID: a known county code and a real birth date ``YYMMDD`` in the 1900s."""
    if len(number) != 15 or not number.isdigit() or number[:2] not in _PROVINCES:
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return county_known(number[:6])


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
    if size == 15 and resident_id15_ok(digits):
        return "pii.resident_id15", digits
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
        return digits.startswith("00861") or (digits[:2] in _PROVINCES and digits[8] in "01")
    if size == 18 and digits[:2] in _PROVINCES and digits[6:8] in ("19", "20"):
        return True  # maybe a resident ID
    if size == 18 and digits[2:4] in _PROVINCES:
        return True  # maybe an all-digit USCC
    return 16 <= size <= 19 and digits[0] in "3456"


def _numbers(folded: str, start: int, end: int, original: str | None = None) -> list[PiiMatch]:
    """Split a run into its groups and report the longest valid sequences of whole groups, left to right.

    Only the first ``_MAX_STARTS`` group starts of a run are tried, which bounds the work on spaced-out digit spam.
    With the ``original`` text, a group also ends where the digits change script (``13800138000一直`` is a number
    and the start of 一直, not twelve digits).
    """
    groups = [(m.start(), m.end(), m.group().upper()) for m in _GROUP.finditer(folded, start, end)]
    if original is not None:
        groups = [piece for group in groups for piece in _by_script(group, original)]
    digits = "".join(g for _, _, g in groups)
    # weak[k]: groups k and k+1 are joined by something other than one space or dash
    weak = [folded[a[1] : b[0]] not in _STRONG for a, b in pairwise(groups)]
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
            if any(weak[i : k - 1]) and not _weak_groups_ok(groups, weak, i, k):
                continue
            result = classify(candidate)
            imei = result is not None and result[0] == "pii.resident_id15" and luhn.is_valid(candidate)
            if imei and not _id_cue_before(folded, groups[i][0]):
                continue  # Luhn-valid 15 digits without an ID cue: most likely an IMEI
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


def is_cjk_numeral(ch: str) -> bool:
    """Whether a character that folds to a digit is a Chinese numeral (一, 幺, 两, 〇, 壹 ...), not a digit form."""
    return ch == "\u3007" or "\u4e00" <= ch <= "\u9fff"


def _by_script(group: tuple[int, int, str], original: str) -> list[tuple[int, int, str]]:
    """A group cut where its characters change between Chinese numerals and digit forms.

    A single numeral at either end is dropped: it is a word (``…000一直``, ``两13800138000``), not a digit.
    """
    start, end, text = group
    out = []
    first = start
    for at in range(start + 1, end):
        if is_cjk_numeral(original[at]) != is_cjk_numeral(original[at - 1]) and text[at - start] != "X":
            out.append((first, at, text[first - start : at - start]))
            first = at
    out.append((first, end, text[first - start :]))
    if len(out) > 1:
        if out[0][1] - out[0][0] == 1 and is_cjk_numeral(original[out[0][0]]):
            out.pop(0)
        if out[-1][1] - out[-1][0] == 1 and is_cjk_numeral(original[out[-1][0]]):
            out.pop()
    return out


def _weak_groups_ok(groups: list[tuple[int, int, str]], weak: list[bool], first: int, stop: int) -> bool:
    """A number joined by a weak separator: the whole chain of weakly joined groups, each of three or more digits
    (``86``/``+86`` first aside), so ``2021.1380.0138.000`` holds no phone number."""
    if (first > 0 and weak[first - 1]) or (stop - 1 < len(weak) and weak[stop - 1]):
        return False
    for k in range(first, stop):
        group = groups[k][2]
        if len(group) >= 3 or (k == first and group == "86") or (k == stop - 1 and group == "X"):
            continue
        return False
    return True


def _id_cue_before(folded: str, begin: int) -> bool:
    """Whether an ID cue (身份证, 证件, ID ...) is written just before ``begin``."""
    before = folded[max(0, begin - _ID_CUE_WINDOW) : begin]
    return any(cue in before for cue in _ID_CUES)


def _groups(linked: Bools, size: int) -> tuple[I64, I64]:
    """First and last index of each group of a sequence of ``size`` items, ``linked[i]`` joining items i and i+1."""
    breaks = np.flatnonzero(~linked)
    return np.concatenate(([0], breaks + 1)), np.concatenate((breaks, [size - 1]))


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def find_pii(folded: str, codes: U16 | None = None, original: str | None = None) -> list[PiiMatch]:
    """Every validated PII occurrence in a folded text (``codes``: the same text as a uint16 array), by start.

    ``original`` is the text before folding: with it a number ends where its digits change script (``…000一直``),
    and letter case tells a WeChat id from an English word (:mod:`zilu.screening.contacts`).
    """
    if codes is None:
        codes = np.frombuffer(folded.encode("utf-16-le"), dtype=np.uint16)
    out: list[PiiMatch] = []
    # Work on the positions of digits only (a few per cent of a Chinese text), not on every character.
    digits = np.flatnonzero(np.subtract(codes, 0x30, dtype=np.uint16) <= 9)
    if len(digits) >= 11:
        step = np.diff(digits)
        # linked: next digit right after, or after one to three separators (and nothing else)
        linked = step <= _MAX_SEPARATOR + 1
        last_index = len(codes) - 1
        for k in range(1, _MAX_SEPARATOR + 1):
            linked &= (step <= k) | _SEPARATORS[codes[np.minimum(digits[:-1] + k, last_index)]]
        first, last = _groups(linked, len(digits))
        long_enough = (last - first + 1) >= 11
        for start, end in zip(digits[first[long_enough]].tolist(), (digits[last[long_enough]] + 1).tolist(),
                              strict=True):  # fmt: skip
            if folded.startswith("x", end):
                end += 1
            elif folded.startswith((" x", "-x"), end):
                end += 2
            out.extend(_numbers(folded, start, end, original))
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
    contacts = [PiiMatch(*found) for found in find_contacts(folded, original)]
    if contacts:
        taken = [(m.start, m.end) for m in out]
        out.extend(c for c in contacts if not any(c.start < e and s < c.end for s, e in taken))
    out.sort(key=lambda m: (m.start, m.end))
    return out
