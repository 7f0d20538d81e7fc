"""Contact details people post to move a conversation off the platform: QQ numbers, WeChat ids, landlines, passports.

Like :mod:`zilu.screening.pii`, the finders read the one-to-one *folded view* of a text
(:func:`zilu.screening.charmap.pii_table`: lower case, full-width and Chinese-numeral digits as ASCII, ``幺``/``两``
included, every space ``' '`` and every dash ``'-'``), so offsets are the original's and ``扣扣 一二三四五六七``
reads as ``扣扣 1234567``. A hit spans the number or id only, never its cue, so masking hides just the contact.

* ``pii.qq``: 5-11 digits, the first not ``0``, after a QQ cue (``QQ``, ``扣扣``, ``企鹅``, ``Q号``, ``球球``,
  ``加Q``, ``Q:`` ...; see :data:`QQ_CUES`). Digits may be grouped by one or two separators (``123 456 789``); the
  number may not run on into letters or a unit (``QQ 10000元`` is a price);
* ``pii.wechat``: a WeChat id after a WeChat cue (``微信``, ``vx``, ``v信``, ``wx``, ``威信``, ``薇信``, ``绿泡泡``
  ...; :data:`WECHAT_CUES`): 6-20 characters, a letter first, then letters, digits, ``_`` or ``-`` (WeChat's own
  rule). An id of letters only is taken only after an explicit marker (``微信号``, ``微信:``, ``微信是``), so
  ``微信 moments`` is not an id; ``wxid_…`` (WeChat's internal ids) needs no cue;
* ``pii.landline``: an area code and a 7-8 digit local number that libphonenumber (``phonenumbers``, Google's
  maintained numbering-plan data) accepts as a Chinese fixed line. The area code must be set off (``010-``,
  ``0755 ``, ``(021)``) or a phone cue (电话, 座机, tel ...) must come just before, so a long order number that
  happens to start with ``0`` is not a phone number;
* ``pii.passport``: after a passport cue (护照, passport) one or two letters and 7-8 digits; without a cue only the
  clear shapes of the Chinese ordinary passport, ``E`` and eight digits or ``E``, a letter other than ``I``/``O`` and
  seven digits, standing alone (``EA123456789CN``, an EMS tracking number, is not one).
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

__all__ = ["QQ_CUES", "WECHAT_CUES", "ContactMatch", "find_contacts", "landline_ok"]

#: Words people write before a QQ number (folded: lower case).
QQ_CUES = ("qq", "q q", "扣扣", "抠抠", "蔻蔻", "寇寇", "叩叩", "企鹅", "球球", "秋秋",
           "q号", "q群", "加q", "q:", "q :")  # fmt: skip
#: Words people write before a WeChat id.
WECHAT_CUES = ("微信", "威信", "薇信", "维信", "徽信", "唯信", "微亻言", "vx", "v x", "v信", "wx", "wechat",
               "weixin", "绿泡泡", "加v", "加微", "v:", "v :")  # fmt: skip
#: Words people write before a passport number.
PASSPORT_CUES = ("护照", "護照", "passport")
#: Words that make an unseparated area code and local number a landline (``电话075588889999``).
PHONE_CUES = ("电话", "電話", "座机", "座機", "固话", "固話", "热线", "熱線", "联系", "聯繫",
              "tel", "phone", "致电", "拨打")  # fmt: skip

_FILLER = r"(?:[ :=~\-/()<>\[\]【】「」『』“”\"'#]|号码|号|號|码|碼|是|为|為|加|的|群号|群){0,6}"
_EXPLICIT = re.compile(r"号|號|是|为|為|:")
_QQ_NUMBER = re.compile(_FILLER + r"([1-9](?:[0-9]|[ \-]{1,2}(?=[0-9])){4,20})")
_WECHAT_ID = re.compile(f"({_FILLER})" + r"([a-z][a-z0-9_\-]{5,19})(?![a-z0-9_\-]|\.[a-z]|@)")
_WECHAT_MIN = 6
_WXID = re.compile(r"wxid_[a-z0-9]{6,20}(?![a-z0-9_\-])")
_PASSPORT_AFTER_CUE = re.compile(r"(?:号码|号|號|no\.?|number)?" + _FILLER + r"([a-z]{1,2}[0-9]{7,9})")
_PASSPORT_SHAPE = re.compile(r"[a-z]{1,2}[0-9]{7,8}")
_PASSPORT_BARE = re.compile(r"e(?:[0-9]{8}|[a-hj-np-z][0-9]{7})")
# An area code and a local number, led by a literal ("0", "(0") so that Python's scan for it is fast.
_LOCAL = r"([2-9][0-9]{2,3}[ \-]?[0-9]{4})"  # local number, maybe in two groups
_LANDLINE = re.compile(r"(0[1-9][0-9]{1,2})( {0,2}- {0,2}| {1,2}|)" + _LOCAL)  # set off by a dash or spaces, or not
_LANDLINE_BRACKETS = re.compile(r"\((0[1-9][0-9]{1,2})\)( {0,2})" + _LOCAL)


def _by_first_char(words: set[str]) -> str:
    """An alternation grouped by first character (``微(?:信)|加(?:q|v|微)``): a plain alternation of 40 words
    tries each at every 加 or 微 of a text, this tries one."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


_CUE = re.compile(_by_first_char({*QQ_CUES, *WECHAT_CUES, *PASSPORT_CUES}))
_UNITS = frozenset("元块圆岁年月日天号人个次万亿千百%分秒米斤克件条张位名楼层")
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_LATIN_OR_AT = _LATIN | {"@", "_"}
_CUE_WINDOW = 10
_NUMBER_SEPARATORS = frozenset(" -")
_UNIT_DIGITS = 6  # a longer number before 元 or 个 is no price or count


class ContactMatch(NamedTuple):
    """A contact found in the folded text: offsets (= original offsets), label and canonical value."""

    start: int
    end: int
    label: str
    value: str


@cache
def _kinds() -> dict[str, str]:
    out = {cue: "pii.qq" for cue in QQ_CUES}
    out.update({cue: "pii.wechat" for cue in WECHAT_CUES})
    out.update({cue: "pii.passport" for cue in PASSPORT_CUES})
    return out


def landline_ok(digits: str) -> bool:
    """Whether ``digits`` (area code with its 0, then the local number) is a valid Chinese fixed-line number."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(parsed)
    fixed = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.is_valid_number(parsed) and kind in fixed


def _script_end(original: str | None, start: int, end: int) -> int:
    """Where the digits from ``start`` change between Chinese numerals and digit forms (``12345678一直``)."""
    if original is None:
        return end
    cjk = _is_cjk_numeral(original[start])
    for at in range(start + 1, end):
        if original[at] not in _NUMBER_SEPARATORS and _is_cjk_numeral(original[at]) != cjk:
            return at
    return end


def _is_cjk_numeral(ch: str) -> bool:
    return ch == "\u3007" or "\u4e00" <= ch <= "\u9fff"


def _qq(folded: str, at: int, original: str | None) -> ContactMatch | None:
    found = _QQ_NUMBER.match(folded, at)
    if found is None:
        return None
    start = found.start(1)
    stop = _script_end(original, start, found.end(1))
    groups = [(m.start(), m.end()) for m in re.finditer(r"[0-9]+", folded[start:stop])]
    # the longest run of whole groups with 5-11 digits that does not run on into a letter or a unit
    for n in range(len(groups), 0, -1):
        end = start + groups[n - 1][1]
        digits = re.sub(r"[^0-9]", "", folded[start:end])
        if not 5 <= len(digits) <= 11:
            continue
        after = folded[end : end + 1]
        runs_on = after in _LATIN or (after in _UNITS and len(digits) <= _UNIT_DIGITS)
        if n == len(groups) and after and end == found.end(1) and runs_on:
            continue  # runs on into a word, or a price or count (QQ 10000元)
        return ContactMatch(start, end, "pii.qq", digits)
    return None


def _wechat(folded: str, at: int, original: str | None) -> ContactMatch | None:
    found = _WECHAT_ID.match(folded, at)
    if found is None:
        return None
    filler, value = found.group(1), found.group(2)
    end = _script_end(original, found.start(2), found.end(2))
    if end < found.end(2):
        value = value[: end - found.start(2)]  # 微信 abc123一次: the id ends before 一
        if len(value) < _WECHAT_MIN:
            return None
    if not filler and folded[at - 1] in _LATIN:
        return None  # "wxf660709", "vxabc": one word, not a cue and an id
    explicit = _EXPLICIT.search(filler) is not None or folded[max(0, at - 1) : at] in ("号", "號")
    if not explicit and value.isalpha() and not _mixed_case(original, found.start(2), end):
        return None  # 微信 moments: an English word, not an id (tuTJZVgCBn, with its mixed case, is one)
    return ContactMatch(found.start(2), end, "pii.wechat", value)


def _mixed_case(original: str | None, start: int, end: int) -> bool:
    """Whether the original letters mix cases beyond a capital first letter (``tuTJZVgCBn``; not ``Moments``)."""
    if original is None:
        return False
    word = original[start:end]
    rest = word[1:]
    return any(ch.isupper() for ch in rest) and any(ch.islower() for ch in word)


def _ends_clean(folded: str, end: int, original: str | None) -> bool:
    """Nothing glued after a code at ``end``, or only a Chinese numeral (``E12345678一直`` folds to ``…781直``)."""
    return end >= len(folded) or folded[end] not in _LATIN or (original is not None and _is_cjk_numeral(original[end]))


def _starts_clean(folded: str, start: int, original: str | None) -> bool:
    """Nothing glued before a code at ``start``, or only a Chinese numeral (``一ES3837952``)."""
    before = start - 1
    return before < 0 or folded[before] not in _LATIN or (original is not None and _is_cjk_numeral(original[before]))


def _passport(folded: str, at: int, original: str | None) -> ContactMatch | None:
    found = _PASSPORT_AFTER_CUE.match(folded, at)
    if found is None:
        return None
    start, end = found.start(1), _script_end(original, found.start(1), found.end(1))
    if not _PASSPORT_SHAPE.fullmatch(folded, start, end) or not _ends_clean(folded, end, original):
        return None
    return ContactMatch(start, end, "pii.passport", folded[start:end].upper())


def _phone_cue_before(folded: str, begin: int) -> bool:
    before = folded[max(0, begin - _CUE_WINDOW) : begin]
    return any(cue in before for cue in PHONE_CUES)


def _landlines(folded: str, original: str | None) -> list[ContactMatch]:
    out = []
    found = list(_LANDLINE.finditer(folded))
    if "(0" in folded:
        found += _LANDLINE_BRACKETS.finditer(folded)
    for match in found:
        begin = match.start()
        before = folded[max(0, begin - 2) : begin]
        glued = before[-1:].isdigit() and not (original is not None and _is_cjk_numeral(original[begin - 1]))
        if glued or (len(before) == 2 and before[1] in "-._" and before[0].isdigit()):
            continue  # inside a longer number (2024-0755-...), not after a word like 一
        end = _script_end(original, begin + 1, match.end())
        if end < match.end():  # (0951)6184800一下: the number ends before 一
            pattern = _LANDLINE_BRACKETS if folded[begin] == "(" else _LANDLINE
            match = pattern.fullmatch(folded, begin, end)  # type: ignore[assignment]
            if match is None:
                continue
        elif end < len(folded) and folded[end].isdigit() and not (original and _is_cjk_numeral(original[end])):
            continue  # runs on into more digits (not into a word such as 一直)
        bracketed = folded[begin] == "("
        if not bracketed and match.group(2) == "" and not _phone_cue_before(folded, begin):
            continue  # 075588889999 with nothing to say it is a phone number: maybe an order number
        digits = re.sub(r"[^0-9]", "", match.group())
        if landline_ok(digits):
            out.append(ContactMatch(begin, end, "pii.landline", digits))
    return out


def find_contacts(folded: str, original: str | None = None) -> list[ContactMatch]:
    """QQ numbers, WeChat ids, landlines and passports in a folded text, by start (overlaps: the first wins).

    ``original``, the text before folding, ends a number where its digits change script and tells a mixed-case
    WeChat id from an English word; without it both rules are off."""
    out: list[ContactMatch] = []
    kinds = _kinds()
    pos = 0
    while (cue := _CUE.search(folded, pos)) is not None:
        pos = cue.start() + 1  # cues overlap (加微信, 加vx): on a miss try the next position too
        text = cue.group()
        before = cue.start() - 1
        glued = before >= 0 and folded[before] in _LATIN_OR_AT
        if text[0] in _LATIN and glued and (original is None or not _is_cjk_numeral(original[before])):
            continue  # inside a word or a mention: "faq", "@wxyz" (but 一v信 is a numeral and a cue)
        kind = kinds[text]
        at = cue.end()
        if kind == "pii.qq":
            match = _qq(folded, at, original)
        elif kind == "pii.wechat":
            match = _wechat(folded, at, original)
        else:
            match = _passport(folded, at, original)
        if match is not None:
            out.append(match)
            pos = match.end
    if "wxid_" in folded:
        for found in _WXID.finditer(folded):
            if found.start() == 0 or folded[found.start() - 1] not in _LATIN:
                out.append(ContactMatch(found.start(), found.end(), "pii.wechat", found.group()))
    if "e" in folded:
        for found in _PASSPORT_BARE.finditer(folded):
            if not _ends_clean(folded, found.end(), original):
                continue
            if _starts_clean(folded, found.start(), original):
                out.append(ContactMatch(found.start(), found.end(), "pii.passport", found.group().upper()))
    if "0" in folded:
        out.extend(_landlines(folded, original))
    out.sort(key=lambda m: (m.start, -m.end))
    kept: list[ContactMatch] = []
    for match in out:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept
