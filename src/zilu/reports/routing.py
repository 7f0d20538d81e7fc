"""Where a report goes and by when it must be answered.

Default response periods, in working days counted by ``core.deadlines`` from the day the report reaches the member
(Civil Code art. 201: the period starts the next day). Content that harms people directly — pornography, gambling,
drugs and illegal goods, fraud, malware, leaked personal information — must come down fast (Art. 12(1) asks for
prompt removal), so 2 working days; rumors spread fast too, 2; clickbait and other content 5; infringement and
conduct under the convention need more fact-finding, 10. A report is very overdue after twice the period. Override
with ``ZILU_REPORT_DEADLINES="fraud=1,other=3"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext as _

from zilu.core import deadlines
from zilu.core.errors import ValidationFailed
from zilu.filings.resolve import active_member, candidate_domains, host_of, member_for_url
from zilu.members.models import Member
from zilu.reports.models import Category

DEFAULT_DEADLINES: dict[str, int] = {
    Category.PORNOGRAPHY: 2,
    Category.GAMBLING: 2,
    Category.DRUGS: 2,
    Category.FRAUD: 2,
    Category.RUMOR: 2,
    Category.CLICKBAIT: 5,
    Category.MALWARE: 2,
    Category.INFRINGEMENT: 10,
    Category.PERSONAL_INFO: 2,
    Category.MISCONDUCT: 10,
    Category.OTHER: 5,
}


def response_days() -> dict[str, int]:
    """The working days per category: the defaults with ``ZILU_REPORT_DEADLINES`` applied."""
    days = dict(DEFAULT_DEADLINES)
    raw = str(settings.ZILU_REPORT_DEADLINES or "").strip()
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _sep, value = part.partition("=")
        if name.strip() not in days or not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"ZILU_REPORT_DEADLINES: bad entry {part!r} (category=working days)")
        days[name.strip()] = int(value)
    return days


@dataclass(frozen=True)
class Deadlines:
    due_on: date
    very_overdue_on: date
    provisional: bool


def deadlines_for(category: str, start: date) -> Deadlines:
    """The due date (1× the period) and the very-overdue date (2×), in working days from ``start``. Past the
    official holiday calendar's coverage the dates are provisional (``core.deadlines.compute``) rather than refused,
    because a report must be accepted whatever the date; ``zilu calendar load`` recomputes them
    (``Report.recompute_deadlines``)."""
    days = response_days()[category]
    due = deadlines.compute(start, working_days=days)
    very = deadlines.compute(due.day, working_days=days)
    return Deadlines(due_on=due.day, very_overdue_on=very.day, provisional=due.provisional or very.provisional)


@dataclass(frozen=True)
class Target:
    member: Member | None
    matched_by: str  # "reporter" (chosen from the list), "domain" (registered site) or ""
    domain: str


def resolve_target(member_id: int | None, target: str) -> Target:
    """The member a report concerns: the one the reporter chose, or the one whose registered site or app the target
    names (``zilu.filings``), or none."""
    domain = _domain_of(target)
    if member_id:
        # Through the cached domain map (which also holds the active members): no query in the common case.
        member = active_member(member_id)
        if member is None:
            raise ValidationFailed(field="member", message=_no_member_message())
        return Target(member, "reporter", domain)
    if target:
        member = member_for_url(target)
        if member is not None:
            return Target(member, "domain", domain)
    return Target(None, "", domain)


def _no_member_message() -> str:
    return _("Choose a member from the list, or leave it empty and describe where the information is.")


def _domain_of(target: str) -> str:
    """The registrable domain in ``target`` when it names a host (a URL, host name or domain), else ""; the same
    parsing as the resolution of members' sites."""
    host = host_of(target)
    candidates = candidate_domains(host) if host else []
    return candidates[-1] if candidates else ""


def goes_to_staff(category: str) -> bool:
    return category in set(settings.ZILU_REPORT_STAFF_CATEGORIES)
