"""The mediation agreement (调解协议) as PDF: a pure function of a frozen dataclass, with the embedded CJK font of
:mod:`zilu.members.documents`, so Chinese shows on machines without Chinese fonts and the same input gives the same
bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf.enums import WrapMode, XPos, YPos

from zilu.members.documents import DEFAULT_ISSUER, FONT_FAMILY, a4_document, format_cn_date

TITLE = "调解协议书"


@dataclass(frozen=True)
class AgreementParty:
    side: str  # 申请人 / 被申请人
    name: str
    number: str
    confirmed_on: date | None


@dataclass(frozen=True)
class AgreementData:
    dispute_number: int
    subject: str
    parties: tuple[AgreementParty, ...]
    mediator: str
    text: str
    concluded_on: date
    issuer: str = DEFAULT_ISSUER


def render_agreement(data: AgreementData) -> bytes:
    """The agreement: parties, subject, terms, the mediator, and each party's confirmation date."""
    pdf, width = a4_document(f"{TITLE}（争议第{data.dispute_number}号）", issuer=data.issuer, dated=data.concluded_on)

    def para(text: str, size: float = 11, height: float = 7) -> None:
        pdf.set_font(FONT_FAMILY, size=size)
        pdf.multi_cell(width, height, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font(FONT_FAMILY, size=20)
    pdf.cell(width, 14, TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.cell(width, 7, f"争议第{data.dispute_number}号", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for party in data.parties:
        number = f"（成员编号 {party.number}）" if party.number else ""
        para(f"{party.side}：{party.name}{number}")
    para(f"调解人：{data.mediator}（{data.issuer}）")
    pdf.ln(2)
    para(f"争议事项：{data.subject}")
    pdf.ln(2)
    para("依据《昌平区互联网行业自律公约》第十九条，各方本着互谅互让的原则，经公约执行机构调解，自愿达成协议如下：")
    pdf.ln(1)
    para(data.text)
    pdf.ln(4)
    para("本协议经各方确认后生效。调解不影响各方依法通过其他途径维护自身合法权益。", size=10)
    pdf.ln(4)
    for party in data.parties:
        when = format_cn_date(party.confirmed_on) if party.confirmed_on else "（未确认）"
        para(f"{party.side} {party.name} 确认日期：{when}", size=10)
    pdf.ln(4)
    para(f"{data.issuer}    {format_cn_date(data.concluded_on)}", size=11)
    return bytes(pdf.output())


REFERRAL_TITLE = "人民调解移送函"


@dataclass(frozen=True)
class ReferralLetterData:
    dispute_number: int
    committee: str
    subject: str
    parties: tuple[tuple[str, str, str], ...]  # (side, name, member number)
    parties_asked: bool
    note: str
    referred_on: date
    issuer: str = DEFAULT_ISSUER


def render_referral_letter(data: ReferralLetterData) -> bytes:
    """The letter referring a dispute to a people's mediation committee (Art. 16): who, what, why."""
    title = f"{REFERRAL_TITLE}（争议第{data.dispute_number}号）"
    pdf, width = a4_document(title, issuer=data.issuer, dated=data.referred_on)

    def para(text: str, size: float = 11) -> None:
        pdf.set_font(FONT_FAMILY, size=size)
        pdf.multi_cell(width, 7, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    pdf.set_font(FONT_FAMILY, size=20)
    pdf.cell(width, 14, REFERRAL_TITLE, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, size=10)
    pdf.cell(width, 7, f"争议第{data.dispute_number}号", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    para(f"{data.committee}：")
    why = "经当事人申请" if data.parties_asked else "经公约执行机构调解未能解决"
    para(
        f"依据《昌平区互联网行业自律公约》第十六条、第十九条，下列公约成员之间的争议，{why}，"
        "现移送贵委员会，请依照《中华人民共和国人民调解法》组织调解。"
    )
    for side, name, number in data.parties:
        para(f"{side}：{name}" + (f"（成员编号 {number}）" if number else ""))
    para(f"争议事项：{data.subject}")
    if data.note:
        para(f"说明：{data.note}")
    para(
        "调解达成协议的，当事人可自协议生效之日起三十日内共同向人民法院申请司法确认。请将调解结果告知本机构。",
        size=10,
    )
    pdf.ln(4)
    para(f"{data.issuer}    {format_cn_date(data.referred_on)}")
    return bytes(pdf.output())
