"""The decision documents of Art. 18 as PDF: the sanction decision (处理决定书) and the appeal decision
(申诉处理决定书).

Like the member certificate (:mod:`zilu.members.documents`, fpdf2 with the embedded Noto Sans CJK font: the project
renders every PDF this way, there is no WeasyPrint in it), each document is a pure function of a frozen dataclass:
Chinese shows on machines without Chinese fonts, and the same input gives the same bytes (the creation date comes
from the data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf.enums import WrapMode, XPos, YPos

from zilu.members.documents import DEFAULT_ISSUER, FONT_FAMILY, a4_document, format_cn_date

DECISION_TITLE = "行业自律处理决定书"
APPEAL_TITLE = "申诉处理决定书"
#: The measures as Art. 18 names them.
MEASURES_CN = {
    "criticism": "行业批评",
    "condemnation": "行业谴责",
    "media_exposure": "媒体曝光",
    "internal_notice": "在公约成员单位内部通报",
    "revocation": "取消公约成员资格",
}
OUTCOMES_CN = {
    "dismissed": "驳回申诉，维持原处理决定。",
    "annulled": "申诉理由成立，撤销原处理决定，并撤回已发布的公告。",
    "varied": "申诉理由部分成立，变更原处理措施为较轻的措施。",
}


@dataclass(frozen=True)
class DecisionData:
    """What a sanction decision states: the member, the articles breached, the facts as verified, the measure."""

    reference: str
    member_name: str
    member_number: str
    articles_label: str
    facts: str
    reasons: str
    measure: str
    decided_on: date
    appeal_due: date | None
    issuer: str = DEFAULT_ISSUER


@dataclass(frozen=True)
class AppealDecisionData:
    """What an appeal decision states: the decision appealed, the grounds, the outcome and its reasons."""

    reference: str
    member_name: str
    member_number: str
    decided_on: date
    original_measure: str
    grounds: str
    outcome: str
    new_measure: str
    reasons: str
    appeal_decided_on: date
    issuer: str = DEFAULT_ISSUER


class _Document:
    """A one-column A4 document with the embedded CJK font."""

    def __init__(self, title: str, reference: str, dated: date, issuer: str) -> None:
        self.pdf, self.width = a4_document(f"{title}（{reference}）", issuer=issuer, dated=dated)
        pdf = self.pdf
        pdf.set_font(FONT_FAMILY, size=20)
        pdf.cell(self.width, 14, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT_FAMILY, size=10)
        pdf.cell(self.width, 7, f"{issuer} {reference}", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)

    def para(self, text: str, size: float = 11, gap: float = 2) -> None:
        self.pdf.set_font(FONT_FAMILY, size=size)
        self.pdf.multi_cell(self.width, 7, text, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(gap)

    def sign(self, issuer: str, dated: date) -> bytes:
        self.pdf.ln(6)
        self.pdf.set_font(FONT_FAMILY, size=11)
        self.pdf.cell(self.width, 7, issuer, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.cell(self.width, 7, format_cn_date(dated), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return bytes(self.pdf.output())


def _member(name: str, number: str) -> str:
    return f"被处理成员：{name}" + (f"（成员编号 {number}）" if number else "")


def render_decision(data: DecisionData) -> bytes:
    """The sanction decision: member, articles breached, facts as verified, reasons, measure and the appeal right."""
    doc = _Document(DECISION_TITLE, data.reference, data.decided_on, data.issuer)
    doc.para(_member(data.member_name, data.member_number))
    doc.para(f"违反条款：《昌平区互联网行业自律公约》{data.articles_label}")
    doc.para(f"经查证的事实：{data.facts}")
    if data.reasons:
        doc.para(f"处理理由：{data.reasons}")
    measure = MEASURES_CN.get(data.measure, data.measure)
    doc.para(f"根据《昌平区互联网行业自律公约》第十八条，决定对该成员给予{measure}的处理。")
    if data.appeal_due:
        doc.para(f"如不服本决定，可于{format_cn_date(data.appeal_due)}前向公约执行机构提出申诉一次。", size=10)
    return doc.sign(data.issuer, data.decided_on)


def render_appeal_decision(data: AppealDecisionData) -> bytes:
    """The appeal decision: the decision appealed, the grounds, the outcome (with the varied measure) and reasons."""
    doc = _Document(APPEAL_TITLE, data.reference, data.appeal_decided_on, data.issuer)
    doc.para(_member(data.member_name, data.member_number).replace("被处理成员", "申诉人"))
    original = MEASURES_CN.get(data.original_measure, data.original_measure)
    doc.para(f"原处理决定：{data.reference}，{format_cn_date(data.decided_on)}作出，处理措施为{original}。")
    doc.para(f"申诉理由：{data.grounds}")
    doc.para(f"复核意见：{data.reasons}")
    outcome = OUTCOMES_CN.get(data.outcome, data.outcome)
    if data.outcome == "varied":
        outcome += f"变更后的处理措施为{MEASURES_CN.get(data.new_measure, data.new_measure)}。"
    doc.para(f"决定：{outcome}")
    doc.para("本决定由未参与原处理决定的公约执行机构工作人员作出，为最终决定。", size=10)
    return doc.sign(data.issuer, data.appeal_decided_on)
