"""Bulletins of the members who joined and withdrew (Art. 23): periods, content, publication."""

from __future__ import annotations

import hashlib
import json
import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit
from zilu.core.errors import Duplicate, InvalidTransition, NotFound, ValidationFailed
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, require
from zilu.members.models import Bulletin, Member

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


def parse_period(period: str) -> tuple[date, date]:
    """``2026Q4`` → (2026-10-01, 2026-12-31); also ``2026-11`` (a month) and ``2026`` (a year)."""
    match = _PERIOD.match((period or "").strip().upper())
    if not match:
        raise ValidationFailed(
            _("Write the period as 2026Q4 (a quarter), 2026-11 (a month) or 2026 (a year)."), field="period"
        )
    year = int(match["year"])
    if match["quarter"]:
        first_month = (int(match["quarter"]) - 1) * 3 + 1
        last_month = first_month + 2
    elif match["month"]:
        first_month = last_month = int(match["month"])
    else:
        first_month, last_month = 1, 12
    return date(year, first_month, 1), date(year, last_month, monthrange(year, last_month)[1])


def previous_quarter(today: date) -> str:
    """The quarter before the one ``today`` is in, e.g. ``2026Q3`` on 2026-11-29."""
    first_of_quarter = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    last = first_of_quarter - timedelta(days=1)
    return f"{last.year}Q{(last.month - 1) // 3 + 1}"


def _entry(member: Member, day: date | None) -> dict[str, Any]:
    return {"number": member.number, "name": member.name, "kind": member.kind, "date": day.isoformat() if day else ""}


def bulletin_entries(start: date, end: date) -> dict[str, list[dict[str, Any]]]:
    """The joins and withdrawals dated within [start, end], in date then number order."""
    joins = Member.objects.in_registry().filter(joined_on__range=(start, end)).order_by("joined_on", "number")
    withdrawals = (
        Member.objects.in_registry().filter(withdrawn_on__range=(start, end)).order_by("withdrawn_on", "number")
    )
    return {
        "joins": [_entry(m, m.joined_on) for m in joins],
        "withdrawals": [_entry(m, m.withdrawn_on) for m in withdrawals],
    }


def content_hash(period: str, entries: dict[str, Any], corrects: int | None, note: str) -> str:
    """SHA-256 over the bulletin's content, so a printed copy can be checked against the site."""
    payload = {"period": period, "entries": entries, "corrects": corrects, "note": note}
    return hashlib.sha256(audit.canonical_json(payload).encode()).hexdigest()


@transaction.atomic
def do_publish_bulletin(
    actor: Any, period: str, *, corrects: int | None = None, note: str = "", today: date | None = None
) -> Bulletin:
    """Publish the join/withdraw list for a period that has ended. A period is published once; to change a
    published bulletin, publish a correction that names it (``corrects``) and says why (``note``)."""
    require(actor, Perm.PUBLISH_BULLETINS)
    start, end = parse_period(period)
    period = period.strip().upper()
    today = today or timezone.localdate()
    if end >= today:
        raise InvalidTransition(_("The period has not ended yet."), field="period")
    corrected = None
    note = (note or "").strip()
    if corrects is not None:
        corrected = Bulletin.objects.filter(number=corrects).first()
        if corrected is None:
            raise NotFound(_("There is no bulletin No. %(n)d to correct.") % {"n": corrects})
        if corrected.period != period:
            raise ValidationFailed(
                _("A correction covers the same period as the bulletin it corrects."), field="period"
            )
        if not note:
            raise ValidationFailed(_("Say what the correction changes."), field="note")
    elif Bulletin.objects.filter(period=period).exists():
        raise Duplicate(
            _("The bulletin for %(period)s is already published; publish a correction instead.") % {"period": period},
            field="period",
        )
    entries = bulletin_entries(start, end)
    number = next_number(Bulletin.objects.select_for_update())
    bulletin = Bulletin.objects.create(
        number=number,
        period=period,
        period_start=start,
        period_end=end,
        entries=json.loads(audit.canonical_json(entries)),
        content_sha256=content_hash(period, entries, corrects, note),
        corrects=corrected,
        note=note,
        published_on=today,
        published_by_label=actor.get_username() if getattr(actor, "is_authenticated", False) else "system",
    )
    audit.record(
        actor,
        "members.bulletin.publish",
        bulletin,
        after={
            "number": number,
            "period": period,
            "joins": len(entries["joins"]),
            "withdrawals": len(entries["withdrawals"]),
            "corrects": corrects,
            "sha256": bulletin.content_sha256,
        },
    )
    return bulletin


def publish_due_bulletin(actor: Any, today: date | None = None) -> Bulletin | None:
    """The periodic task's work: publish the previous quarter's bulletin unless it already exists."""
    today = today or timezone.localdate()
    period = previous_quarter(today)
    if Bulletin.objects.filter(period=period).exists():
        return None
    return do_publish_bulletin(actor, period, today=today)
