"""The self-assessment checklist of the evaluations (评议), derived from the self-discipline clauses (Art. 7–17), and
the formula that turns a member's scores, report record and sanctions into its result.

Items apply to every member, or only to members offering a kind of service: internet information services (Art. 9,
12), internet access venues (Art. 13) or interactive information services (Art. 9, 14). A member names its kinds
when it answers (``Participation.service_kinds``); a member of the kind "venue" (Art. 13) always has the access-venue
kind, so its own items (A13, A13-1 … A13-4) always apply to it.

The formula (every number is a constant here, and the evaluation page prints it):

- assessment = 100 × (points the staff gave) / (maximum points of the items that apply), one decimal;
- report deduction = min(20, 4 × reports about the member verified true in the period
  + 2 × reports it answered late in the period);
- sanction deduction = min(40, 5 × the points (ladder weights) of the measures decided against it in the period,
  annulled ones excepted);
- result = max(0, assessment − report deduction − sanction deduction);
- band: excellent from 90, good from 75, satisfactory from 60, needs improvement below; a member that did not
  submit its self-assessment is listed as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    INFORMATION = "information", _("Internet information services")
    ACCESS_VENUE = "access_venue", _("Internet access venue")
    INTERACTIVE = "interactive", _("Interactive information services")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Band(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    SATISFACTORY = "satisfactory", _("Satisfactory")
    NEEDS_IMPROVEMENT = "needs_improvement", _("Needs improvement")
    NOT_SUBMITTED = "not_submitted", _("Did not submit a self-assessment")


@dataclass(frozen=True)
class Item:
    code: str
    article: str
    text: Any
    points: int
    kinds: frozenset[str] = frozenset()  # empty: every member

    def applies_to(self, kinds: set[str] | list[str]) -> bool:
        return not self.kinds or bool(self.kinds & set(kinds))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "article": self.article, "text": str(self.text), "points": self.points,
                "kinds": sorted(self.kinds)}  # fmt: skip


_INFO = frozenset({ServiceKind.INFORMATION.value})
_VENUE = frozenset({ServiceKind.ACCESS_VENUE.value})
ITEMS: tuple[Item, ...] = (
    Item("A7", "7", _("Complies with the Cybersecurity Law and other laws, accepts the supervision of the competent "
                      "department, and has internal rules and a network and information security system."), 10),
    Item("A8-1", "8", _("Has a system protecting users' information and keeps it confidential."), 10),
    Item("A8-2", "8", _("Competes lawfully and fairly, without unfair means against other members."), 5),
    Item("A9", "9", _("Reviews content to promote a healthy online culture and refuses clickbait headlines."), 5,
         frozenset({ServiceKind.INFORMATION.value, ServiceKind.INTERACTIVE.value})),
    Item("A10", "10", _("Takes part in social supervision and keeps the public's reporting channels open."), 5),
    Item("A11", "11", _("Trains and recruits talent and invests in technical research and innovation."), 5),
    Item("A12-1", "12(1)", _("Reviews before publishing, removes harmful information promptly and gives rumors no "
                             "channel."), 10, _INFO),
    Item("A12-2", "12(2)", _("Links to no website carrying harmful information."), 5, _INFO),
    Item("A12-3", "12(3)", _("Respects intellectual property in what it makes, publishes or spreads."), 5, _INFO),
    Item("A12-4", "12(4)", _("Guides users to use the network civilly and resist harmful information."), 5, _INFO),
    Item("A12-5", "12(5)", _("Keeps its website filing information true and up to date."), 5, _INFO),
    Item("A13", "13", _("Keeps the venue's online environment healthy and guides minors to use the internet "
                        "healthily."), 10, frozenset({ServiceKind.ACCESS_VENUE.value})),
    # Internet access venues' own items (Art. 13; the venue self-assessment, members.venues, asks the same).
    Item("A13-1", "13", _("Admits no minors and checks the identity document of anyone who may be one."), 5, _VENUE),
    Item("A13-2", "13", _("Checks and registers every user's identity document before use."), 5, _VENUE),
    Item("A13-3", "13", _("Keeps to its opening hours and limits continuous use."), 5, _VENUE),
    Item("A13-4", "13", _("Runs content filtering and the security management system on every terminal."), 5,
         _VENUE),
    Item("A14", "14", _("Authenticates users' real identity, protects their personal information and reminds "
                        "publishers that information must be objective and true."), 10,
         frozenset({ServiceKind.INTERACTIVE.value})),
    Item("A15", "15", _("Guards against viruses and destructive programs and intrudes into no one's systems."), 10),
    Item("A16", "16", _("Gets on with other members and settles disputes by negotiation or mediation."), 5),
    Item("A17", "17", _("Shows how to report harmful information prominently and rectifies what the public "
                        "reports."), 10),
)  # fmt: skip

REPORT_VERIFIED_POINTS = 4
REPORT_LATE_POINTS = 2
REPORT_CAP = 20
SANCTION_FACTOR = 5
SANCTION_CAP = 40
BANDS = ((90, Band.EXCELLENT), (75, Band.GOOD), (60, Band.SATISFACTORY))


def items_for(items: list[dict[str, Any]], kinds: list[str]) -> list[dict[str, Any]]:
    """The items (as stored in a round) that apply to a member offering ``kinds``."""
    return [i for i in items if not i["kinds"] or set(i["kinds"]) & set(kinds)]


@dataclass(frozen=True)
class Result:
    assessment: Decimal
    report_deduction: int
    sanction_deduction: int
    total: Decimal
    band: str


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def band_of(total: Decimal) -> str:
    for floor, band in BANDS:
        if total >= floor:
            return band.value
    return Band.NEEDS_IMPROVEMENT.value


def compute(points: int, maximum: int, *, verified_reports: int, late_responses: int, sanction_points: int) -> Result:
    """The documented formula (see the module docstring)."""
    assessment = _one_decimal(Decimal(100 * points) / Decimal(maximum)) if maximum else Decimal("0.0")
    reports = min(REPORT_CAP, REPORT_VERIFIED_POINTS * verified_reports + REPORT_LATE_POINTS * late_responses)
    sanctions = min(SANCTION_CAP, SANCTION_FACTOR * sanction_points)
    total = max(Decimal("0.0"), assessment - reports - sanctions)
    return Result(assessment, reports, sanctions, total, band_of(total))
