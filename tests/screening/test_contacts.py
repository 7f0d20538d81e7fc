"""Contact details and separated numbers: QQ, WeChat, landlines, passports, old IDs, mobiles in every spelling.

Each form is found with its label and canonical value, and the look-alikes people post every day (order numbers,
timestamps, IMEIs, tracking numbers, prices, dates, versions) are not.
"""

from __future__ import annotations

import itertools
import random

import pytest
from stdnum import luhn

from tests.conftest import SHARED_DIR, require_shared
from zilu.screening import Banks, Policy, Screener
from zilu.screening.contacts import find_contacts, landline_ok
from zilu.screening.detectors import Block
from zilu.screening.pii import resident_id15_ok

SCREENER = Screener(Banks(), Policy(clickbait=False))
NEW_LABELS = {"pii.qq", "pii.wechat", "pii.landline", "pii.passport", "pii.resident_id15"}


def pii(text: str, screener: Screener = SCREENER) -> list[tuple[str, str, str | None]]:
    verdict = screener.screen(text)
    for hit in verdict.hits:
        assert text[hit.start : hit.end] == hit.text
    return [(h.label, h.text, h.value) for h in verdict.hits]


def imei(body: str) -> str:
    return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("电话 138.1234.5678", "13812345678"),
        ("电话 138 - 1234 - 5678 找我", "13812345678"),
        ("电话 138  1234  5678", "13812345678"),
        ("138=1234=5678", "13812345678"),
        ("138_1234_5678", "13812345678"),
        ("138．1234．5678", "13812345678"),  # full-width dots
        ("+86.138.1234.5678", "13812345678"),
        ("幺三八两三四五六七八九", "13823456789"),
        ("幺三八 两三四五 六七八九", "13823456789"),
        ("壹叁捌 贰叁肆伍 陆柒捌玖", "13823456789"),
    ],
)
def test_mobile_numbers_in_every_separator(text, value):
    assert [(label, v) for label, _, v in pii(text)] == [("pii.mobile", value)]


@pytest.mark.parametrize(
    "text",
    [
        "时间戳 1700000000.5",  # 10 + 1 digits: a timestamp with a decimal
        "1381234567.8 秒",
        "服务器 139.199.123.45",  # an IPv4 address
        "v1.2.3 和 2024.01.15",
        "价格 138.00元",
        "订单号 2021.1380.0138.000",  # groups of four, but 15 digits: no rule
        "2024-01-15 13:45:30",
    ],
)
def test_weak_separators_do_not_join_timestamps_addresses_or_dates(text):
    assert pii(text) == []


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("我的QQ541943256 宁愿了解后放弃", "pii.qq", "541943256"),
        ("联系QQ:413578720加好友", "pii.qq", "413578720"),
        ("扣扣：一二三四五六七", "pii.qq", "1234567"),
        ("企鹅号是 98765 4321", "pii.qq", "987654321"),
        ("加Q 12345678", "pii.qq", "12345678"),
        ("球球 幺二三四五六", "pii.qq", "123456"),
        ("Q号：10001", "pii.qq", "10001"),
        ("qq群 123456789 欢迎", "pii.qq", "123456789"),
        ("加入微信：siwei1231", "pii.wechat", "siwei1231"),
        ("微信号ManchesterOT】", "pii.wechat", "manchesterot"),
        ("vx abc_123", "pii.wechat", "abc_123"),
        ("加v wx123456", "pii.wechat", "wx123456"),
        ("绿泡泡 zhang-san9", "pii.wechat", "zhang-san9"),
        ("威信: Hello_2024", "pii.wechat", "hello_2024"),
        ("v信 lisi88888", "pii.wechat", "lisi88888"),
        ("wxid_abc123def", "pii.wechat", "wxid_abc123def"),
        ("微信 tuTJZVgCBn", "pii.wechat", "tutjzvgcbn"),  # letters only, but mixed case: an id, not a word
        ("座机 010-62345678", "pii.landline", "01062345678"),
        ("(0755)88889999", "pii.landline", "075588889999"),
        ("电话075588889999", "pii.landline", "075588889999"),
        ("热线 021 6234 5678", "pii.landline", "02162345678"),
        ("零七五五 八八八八 九九九九", "pii.landline", "075588889999"),
        ("护照号 E12345678", "pii.passport", "E12345678"),
        ("护照：G12345678", "pii.passport", "G12345678"),
        ("证件 EA1234567 已过期", "pii.passport", "EA1234567"),
        ("身份证 110105491231002", "pii.resident_id15", "110105491231002"),
        ("老身份证440106661007203,", "pii.resident_id15", "440106661007203"),
    ],
)
def test_contacts_are_found_at_review(text, label, value):
    verdict = SCREENER.screen(text)
    assert [(h.label, h.value) for h in verdict.hits] == [(label, value)]
    assert verdict.suggestion == "review"


@pytest.mark.parametrize(
    "text",
    [
        "qq 10000元",  # a price after the cue
        "qq音乐 123456789",  # not a QQ number: a product name between
        "qq 2023年",
        "微信 moments 很好看",  # a word, not an id
        "微信 support",
        "@wxf660709 要不断学习理论",  # a mention that starts with wx
        "微信公众号 weixin.qq.com",  # a domain
        "订单 075588889999",  # no separator, no phone cue
        "编号 0123-4567890",  # no such area code
        "EA123456789CN",  # an EMS tracking number
        "SF1234567890123 JD0012345678901 YT1234567890123",
        "型号 E1234567",  # seven digits
        "1e12345678",
    ],
)
def test_contact_look_alikes_are_not_hits(text):
    assert pii(text) == []


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("13800138000一直打不通", "pii.mobile", "13800138000"),
        ("加我两13800138000", "pii.mobile", "13800138000"),
        ("138零零138000", "pii.mobile", "13800138000"),  # numerals mixed into the digits: still one number
        ("QQ 12345678一直在线", "pii.qq", "12345678"),
        ("身份证310204550527187一直没换", "pii.resident_id15", "310204550527187"),
        ("电话0755-88889999一直占线", "pii.landline", "075588889999"),
        ("第一0755-88889999", "pii.landline", "075588889999"),
        ("那几年E82737294一直以", "pii.passport", "E82737294"),
        ("护照号：EV6803675一趟", "pii.passport", "EV6803675"),
        ("关注(0951)6184800一下", "pii.landline", "09516184800"),
        ("宝快一V: aCSP9G周岁了", "pii.wechat", "acsp9g"),  # 一 before a Latin cue is not a letter of a word
        ("微信 Fr2cyhNQQJ13igR7一次", "pii.wechat", "fr2cyhnqqj13igr7"),
    ],
)
def test_a_chinese_numeral_word_next_to_a_number_is_not_a_digit(text, label, value):
    # 一直, 两次: 一 and 两 fold to digits, but a single numeral glued to digits written as digits is a word
    assert [(h.label, h.value) for h in SCREENER.screen(text).hits] == [(label, value)]


def test_a_luhn_valid_fifteen_digit_number_needs_an_id_cue():
    # 110105 491231 00x with the last digit chosen so the number passes Luhn: an IMEI shape
    number = imei("11010549123100")
    assert resident_id15_ok(number) and luhn.is_valid(number)
    assert pii(f"IMEI {number}") == []
    assert pii(f"身份证 {number}") == [("pii.resident_id15", number, number)]


def test_imeis_are_not_old_ids():
    rng = random.Random(7)
    for _ in range(2000):
        number = imei("".join(rng.choice("0123456789") for _ in range(14)))
        assert all(label != "pii.resident_id15" for label, _, _ in pii(f"IMEI {number}")), number


def test_old_id_needs_a_known_county_and_a_birth_date():
    assert resident_id15_ok("110105491231002")
    assert not resident_id15_ok("110105491331002")  # month 13
    assert not resident_id15_ok("119905491231002")  # no county 1199
    assert not resident_id15_ok("990105491231002")  # no province 99


def test_landline_validation_uses_the_numbering_plan():
    assert landline_ok("01062345678") and landline_ok("075588889999")
    assert not landline_ok("01262345678")  # 012 is no area code
    assert not landline_ok("0755888899")  # too short


def test_contact_and_mobile_never_overlap():
    found = pii("QQ 13800138000")
    assert found == [("pii.mobile", "13800138000", "13800138000")]


def test_contacts_are_masked_like_other_pii():
    screener = Screener(Banks(), Policy(mask=("pii.*",), clickbait=False))
    verdict = screener.screen("加微信：siwei1231 或QQ 12345678")
    assert verdict.masked_text == "加微信：********* 或QQ ********"


def test_contact_offsets_match_the_block():
    text = "联系QQ:413578720加好友\n微信: abc_123"
    block = Block.of([(text, None)])
    found = find_contacts(block.folded)
    assert [(text[m.start : m.end], m.label) for m in found] == [("413578720", "pii.qq"), ("abc_123", "pii.wechat")]


def test_real_posts_have_few_contact_hits():
    """On 50,000 real Weibo posts the new labels fire on at most 0.05% (every one seen by hand is a real contact)."""
    corpus = require_shared(SHARED_DIR / "data" / "corpus" / "weibo_ced_posts.txt")
    with corpus.open(encoding="utf-8") as handle:
        posts = [line.rstrip("\n") for line in itertools.islice(handle, 50_000)]
    flagged = sum(any(h.label in NEW_LABELS for h in v.hits) for v in SCREENER.screen_many(posts))
    assert flagged <= len(posts) * 0.0005
