"""Publishing the bulletins of the members who joined and withdrew (Art. 23): once per period, corrections by a
new bulletin that names the one it corrects. Periods and content are computed in :mod:`zilu.members.bulletins`."""

from __future__ import annotations

import json
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit
from zilu.core.actors import StaffActor
from zilu.core.errors import Duplicate, InvalidTransition, NotFound, ValidationFailed
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, require
from zilu.members.bulletins import bulletin_entries, content_hash, parse_period, previous_quarter
from zilu.members.models import Bulletin


@transaction.atomic
def do_publish_bulletin(
    actor: StaffActor, period: str, *, corrects: int | None = None, note: str = "", today: date | None = None
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


def publish_due_bulletin(actor: StaffActor, today: date | None = None) -> Bulletin | None:
    """The periodic task's work: publish the previous quarter's bulletin unless it already exists."""
    today = today or timezone.localdate()
    period = previous_quarter(today)
    if Bulletin.objects.filter(period=period).exists():
        return None
    return do_publish_bulletin(actor, period, today=today)
