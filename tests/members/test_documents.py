"""Membership documents: PDFs that embed their CJK font, carry extractable Chinese text and render deterministically.

No database: the renderers take plain dataclasses. Text is extracted with pypdf (a test extra); pypdf reads the
two-byte codes of fpdf2's CFF-keyed Type0 font as single bytes (it does not parse an embedded /Encoding CMap
stream), which puts a NUL before each character, so the extracted text is normalised before comparing. Where
poppler's ``pdftotext`` is installed, the text is also checked with it, raw.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from dataclasses import replace
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from zilu.members.documents import (
    BulletinData,
    BulletinEntry,
    CertificateData,
    cjk_font_path,
    format_cn_date,
    render_bulletin,
    render_certificate,
)

CONVENTION_SHA = hashlib.sha256(b"convention v2").hexdigest()
CONTENT_SHA = hashlib.sha256(b"bulletin 7").hexdigest()
VERIFY_URL = "https://zilu.example.cn/verify/ZL-2026-0042/8f3a2c1d"


@pytest.fixture
def certificate() -> CertificateData:
    return CertificateData(
        member_name="北京智联云科技有限公司",
        member_number="ZL-2026-0042",
        member_kind="会员单位",
        signed_on=date(2026, 3, 15),
        convention_title="昌平区互联网行业自律公约",
        convention_version=2,
        convention_sha256=CONVENTION_SHA,
        verify_url=VERIFY_URL,
        issued_on=date(2026, 3, 16),
    )


def _entries(count: int, first: int, *, kinds: tuple[str, ...] = ("会员单位", "个人成员")) -> tuple[BulletinEntry, ...]:
    return tuple(
        BulletinEntry(
            member_number=f"ZL-2026-{first + i:04d}",
            name=f"昌平{'数字科技' * (1 + i % 4)}有限公司{i}",
            kind=kinds[i % len(kinds)],
            date=date(2026, 10, 1) + timedelta(days=i % 90),
        )
        for i in range(count)
    )


@pytest.fixture
def bulletin() -> BulletinData:
    return BulletinData(
        number=7,
        period="2026Q4",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        published_on=date(2027, 1, 5),
        joins=_entries(5, 100),
        withdrawals=_entries(2, 500),
        corrects=5,
        note="第5号公告中一家成员单位名称有误，现予更正。",
        content_sha256=CONTENT_SHA,
    )


def _reader(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def _normalise(text: str) -> str:
    return re.sub(r"[\s\x00]", "", text)


def _page_texts(pdf: bytes) -> list[str]:
    return [_normalise(page.extract_text()) for page in _reader(pdf).pages]


def _text(pdf: bytes) -> str:
    return "".join(_page_texts(pdf))


def _assert_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")


def _assert_only_embedded_noto(pdf: bytes) -> None:
    """Every font the pages use is the embedded Noto Sans CJK subset: no core fonts, nothing from the system."""
    assert b"/FontFile" in pdf
    assert b"NotoSansCJK" in pdf
    seen = set()
    for page in _reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(str(font["/BaseFont"]))
            assert font["/Subtype"] == "/Type0"
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), "font not embedded"
            assert "/ToUnicode" in font, "no ToUnicode map: text would not be extractable"
    assert seen and all(re.fullmatch(r"/[A-Z]{6}\+NotoSansCJK\w*", name) for name in seen), seen


def _content_ops(pdf: bytes, page: int = 0) -> str:
    return _reader(pdf).pages[page].get_contents().get_data().decode("latin-1")


# ---------------------------------------------------------------------------------------------------------------
# The font
# ---------------------------------------------------------------------------------------------------------------


def test_the_font_comes_from_the_pypi_package_not_the_system():
    path = Path(cjk_font_path())
    assert path.is_file()
    assert "cvttf_NotoSansCJK_Regular" in path.parts
    assert path.suffix.lower() in {".otf", ".ttf"}
    assert cjk_font_path() is cjk_font_path()  # cached


def test_format_cn_date():
    assert format_cn_date(date(2026, 1, 5)) == "2026年1月5日"
    assert format_cn_date(date(2026, 12, 31)) == "2026年12月31日"


# ---------------------------------------------------------------------------------------------------------------
# Certificate
# ---------------------------------------------------------------------------------------------------------------


def test_certificate_is_a_one_page_a4_landscape_pdf(certificate):
    pdf = render_certificate(certificate)
    _assert_pdf(pdf)
    reader = _reader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points


def test_certificate_embeds_its_font(certificate):
    _assert_only_embedded_noto(render_certificate(certificate))


def test_certificate_text_is_extractable(certificate):
    text = _text(render_certificate(certificate))
    for expected in (
        "「昌平区互联网行业自律公约」成员证书",
        "兹证明北京智联云科技有限公司于2026年3月15日签署《昌平区互联网行业自律公约》（第2版），成为公约成员。",
        "成员编号：ZL-2026-0042",
        "会员单位",
        CONVENTION_SHA,
        "昌平区互联网协会",
        "2026年3月16日",
        "扫码或访问以下地址核验",
        VERIFY_URL,
    ):
        assert expected in text, expected


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_certificate_text_extracts_cleanly_with_poppler(certificate, tmp_path):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(render_certificate(certificate))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "北京智联云科技有限公司" in text
    assert "ZL-2026-0042" in text
    assert "成员证书" in text
    assert "\x00" not in text


def test_certificate_metadata(certificate):
    meta = _reader(render_certificate(certificate)).metadata
    assert meta is not None
    assert meta.author == "昌平区互联网协会"
    assert meta.creator == "Zilu"
    assert "成员证书" in meta.title and "北京智联云科技有限公司" in meta.title
    assert meta["/CreationDate"].startswith("D:20260316000000+08")


def test_certificate_is_deterministic(certificate):
    first = render_certificate(certificate)
    assert render_certificate(certificate) == first
    assert render_certificate(replace(certificate)) == first
    assert render_certificate(replace(certificate, issued_on=date(2026, 3, 17))) != first
    assert render_certificate(replace(certificate, member_number="ZL-2026-0043")) != first


def test_certificate_does_not_depend_on_the_servers_time_zone(certificate, monkeypatch):
    baseline = render_certificate(certificate)
    try:
        monkeypatch.setenv("TZ", "America/New_York")
        time.tzset()
        assert render_certificate(certificate) == baseline
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_very_long_member_name_wraps_on_the_one_page(certificate):
    name = "北京市昌平区回龙观镇互联网信息技术服务与数字内容创新研究发展有限责任公司" * 6  # 216 characters
    pdf = render_certificate(replace(certificate, member_name=name))
    _assert_pdf(pdf)
    pages = _page_texts(pdf)
    assert len(pages) == 1
    assert name in pages[0]
    assert "成为公约成员。" in pages[0]


def test_a_long_name_without_spaces_in_latin_letters_wraps_too(certificate):
    name = "ZhongguancunInternetInformationTechnologyServicesAndDigitalContentInnovation" * 3
    pages = _page_texts(render_certificate(replace(certificate, member_name=name)))
    assert len(pages) == 1
    assert name in pages[0]


def test_certificate_draws_the_qr_code_as_vector_modules(certificate):
    pdf = render_certificate(certificate)
    qr = segno.make(VERIFY_URL, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=0)]
    assert len(rows) >= 21  # version 1 or more: a real matrix for the URL
    runs = sum(len(re.findall(r"1+", "".join("1" if m else "0" for m in row))) for row in rows)
    filled = re.findall(r"[\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ re f\b", _content_ops(pdf))
    # One filled rectangle per horizontal run of dark modules, and nothing else on the page is a filled rectangle.
    assert runs > 100
    assert len(filled) == runs
    assert b"/Subtype /Image" not in pdf  # no raster image


# ---------------------------------------------------------------------------------------------------------------
# Bulletin
# ---------------------------------------------------------------------------------------------------------------


def test_bulletin_is_an_a4_portrait_pdf_with_the_embedded_font(bulletin):
    pdf = render_bulletin(bulletin)
    _assert_pdf(pdf)
    _assert_only_embedded_noto(pdf)
    box = _reader(pdf).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_bulletin_text(bulletin):
    text = _text(render_bulletin(bulletin))
    for expected in (
        "昌平区互联网行业自律公约成员加入及退出名单（2026Q4）",
        "第7号公告",
        "2026年10月1日至2026年12月31日",
        "发布日期：2027年1月5日",
        "本公告更正第5号公告",
        "说明：第5号公告中一家成员单位名称有误，现予更正。",
        "加入成员（5）",
        "退出成员（2）",
        "成员编号名称类别日期",
        CONTENT_SHA,
    ):
        assert expected in text, expected
    for entry in bulletin.joins + bulletin.withdrawals:
        assert f"{entry.member_number}{entry.name}{entry.kind}{format_cn_date(entry.date)}" in text
    assert "本期无" not in text


def test_bulletin_metadata_and_determinism(bulletin):
    pdf = render_bulletin(bulletin)
    meta = _reader(pdf).metadata
    assert meta is not None
    assert meta.author == "昌平区互联网协会"
    assert meta.creator == "Zilu"
    assert "2026Q4" in meta.title
    assert meta["/CreationDate"].startswith("D:20270105000000+08")
    assert render_bulletin(bulletin) == pdf
    assert render_bulletin(replace(bulletin, note="")) != pdf


def test_an_empty_bulletin_says_none_this_period(bulletin):
    empty = replace(bulletin, joins=(), withdrawals=(), corrects=None, note="", content_sha256="")
    text = _text(render_bulletin(empty))
    assert text.count("本期无") == 2
    assert "成员编号" not in text
    assert "更正" not in text
    assert "说明" not in text
    assert "内容摘要" not in text


def test_a_long_bulletin_runs_over_several_pages_repeating_the_table_header(bulletin):
    long = replace(bulletin, joins=_entries(300, 1000))
    pdf = render_bulletin(long)
    _assert_pdf(pdf)
    pages = _page_texts(pdf)
    assert len(pages) >= 5
    # Every page carries the running header and the table header row; the footer counts the pages.
    for number, page in enumerate(pages, start=1):
        assert "成员编号名称类别日期" in page, number
        assert "第7号公告" in page, number
        assert f"第{number}页共{len(pages)}页" in page, number
    text = "".join(pages)
    for entry in long.joins:
        assert text.count(entry.member_number) == 1, entry.member_number
    assert text.index("ZL-2026-1299") < text.index("退出成员（2）") < text.index(CONTENT_SHA)
