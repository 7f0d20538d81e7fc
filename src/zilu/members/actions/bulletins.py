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
    actor: StaffActor,
    period: str,
    *,
    corrects: int | None = None,
    note: str = "",
    today: date | None = None,
    interim: bool = False,
) -> Bulletin:
    """Publish the join/withdraw list for a period that has ended. A period is published once; to change a
    published bulletin, publish a correction that names it (``corrects``) and says why (``note``).

    ``interim``: publish the period that is still running, as it stands today (its joins and withdrawals up to
    today), so the public need not wait for the quarter to end (Art. 23). Interim bulletins are numbered and hashed
    like the others, may be published more than once in a period, and never replace the final bulletin."""
    require(actor, Perm.PUBLISH_BULLETINS)
    start, end = parse_period(period)
    period = period.strip().upper()
    today = today or timezone.localdate()
    corrected = None
    note = (note or "").strip()
    if interim:
        return _publish_interim(actor, period, start, end, today, corrects, note)
    if end >= today:
        raise InvalidTransition(_("The period has not ended yet."), field="period")
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
    elif Bulletin.objects.filter(period=period, interim=False).exists():
        raise Duplicate(
            _("The bulletin for %(period)s is already published; publish a correction instead.") % {"period": period},
            field="period",
        )
    if corrected is not None and corrected.interim:
        raise ValidationFailed(_("An interim bulletin is not corrected: the final bulletin supersedes it."))
    return _create(actor, period, start, end, today, corrected, note, interim=False)


def _publish_interim(
    actor: StaffActor, period: str, start: date, end: date, today: date, corrects: int | None, note: str
) -> Bulletin:
    if corrects is not None:
        raise ValidationFailed(_("An interim bulletin is not a correction."), field="corrects")
    if not start <= today <= end:
        raise InvalidTransition(_("An interim bulletin covers the period that is running today."), field="period")
    return _create(actor, period, start, today, today, None, note, interim=True)


def _create(
    actor: StaffActor, period: str, start: date, end: date, today: date, corrected: Bulletin | None, note: str,
    *, interim: bool,
) -> Bulletin:  # fmt: skip
    """Compute, number, hash and store one bulletin, with its audit entry."""
    corrects = corrected.number if corrected is not None else None
    entries = bulletin_entries(start, end)
    number = next_number(Bulletin.objects.select_for_update())
    bulletin = Bulletin.objects.create(
        number=number,
        period=period,
        period_start=start,
        period_end=end,
        entries=json.loads(audit.canonical_json(entries)),
        content_sha256=content_hash(period, entries, corrects, note, interim_until=end if interim else None),
        corrects=corrected,
        note=note,
        interim=interim,
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
            **({"interim": True} if interim else {}),
        },
    )
    return bulletin


def publish_due_bulletin(actor: StaffActor, today: date | None = None) -> Bulletin | None:
    """The periodic task's work: publish the previous quarter's bulletin unless it already exists."""
    today = today or timezone.localdate()
    period = previous_quarter(today)
    if Bulletin.objects.filter(period=period, interim=False).exists():
        return None
    return do_publish_bulletin(actor, period, today=today)
