"""Tests for the pure-Python convention text parser (no Django needed)."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
from pathlib import Path

import pytest

from zilu.convention.parser import (
    BUNDLED_V1,
    Article,
    Chapter,
    ConventionParseError,
    Item,
    ParsedConvention,
    canonical_text,
    cn_numeral,
    parse_convention,
    render_text,
    text_sha256,
    to_cn_numeral,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(os.environ.get("ZILU_SHARED_DIR") or REPO_ROOT / ".." / "shared")
SHARED_TEXT = SHARED_DIR / "convention" / "changping-convention.txt"


def _read(source: str) -> str:
    if source == "bundled":
        return BUNDLED_V1.read_bytes().decode("utf-8")
    if not SHARED_TEXT.is_file():
        reason = f"shared convention text not found at {SHARED_TEXT} (set ZILU_SHARED_DIR)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED_TEXT.read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def shared_raw() -> str:
    return _read("shared")


@pytest.fixture(scope="module", params=["shared", "bundled"])
def raw(request: pytest.FixtureRequest) -> str:
    """The convention text from the shared folder, and the copy the product ships."""
    return _read(request.param)


@pytest.fixture(scope="module")
def parsed(raw: str) -> ParsedConvention:
    return parse_convention(raw)


def doc(*lines: str) -> str:
    """A small convention text, one argument per line."""
    return "\n".join(lines) + "\n"


# --- the real convention ---------------------------------------------------------------------


def test_title_and_chapters(parsed: ParsedConvention) -> None:
    assert parsed.title == "昌平区互联网行业自律公约"
    assert [c.number for c in parsed.chapters] == [1, 2, 3, 4]
    assert [c.title for c in parsed.chapters] == ["总则", "自律条款", "公约的执行", "附则"]
    assert parsed.chapters[0].heading == "第一章 总 则"
    assert parsed.chapters[3].heading == "第四章 附 则"
    assert parsed.preamble == ""


def test_articles_numbered_1_to_25(parsed: ParsedConvention) -> None:
    assert [a.number for a in parsed.articles] == list(range(1, 26))
    assert parsed.article(12).title_cn == "第十二条"
    assert parsed.article(25).title_cn == "第二十五条"
    assert parsed.article(12).anchor == "art-12"
    with pytest.raises(KeyError):
        parsed.article(26)


def test_chapter_membership(parsed: ParsedConvention) -> None:
    expected = {1: range(1, 6), 2: range(6, 18), 3: range(18, 21), 4: range(21, 26)}
    for chapter in parsed.chapters:
        assert [a.number for a in chapter.articles] == list(expected[chapter.number])
        assert all(a.chapter == chapter.number for a in chapter.articles)


def test_article_12_items(parsed: ParsedConvention) -> None:
    art = parsed.article(12)
    assert art.paragraphs == ("互联网信息服务者应自觉履行的自律义务：",)
    assert [i.label for i in art.items] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    assert [i.number for i in art.items] == [1, 2, 3, 4, 5]
    assert art.items[0].text.startswith("严格落实先审后发制度")
    assert art.layout == "piiiii"
    assert art.text.startswith("第十二条 互联网信息服务者应自觉履行的自律义务：\n\n(一) 严格落实")


def test_article_18_has_two_paragraphs(parsed: ParsedConvention) -> None:
    art = parsed.article(18)
    assert len(art.paragraphs) == 2
    assert art.paragraphs[1].startswith("开展评优活动")
    assert art.items == ()


def test_article_22_and_plain_articles(parsed: ParsedConvention) -> None:
    assert "十分之一以上" in parsed.article(22).text
    assert parsed.article(21).paragraphs[0].endswith("生效后的 30 日内由昌平区互联网协会向社会公布。")
    assert parsed.article(3).text == "第三条 互联网行业自律的基本原则是爱国、守法、公平、诚信。"


def test_signature_block(parsed: ParsedConvention) -> None:
    sig = parsed.signature_block
    assert sig.startswith("签约成员：")
    assert "签约时间：2021.7.15" in sig
    assert sig.endswith("二六三网络通信股份有限公司")
    assert "签约" not in parsed.article(25).text


def test_bundled_fixture_is_identical(shared_raw: str) -> None:
    bundled = BUNDLED_V1.read_bytes()
    assert bundled == SHARED_TEXT.read_bytes()
    assert text_sha256(bundled.decode("utf-8")) == text_sha256(shared_raw)
    assert parse_convention(bundled.decode("utf-8")) == parse_convention(shared_raw)


# --- canonical text ---------------------------------------------------------------------------


def test_canonical_text_variants_hash_the_same(raw: str) -> None:
    base = text_sha256(raw)
    crlf = raw.replace("\n", "\r\n")
    cr = raw.replace("\n", "\r")
    trailing = "\n".join(line + " \t\u3000" for line in raw.split("\n"))
    blanks = "\ufeff\n\n\n" + raw.replace("\n\n", "\n\n\n\n") + "\n\n\n"
    for variant in (crlf, cr, trailing, blanks):
        assert text_sha256(variant) == base
    assert text_sha256(raw.replace("总 则", "总则")) != base


def test_canonical_text_rules() -> None:
    assert canonical_text("") == ""
    assert canonical_text(" \n\r\n ") == ""
    assert canonical_text("\ufeffa  \r\n\r\n\r\n  b\rc") == "a\n\n  b\nc\n"
    assert canonical_text("e\u0301") == "\u00e9\n"  # NFC
    assert canonical_text("x\n") == canonical_text(canonical_text("x\n"))


# --- numerals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("零", 0),
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十二", 12),
        ("一十二", 12),
        ("二十", 20),
        ("二十五", 25),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("九百九十九", 999),
    ],
)
def test_cn_numeral(text: str, value: int) -> None:
    assert cn_numeral(text) == value


@pytest.mark.parametrize(
    "garbage",
    ["", "十十", "百", "一千", "零五", "一百零", "一百十", "一百一", "二十零", "两", "12", "十\n"],
)
def test_cn_numeral_rejects_garbage(garbage: str) -> None:
    with pytest.raises(ValueError):
        cn_numeral(garbage)


def test_to_cn_numeral_inverts_cn_numeral() -> None:
    assert [to_cn_numeral(n) for n in (10, 12, 25, 105, 110)] == [
        "十",
        "十二",
        "二十五",
        "一百零五",
        "一百一十",
    ]
    assert all(cn_numeral(to_cn_numeral(n)) == n for n in range(1000))
    with pytest.raises(ValueError):
        to_cn_numeral(1000)


# --- errors -----------------------------------------------------------------------------------

ERROR_CASES = {
    "gap": (
        doc("公约", "", "第一章 总则", "", "第一条 甲。", "", "第三条 丙。"),
        7,
        "expected 第二条",
    ),
    "duplicate": (doc("公约", "", "第一章 总则", "第一条 甲。", "第一条 乙。"), 5, "duplicate"),
    "starts-at-2": (doc("公约", "第一章 总则", "第二条 乙。"), 3, "expected 第一条"),
    "no-chapter": (doc("公约", "", "第一条 甲。", "第二条 乙。"), 3, "no chapters"),
    "empty-text": ("\n \n", 1, "empty"),
    "chapter-gap": (
        doc("公约", "第一章 总则", "第一条 甲。", "第三章 附则", "第二条 乙。"),
        4,
        "第二章",
    ),
    "items-order": (
        doc("公约", "第一章 总则", "第一条 甲：", "(一) 子。", "", "(三) 寅。"),
        6,
        "expected (二)",
    ),
    "items-start": (doc("公约", "第一章 总则", "第一条 甲：", "(二) 丑。"), 4, "expected (一)"),
    "empty-article": (doc("公约", "", "第一章 总则", "", "第一条", "", "第二条 乙。"), 5, "empty"),
    "empty-last-article": (doc("公约", "第一章 总则", "第一条 甲。", "第二条"), 4, "empty"),
    "text-before-chapter": (
        doc("公约", "", "前言。", "", "第一章 总则", "第一条 甲。"),
        3,
        "title",
    ),
    "article-before-chapter": (doc("公约", "第一条 甲。", "第一章 总则"), 2, "first chapter"),
    "heading-first": (doc("第一章 总则", "第一条 甲。"), 1, "title"),
    "empty-chapter": (doc("公约", "第一章 总则", "第二章 附则", "第一条 甲。"), 2, "no articles"),
    "text-before-article": (doc("公约", "第一章 总则", "说明。", "第一条 甲。"), 3, "before"),
    "item-first": (doc("公约", "第一章 总则", "第一条", "(一) 子。"), 4, "paragraph"),
    "empty-item": (doc("公约", "第一章 总则", "第一条 甲：", "(一)"), 4, "empty item"),
    "bad-numeral": (doc("公约", "第一章 总则", "第十十条 甲。"), 3, "numeral"),
    "after-signature": (
        doc("公约", "第一章 总则", "第一条 甲。", "签约成员：某公司", "第二条 乙。"),
        5,
        "signature",
    ),
}


@pytest.mark.parametrize(("text", "line", "fragment"), ERROR_CASES.values(), ids=ERROR_CASES)
def test_parse_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConventionParseError) as info:
        parse_convention(text)
    assert info.value.line == line
    assert fragment in info.value.message
    assert str(info.value).startswith(f"line {line}: ")
    assert isinstance(info.value, ValueError)
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.line, copy.message) == (line, info.value.message)


def test_error_line_refers_to_canonical_text() -> None:
    raw = "\r\n\r\n公约\r\n\r\n\r\n\r\n第一章 总则\r\n第一条 甲。\r\n第三条 丙。\r\n"
    with pytest.raises(ConventionParseError) as info:
        parse_convention(raw)
    assert info.value.line == 5
    assert canonical_text(raw).split("\n")[4] == "第三条 丙。"


# --- round trip -------------------------------------------------------------------------------


def test_render_is_exact_for_the_shared_text(raw: str, parsed: ParsedConvention) -> None:
    rendered = render_text(parsed)
    assert rendered == canonical_text(raw)
    assert canonical_text(rendered) == rendered
    assert parse_convention(rendered) == parsed


VARIANTS = {
    "full-width-items": doc("公约", "第一章 总则", "第一条 义务：", "（一）严格落实先审后发制度。", "（二）不链接。"),
    "full-width-space-and-indent": doc(
        "  公约", "第一章　总　则", "　　第一条\u3000甲。", "　　第二条　乙：", "　　(一)  子。"
    ),
    "paragraph-after-items": doc(
        "公约", "第一章 总则", "第一条 甲：", "(一) 子。", "(二) 丑。", "前款规定以外的情形。"
    ),
    "heading-alone": doc("公约", "第一章 总则", "第一条", "甲。", "乙。"),
    "signature": doc("公约", "第一章 总则", "第一条 甲。", "", "附：名单", "", "", "某公司 (盖章)"),
}


@pytest.mark.parametrize("text", VARIANTS.values(), ids=VARIANTS)
def test_parse_render_parse_is_a_fixpoint(text: str) -> None:
    once = parse_convention(text)
    rendered = render_text(once)
    assert parse_convention(rendered) == once
    assert render_text(parse_convention(rendered)) == rendered


def test_full_width_items() -> None:
    conv = parse_convention(VARIANTS["full-width-items"])
    art = conv.article(1)
    assert [(i.number, i.label) for i in art.items] == [(1, "（一）"), (2, "（二）")]
    assert art.items[0].text == "严格落实先审后发制度。"
    lines = canonical_text(VARIANTS["full-width-items"]).splitlines()
    assert render_text(conv) == "\n\n".join(lines) + "\n"  # （一）text: no space added


def test_full_width_space_and_indent_are_normalised() -> None:
    conv = parse_convention(VARIANTS["full-width-space-and-indent"])
    assert conv.title == "公约"
    assert conv.chapters[0].title == "总则"
    assert conv.chapters[0].heading == "第一章　总　则"
    assert conv.article(1).paragraphs == ("甲。",)
    assert conv.article(2).items == (Item(1, "(一)", "子。"),)


def test_paragraph_after_items_keeps_its_place() -> None:
    art = parse_convention(VARIANTS["paragraph-after-items"]).article(1)
    assert art.layout == "piip"
    assert art.paragraphs == ("甲：", "前款规定以外的情形。")
    assert [b if isinstance(b, str) else b.label for b in art.blocks] == [
        "甲：",
        "(一)",
        "(二)",
        "前款规定以外的情形。",
    ]
    assert art.text.endswith("(二) 丑。\n\n前款规定以外的情形。")


def test_preamble_needs_opt_in() -> None:
    text = doc("公约", "", "序言第一段。", "", "序言第二段。", "", "第一章 总则", "第一条 甲。")
    conv = parse_convention(text, allow_preamble=True)
    assert conv.preamble == "序言第一段。\n\n序言第二段。"
    assert parse_convention(render_text(conv), allow_preamble=True) == conv


def test_amended_structure_renders_and_reparses(parsed: ParsedConvention) -> None:
    art22 = parsed.article(22)
    new22 = dataclasses.replace(art22, paragraphs=("本公约生效期间，经五分之一以上成员单位提议，可以修改。",))
    new12 = Article.from_blocks(12, "", [*parsed.article(12).blocks, Item(6, "", "新增义务。"), "前款以外。"], 2)
    chapters = []
    for ch in parsed.chapters:
        arts = tuple({12: new12, 22: new22}.get(a.number, a) for a in ch.articles)
        chapters.append(dataclasses.replace(ch, articles=arts))
    amended = dataclasses.replace(parsed, chapters=tuple(chapters))
    reparsed = parse_convention(render_text(amended))
    assert reparsed == amended
    assert reparsed.article(12).items[-1] == Item(6, "(六)", "新增义务。")
    assert reparsed.article(12).paragraphs[-1] == "前款以外。"
    assert "五分之一以上" in reparsed.article(22).text


def test_dict_round_trip_through_json(parsed: ParsedConvention) -> None:
    data = json.loads(json.dumps(parsed.to_dict(), ensure_ascii=False))
    assert data["format"] == 1
    assert data["chapters"][1]["articles"][6]["layout"] == "piiiii"
    assert data["chapters"][1]["articles"][6]["items"][0]["label"] == "(一)"
    assert ParsedConvention.from_dict(data) == parsed
    with pytest.raises(ValueError, match="format"):
        ParsedConvention.from_dict({**data, "format": 99})
    with pytest.raises(ValueError, match="malformed"):
        ParsedConvention.from_dict({"format": 1, "title": "公约"})


def test_dataclasses_reject_values_that_would_not_read_back() -> None:
    with pytest.raises(ValueError):
        Article(1, "第二条", ("甲。",), (), 1)  # title does not match number
    with pytest.raises(ValueError):
        Article(1, "", ("甲。", "(一) 像个项目。"), (), 1)  # paragraph looks like an item
    with pytest.raises(ValueError):
        Article(1, "", ("甲。",), (Item(1, "", "子。"),), 1, layout="ip")  # must open with "p"
    with pytest.raises(ValueError):
        Article(1, "", ("甲\n乙",), (), 1)
    with pytest.raises(ValueError):
        Item(2, "(一)", "子。")
    with pytest.raises(ValueError):
        Chapter(1, "附则", "第一章 总 则", (Article(1, "", ("甲。",), (), 1),))
    art = Article(1, "", ("甲。",), (), 1)
    assert art.title_cn == "第一条"
    assert Chapter(1, "总则", "", (art,)).heading == "第一章 总则"
    with pytest.raises(ValueError):
        ParsedConvention("公约", (Chapter(2, "总则", "", (Article(1, "", ("甲。",), (), 2),)),))
    with pytest.raises(ValueError):
        ParsedConvention("公约", (Chapter(1, "总则", "", (art,)),), signature_block="某公司")
