"""The notice (侵权通知书) and the declaration of non-infringement (不侵权声明) as PDF: pure functions of frozen
dataclasses, with the embedded CJK font of :mod:`zilu.members.documents` (fpdf2, as the certificate, the bulletin and
the mediation agreement), so Chinese shows on machines without Chinese fonts and the same input gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone as dj_timezone
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from zilu.core.files import files_of
from zilu.members.documents import DEFAULT_ISSUER, FONT_FAMILY, a4_document, format_cn_date
from zilu.notices.models import Notice

NOTICE_TITLE = "侵权通知书"
DECLARATION_TITLE = "不侵权声明"
RIGHTS = {"copyright": "著作权或相关权利", "trademark": "商标权", "patent": "专利权", "other": "其他知识产权"}
HOLDER_KINDS = {"person": "自然人", "organization": "法人或其他组织"}
LIABILITY = (
    "本人（本单位）保证上述通知内容真实，提供的权利证明和侵权初步证据真实有效，并知悉：因错误通知造成网络用户或者"
    "网络服务提供者损害的，应当依法承担侵权责任（《中华人民共和国民法典》第一千一百九十五条第三款）。"
)
DECLARATION_NOTE = (
    "依据《中华人民共和国民法典》第一千一百九十六条，网络服务提供者已将本声明转送发出通知的权利人，并告知其可以向"
    "有关部门投诉或者向人民法院提起诉讼；在转送声明到达权利人后{days}日内未收到权利人已经投诉或者提起诉讼通知的，"
    "网络服务提供者应当及时终止所采取的措施。"
)


@dataclass(frozen=True)
class NoticeData:
    number: int
    member: str
    member_number: str
    site: str
    location: str
    work: str
    right: str
    description: str
    holder_kind: str
    holder_name: str
    holder_id_number: str
    holder_phone: str
    holder_email: str
    holder_address: str
    signature: str
    signed_on: date
    proof: tuple[str, ...]
    issuer: str = DEFAULT_ISSUER


@dataclass(frozen=True)
class DeclarationData:
    number: int
    member: str
    location: str
    work: str
    name: str
    contact: str
    address: str
    text: str
    declared_on: date
    wait_until: date | None
    wait_days: int
    evidence: tuple[str, ...]
    issuer: str = DEFAULT_ISSUER


def notice_data(notice: Notice, *, full_id: bool) -> NoticeData:
    """What the notice's PDF shows; ``full_id=False`` masks a resident ID number (the member's copy)."""
    return NoticeData(
        number=notice.number, member=notice.member.name, member_number=notice.member.number or "",
        site=notice.site.name, location=notice.location, work=notice.work, right=RIGHTS.get(notice.right, ""),
        description=notice.description, holder_kind=HOLDER_KINDS.get(notice.holder_kind, ""),
        holder_name=notice.holder_name,
        holder_id_number=notice.holder_id_number if full_id else notice.masked_id_number,
        holder_phone=notice.holder_phone, holder_email=notice.holder_email, holder_address=notice.holder_address,
        signature=notice.signature, signed_on=dj_timezone.localdate(notice.signed_at),
        proof=tuple(f.original_name for f in files_of(notice, "proof")),
    )  # fmt: skip


def declaration_data(notice: Notice) -> DeclarationData:
    """What the declaration's PDF shows (the notice must have one)."""
    assert notice.declared_at is not None
    return DeclarationData(
        number=notice.number, member=notice.member.name, location=notice.location, work=notice.work,
        name=notice.declarant_name, contact=notice.declarant_contact, address=notice.declarant_address,
        text=notice.declaration, declared_on=dj_timezone.localdate(notice.declared_at), wait_until=notice.wait_until,
        wait_days=int(settings.ZILU_NOTICES_WAIT_DAYS),
        evidence=tuple(f.original_name for f in files_of(notice, "declaration")),
    )  # fmt: skip


def _document(title: str, number: int, issued_on: date, issuer: str) -> tuple[FPDF, float]:
    pdf, width = a4_document(f"{title}（第{number}号）", issuer=issuer, dated=issued_on)
    pdf.set_font(FONT_FAMILY, size=20)
    pdf.cell(width, 14, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.cell(width, 7, f"知识产权通知第{number}号", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    return pdf, width


def _para(pdf: FPDF, width: float, text: str, size: float = 11, height: float = 7) -> None:
    pdf.set_font(FONT_FAMILY, size=size)
    pdf.multi_cell(width, height, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_notice(data: NoticeData) -> bytes:
    """The notice as the member received it: the holder's identity and contact, the content, the work, the proof,
    the signed statement of liability."""
    pdf, width = _document(NOTICE_TITLE, data.number, data.signed_on, data.issuer)
    _para(pdf, width, f"致：{data.member}（成员编号 {data.member_number}）")
    pdf.ln(2)
    _para(pdf, width, "一、权利人", size=12)
    _para(pdf, width, f"权利人类型：{data.holder_kind}\n姓名（名称）：{data.holder_name}\n"
                      f"身份证件号码或统一社会信用代码：{data.holder_id_number}\n联系电话：{data.holder_phone}"
                      + (f"\n电子邮箱：{data.holder_email}" if data.holder_email else "")
                      + f"\n地址：{data.holder_address}")  # fmt: skip
    pdf.ln(2)
    _para(pdf, width, "二、涉嫌侵权的内容", size=12)
    _para(pdf, width, f"网站：{data.site}\n网络地址：{data.location}\n作品或权利客体：{data.work}\n"
                      f"权利类型：{data.right}")  # fmt: skip
    _para(pdf, width, f"侵权情况说明：{data.description}")
    pdf.ln(2)
    _para(pdf, width, "三、权利证明及侵权初步证据", size=12)
    _para(pdf, width, "\n".join(f"{i}. {name}" for i, name in enumerate(data.proof, 1)) or "（无）")
    pdf.ln(2)
    _para(pdf, width, "四、请求", size=12)
    _para(pdf, width, "请依据《中华人民共和国民法典》第一千一百九十五条，对上述内容采取删除、屏蔽、断开链接等必要措施，"
                      "并将本通知转送相关网络用户。")  # fmt: skip
    pdf.ln(2)
    _para(pdf, width, LIABILITY, size=10)
    pdf.ln(4)
    _para(pdf, width, f"签署人：{data.signature}    {format_cn_date(data.signed_on)}")
    _para(pdf, width, f"经{data.issuer}“自律”平台转送", size=9)
    return bytes(pdf.output())


def render_declaration(data: DeclarationData) -> bytes:
    """The user's declaration of non-infringement as forwarded to the right holder."""
    pdf, width = _document(DECLARATION_TITLE, data.number, data.declared_on, data.issuer)
    _para(pdf, width, "一、声明人（网络用户）", size=12)
    _para(pdf, width, f"姓名（名称）：{data.name}\n联系方式：{data.contact}\n地址：{data.address}")
    pdf.ln(2)
    _para(pdf, width, "二、所涉内容", size=12)
    _para(pdf, width, f"网络服务提供者：{data.member}\n网络地址：{data.location}\n作品或权利客体：{data.work}")
    pdf.ln(2)
    _para(pdf, width, "三、不存在侵权行为的声明", size=12)
    _para(pdf, width, data.text)
    pdf.ln(2)
    _para(pdf, width, "四、不存在侵权行为的初步证据", size=12)
    _para(pdf, width, "\n".join(f"{i}. {name}" for i, name in enumerate(data.evidence, 1)) or "（无）")
    pdf.ln(4)
    _para(pdf, width, DECLARATION_NOTE.format(days=data.wait_days), size=10)
    if data.wait_until is not None:
        _para(pdf, width, f"期限届满日：{format_cn_date(data.wait_until)}", size=10)
    pdf.ln(4)
    _para(pdf, width, f"记录日期：{format_cn_date(data.declared_on)}    经{data.issuer}“自律”平台转送")
    return bytes(pdf.output())
