"""PDF rendering of the convention's membership documents: the member certificate and the periodic bulletin.

Everything here is pure: the functions take plain frozen dataclasses and return PDF bytes, with no database
access, so they can run in a view, a Celery task or a management command alike.

Chinese text must show correctly on a machine with no Chinese system fonts, so every document embeds (a subset of)
Noto Sans CJK, shipped by the PyPI package ``cvttf-notosanscjk-regular`` (SIL Open Font License). No other font is
used, not even the PDF core fonts. The same input always gives the same bytes: the creation date comes from the
data (never ``now()``) and fpdf2 derives the file identifier from the content.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

import cvttf_NotoSansCJK_Regular
import segno
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, TableBordersLayout, TableCellFillMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

__all__ = [
    "DEFAULT_ISSUER",
    "FONT_FAMILY",
    "BulletinData",
    "BulletinEntry",
    "CertificateData",
    "cjk_font_path",
    "format_cn_date",
    "render_bulletin",
    "render_certificate",
]

DEFAULT_ISSUER = "昌平区互联网协会"
FONT_FAMILY = "noto"
CERTIFICATE_TITLE = "「昌平区互联网行业自律公约」成员证书"
BULLETIN_TITLE = "昌平区互联网行业自律公约成员加入及退出名单（{period}）"
VERIFY_CAPTION = "扫码或访问以下地址核验"

# Documents are dated in Beijing time; a fixed offset keeps the output independent of the server's time zone.
_BEIJING = timezone(timedelta(hours=8), "CST")
_SEAL_RED = (155, 28, 32)
_INK = (25, 25, 25)
_MUTED = (100, 100, 100)
_RULE_GREY = (150, 150, 150)
_HEADING_FILL = (232, 232, 232)
_ZEBRA_FILL = (246, 246, 246)

# fontTools logs every subsetting step at INFO; a worker running at INFO would print dozens of lines per PDF.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@functools.cache
def cjk_font_path() -> str:
    """Path of the embedded CJK font (Noto Sans CJK TC Regular, OTF) shipped by ``cvttf-notosanscjk-regular``.

    The TC build also covers simplified Chinese. The lookup is cached; the font is registered afresh for each
    document (fpdf2 keeps fonts per document and embeds only the glyphs used).
    """
    return str(cvttf_NotoSansCJK_Regular.get_TTF_path())


def format_cn_date(value: date) -> str:
    """Format a date the way Chinese official documents do: ``2026年1月5日`` (no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"


def a4_document(title: str, *, issuer: str, dated: date) -> tuple[FPDF, float]:
    """A fresh one-column A4 document with the embedded CJK font, Zilu's metadata and a first page: the frame every
    decision, letter and notice PDF starts from. Returns it and the width between the margins."""
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 22, 22)
    pdf.set_auto_page_break(True, margin=22)
    _set_up(pdf, title=title, issuer=issuer, dated=dated)
    pdf.add_page()
    return pdf, pdf.w - pdf.l_margin - pdf.r_margin


def _set_up(pdf: FPDF, *, title: str, issuer: str, dated: date, subject: str = "") -> None:
    """Register the embedded font and set Zilu's metadata on a fresh document."""
    pdf.add_font(FONT_FAMILY, fname=cjk_font_path())
    pdf.set_title(title)
    if subject:
        pdf.set_subject(subject)
    pdf.set_author(issuer)
    pdf.set_creator("Zilu")
    pdf.set_lang("zh-CN")
    pdf.set_creation_date(datetime.combine(dated, time(0, 0), tzinfo=_BEIJING))


def _group(text: str, size: int = 8) -> str:
    """Split a long token (a hash) into space-separated groups so that it reads and wraps well."""
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def _new_pdf(pdf: FPDF, *, title: str, subject: str, issuer: str, created_on: date) -> FPDF:
    """Register the embedded font and set the metadata, the body font and the ink on a fresh document."""
    _set_up(pdf, title=title, issuer=issuer, dated=created_on, subject=subject)
    pdf.set_font(FONT_FAMILY, size=11)
    pdf.set_text_color(*_INK)
    return pdf


def _wrapped_lines(pdf: FPDF, width: float, line_height: float, text: str) -> list[str]:
    """The lines ``text`` wraps to at the current font (a dry run: nothing is drawn)."""
    lines = pdf.multi_cell(
        width, line_height, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=WrapMode.CHAR
    )
    if not isinstance(lines, list):  # pragma: no cover - fpdf2 returns a list for output=LINES
        raise TypeError(f"unexpected multi_cell result: {lines!r}")
    return lines


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def _draw_qr(pdf: FPDF, data: str, *, x: float, y: float, size: float) -> segno.QRCode:
    """Draw ``data`` as a vector QR code: one filled rectangle per horizontal run of dark modules.

    The quiet zone is not drawn; the caller leaves at least four modules of white around the square.
    """
    qr = segno.make(data, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=0)]
    module = size / len(rows)
    # A hair of overlap so that anti-aliasing leaves no seams between adjacent runs.
    bleed = module * 0.04
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module + bleed, module + bleed, style="F")
    return qr


# --------------------------------------------------------------------------------------------------------------
# Certificate
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateData:
    """What a membership certificate shows.

    ``member_kind`` is the member's category as printed, e.g. "会员单位" or "个人成员". ``convention_sha256`` is the
    hex SHA-256 of the convention text the member signed; ``verify_url`` is the public address where anyone can
    check the certificate (it is also encoded in the QR code).
    """

    member_name: str
    member_number: str
    member_kind: str
    signed_on: date
    convention_title: str
    convention_version: int
    convention_sha256: str
    verify_url: str
    issued_on: date
    issuer: str = DEFAULT_ISSUER


def certificate_body(data: CertificateData) -> str:
    """The certificate's main sentence."""
    return (
        f"兹证明 {data.member_name} 于 {format_cn_date(data.signed_on)} 签署"
        f"《{data.convention_title}》（第{data.convention_version}版），成为公约成员。"
    )


def _fit_text(pdf: FPDF, text: str, *, width: float, max_height: float, sizes: Sequence[float]) -> tuple[float, float]:
    """Pick the largest font size from ``sizes`` at which ``text`` wrapped to ``width`` fits ``max_height``.

    Returns ``(font_size, line_height)``; falls back to the smallest size (the text then runs over, but still wraps).
    """
    size = sizes[-1]
    for candidate in sizes:
        pdf.set_font_size(candidate)
        line_height = candidate * 0.3528 * 1.75
        lines = _wrapped_lines(pdf, width, line_height, text)
        if len(lines) * line_height <= max_height:
            return candidate, line_height
    pdf.set_font_size(size)
    return size, size * 0.3528 * 1.75


def render_certificate(data: CertificateData) -> bytes:
    """Render the membership certificate: one A4 landscape page, returned as PDF bytes.

    The page shows the title, the attestation sentence (long names wrap; the type shrinks if needed to stay on the
    page), the member number and category, the SHA-256 of the convention text, the issuer and issue date, and a QR
    code of ``verify_url`` with the address printed under it.
    """
    pdf = _new_pdf(
        FPDF(orientation="landscape", unit="mm", format="A4"),
        title=f"{CERTIFICATE_TITLE} · {data.member_name}",
        subject=f"{data.convention_title}（第{data.convention_version}版）成员证书 {data.member_number}",
        issuer=data.issuer,
        created_on=data.issued_on,
    )
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_page()
    page_w, page_h = pdf.w, pdf.h  # 297 x 210

    # Frame: a heavy outer rule and a fine inner one.
    pdf.set_draw_color(*_SEAL_RED)
    pdf.set_line_width(1.4)
    pdf.rect(10, 10, page_w - 20, page_h - 20)
    pdf.set_line_width(0.35)
    pdf.rect(14, 14, page_w - 28, page_h - 28)

    left, right = 36.0, page_w - 36.0
    width = right - left

    # Title.
    pdf.set_text_color(*_SEAL_RED)
    pdf.set_font(FONT_FAMILY, size=27)
    pdf.set_xy(left, 27)
    pdf.multi_cell(width, 13, CERTIFICATE_TITLE, align=Align.C, wrapmode=WrapMode.CHAR)
    pdf.set_font_size(11)
    pdf.set_char_spacing(6)
    pdf.set_xy(left, pdf.get_y() + 1)
    pdf.cell(width, 6, "MEMBERSHIP CERTIFICATE", align=Align.C)
    pdf.set_char_spacing(0)
    pdf.set_line_width(0.5)
    pdf.line(page_w / 2 - 45, 56, page_w / 2 + 45, 56)

    # Attestation sentence: wraps, and shrinks when a very long name would push it off its box.
    pdf.set_text_color(*_INK)
    body = certificate_body(data)
    body_top, body_bottom = 66.0, 104.0
    size, line_height = _fit_text(
        pdf, "　　" + body, width=width, max_height=body_bottom - body_top, sizes=(17, 15, 13, 11, 9.5, 8, 7)
    )
    pdf.set_font_size(size)
    pdf.set_xy(left, body_top)
    pdf.multi_cell(width, line_height, "　　" + body, align=Align.J, wrapmode=WrapMode.CHAR)

    # Particulars.
    details_top = min(pdf.get_y() + 12, 116.0)
    pdf.set_font_size(11.5)
    label_w = 38.0
    rows = (
        ("成员编号", data.member_number),
        ("成员类别", data.member_kind),
        ("公约文本 SHA-256", _group(data.convention_sha256)),
    )
    pdf.set_y(details_top)
    for label, value in rows:
        pdf.set_x(left)
        pdf.set_text_color(*_MUTED)
        pdf.cell(label_w, 7.5, f"{label}：", align=Align.L)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(
            width - label_w, 7.5, value, align=Align.L, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    # Verification block, bottom left: the QR code, the caption and the address.
    qr_size = 32.0
    qr_x, qr_y = left, page_h - 20 - 18 - qr_size
    _draw_qr(pdf, data.verify_url, x=qr_x, y=qr_y, size=qr_size)
    pdf.set_font_size(8.5)
    pdf.set_text_color(*_MUTED)
    caption_x = qr_x + qr_size + 5
    pdf.set_xy(caption_x, qr_y + qr_size - 15)
    pdf.cell(80, 5, VERIFY_CAPTION, align=Align.L)
    pdf.set_font_size(8)
    pdf.set_xy(caption_x, qr_y + qr_size - 9.5)
    pdf.multi_cell(95, 4.2, data.verify_url, align=Align.L, wrapmode=WrapMode.CHAR)

    # Issuer and date, bottom right.
    pdf.set_text_color(*_INK)
    pdf.set_font_size(14)
    issuer_w = 80.0
    issuer_x = right - issuer_w
    pdf.set_xy(issuer_x, qr_y + 6)
    pdf.multi_cell(issuer_w, 9, data.issuer, align=Align.C, wrapmode=WrapMode.CHAR, new_x=XPos.LEFT)
    pdf.set_font_size(12.5)
    pdf.cell(issuer_w, 9, format_cn_date(data.issued_on), align=Align.C)

    # Footnote inside the frame.
    pdf.set_font_size(7.5)
    pdf.set_text_color(*_MUTED)
    pdf.set_xy(left, page_h - 26)
    pdf.cell(width, 4, "本证书由 Zilu 系统生成，以核验地址显示的状态为准。", align=Align.C)

    return _output(pdf)


# --------------------------------------------------------------------------------------------------------------
# Bulletin
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulletinEntry:
    """One row of a bulletin table: a member who joined or withdrew, and the date it took effect."""

    member_number: str
    name: str
    kind: str
    date: date


@dataclass(frozen=True)
class BulletinData:
    """A numbered bulletin listing the members who joined and withdrew during a period (e.g. ``"2026Q4"``).

    ``corrects`` is the number of an earlier bulletin this one corrects; ``content_sha256`` is the hash of the
    bulletin's canonical content, printed at the end so that the PDF can be checked against the published data.
    """

    number: int
    period: str
    period_start: date
    period_end: date
    published_on: date
    joins: tuple[BulletinEntry, ...]
    withdrawals: tuple[BulletinEntry, ...]
    corrects: int | None = None
    note: str = ""
    content_sha256: str = ""
    issuer: str = DEFAULT_ISSUER


TABLE_HEADINGS = ("成员编号", "名称", "类别", "日期")


class _BulletinPDF(FPDF):
    """A4 portrait with a running header (issuer, bulletin number) and a page-numbered footer."""

    def __init__(self, data: BulletinData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.bulletin = data

    def header(self) -> None:
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*_MUTED)
        self.set_xy(self.l_margin, 10)
        inner = self.w - self.l_margin - self.r_margin
        self.cell(inner / 2, 5, self.bulletin.issuer, align=Align.L)
        self.cell(inner / 2, 5, f"第{self.bulletin.number}号公告 · {self.bulletin.period}", align=Align.R)
        self.set_draw_color(*_RULE_GREY)
        self.set_line_width(0.2)
        self.line(self.l_margin, 15.5, self.w - self.r_margin, 15.5)
        self.set_text_color(*_INK)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(*_MUTED)
        self.set_y(-14)
        self.cell(0, 5, f"第 {self.page_no()} 页  共 {{nb}} 页", align=Align.C)
        self.set_text_color(*_INK)


def _section(pdf: FPDF, heading: str, entries: Sequence[BulletinEntry]) -> None:
    """A section heading followed by its table, or "本期无" when there is nothing to list."""
    # Keep the heading with at least the table header and a couple of rows.
    if pdf.get_y() + 26 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font_size(13)
    pdf.cell(0, 9, f"{heading}（{len(entries)}）", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    pdf.set_font_size(10)
    if not entries:
        pdf.set_text_color(*_MUTED)
        pdf.cell(0, 7, "本期无", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*_INK)
        pdf.ln(4)
        return
    with pdf.table(
        col_widths=(30, 84, 22, 34),
        width=pdf.epw,
        align=Align.L,
        text_align=(Align.L, Align.L, Align.C, Align.C),
        line_height=5.4,
        padding=(1.1, 2),
        wrapmode=WrapMode.CHAR,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="", fill_color=_HEADING_FILL),
        cell_fill_color=_ZEBRA_FILL,
        cell_fill_mode=TableCellFillMode.EVEN_ROWS,
        repeat_headings=1,
    ) as table:
        table.row(TABLE_HEADINGS)
        for entry in entries:
            table.row((entry.member_number, entry.name, entry.kind, format_cn_date(entry.date)))
    pdf.ln(5)


def render_bulletin(data: BulletinData) -> bytes:
    """Render a membership bulletin: A4 portrait, as many pages as the tables need, returned as PDF bytes.

    It carries the title with the period, the bulletin number, the period dates, the publication date, a correction
    line when ``corrects`` is set, the note, a 加入 and a 退出 table (成员编号, 名称, 类别, 日期; the header row is
    repeated on every page; "本期无" when empty), and the content hash.
    """
    title = BULLETIN_TITLE.format(period=data.period)
    pdf = _new_pdf(
        _BulletinPDF(data),
        title=f"{title} 第{data.number}号公告",
        subject=f"第{data.number}号公告",
        issuer=data.issuer,
        created_on=data.published_on,
    )
    pdf.set_draw_color(*_RULE_GREY)
    pdf.set_margins(20, 24, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()
    pdf.add_page()

    # Title block.
    pdf.set_text_color(*_SEAL_RED)
    pdf.set_font_size(17)
    pdf.multi_cell(0, 9.5, title, align=Align.C, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.set_font_size(12)
    pdf.cell(0, 8, f"第{data.number}号公告", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*_SEAL_RED)
    pdf.set_line_width(0.6)
    y = pdf.get_y() + 2
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*_RULE_GREY)
    pdf.set_y(y + 5)

    # Particulars.
    pdf.set_font_size(10.5)
    particulars = [
        ("公告期间", f"{format_cn_date(data.period_start)} 至 {format_cn_date(data.period_end)}"),
        ("发布日期", format_cn_date(data.published_on)),
        ("发布单位", data.issuer),
    ]
    for label, value in particulars:
        pdf.set_text_color(*_MUTED)
        pdf.cell(22, 6.5, f"{label}：")
        pdf.set_text_color(*_INK)
        pdf.multi_cell(0, 6.5, value, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if data.corrects is not None:
        pdf.ln(1)
        pdf.set_text_color(*_SEAL_RED)
        pdf.multi_cell(
            0,
            6.5,
            f"本公告更正第{data.corrects}号公告。",
            wrapmode=WrapMode.CHAR,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        pdf.set_text_color(*_INK)
    if data.note:
        pdf.ln(1)
        pdf.multi_cell(
            0, 6.5, f"说明：{data.note}", align=Align.J, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.ln(5)

    _section(pdf, "一、加入成员", data.joins)
    _section(pdf, "二、退出成员", data.withdrawals)

    # Closing: the issuer and publication date, right-aligned as on a printed notice, then the content hash.
    # The two stay together on one page.
    block_w = 70.0
    pdf.set_font_size(11)
    issuer_lines = _wrapped_lines(pdf, block_w, 7, data.issuer)
    needed = 2 + 7 * (len(issuer_lines) + 1)
    hash_text = f"内容摘要（SHA-256）：{_group(data.content_sha256)}" if data.content_sha256 else ""
    if hash_text:
        pdf.set_font_size(8.5)
        hash_lines = _wrapped_lines(pdf, 0, 5, hash_text)
        needed += 6 + 5 * len(hash_lines)
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font_size(11)
    pdf.set_x(pdf.w - pdf.r_margin - block_w)
    pdf.multi_cell(block_w, 7, data.issuer, align=Align.C, wrapmode=WrapMode.CHAR, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.cell(block_w, 7, format_cn_date(data.published_on), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if hash_text:
        pdf.ln(4)
        pdf.set_draw_color(*_RULE_GREY)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)
        pdf.set_font_size(8.5)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, 5, hash_text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*_INK)

    return _output(pdf)
