"""Bulletins of the members who joined and withdrew (Art. 23): periods, content and its hash, and the check that the
stored content still gives the published hash. Publishing one is an action (:mod:`zilu.members.actions.bulletins`)."""

from __future__ import annotations

import hashlib
import logging
import re
from calendar import monthrange
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.core import audit
from zilu.core.errors import ValidationFailed
from zilu.members.models import Bulletin, Member

logger = logging.getLogger(__name__)

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


def current_quarter(today: date) -> str:
    """The quarter ``today`` is in, e.g. ``2026Q4`` on 2026-11-29."""
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


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


def running_quarter(today: date | None = None) -> dict[str, Any]:
    """The joins and withdrawals of the quarter that is running, up to today: what the next bulletin will list
    (Art. 23). Computed live; an interim bulletin publishes it with a number and a hash."""
    today = today or timezone.localdate()
    period = current_quarter(today)
    start, _end = parse_period(period)
    return {"period": period, "period_start": start, "as_of": today, **bulletin_entries(start, today)}


def content_hash(
    period: str, entries: dict[str, Any], corrects: int | None, note: str, *, interim_until: date | None = None
) -> str:
    """SHA-256 over the bulletin's content, so a printed copy can be checked against the site. An interim bulletin's
    hash also covers the day it lists up to (final bulletins hash as they always did)."""
    payload: dict[str, Any] = {"period": period, "entries": entries, "corrects": corrects, "note": note}
    if interim_until is not None:
        payload["interim_until"] = interim_until.isoformat()
    return hashlib.sha256(audit.canonical_json(payload).encode()).hexdigest()


# Shown on the page and written into the CSV when a bulletin's stored content no longer gives its published hash.
TAMPERED = gettext_lazy(
    "Warning: the content of this bulletin no longer matches the SHA-256 it was published with (recomputed: "
    "%(sha256)s). Its records were changed after publication; rely only on a copy whose hash matches."
)


def integrity(bulletin: Bulletin) -> tuple[str, str]:
    """The SHA-256 of the content as stored now, and the warning to show when it is not the published one (empty
    when they match): someone edited the rows in the database after publication."""
    corrects = bulletin.corrects.number if bulletin.corrects_id else None
    until = bulletin.period_end if bulletin.interim else None
    actual = content_hash(bulletin.period, bulletin.entries, corrects, bulletin.note, interim_until=until)
    if actual == bulletin.content_sha256:
        return actual, ""
    logger.warning("bulletin No. %s: content no longer matches its published SHA-256", bulletin.number)
    return actual, str(TAMPERED % {"sha256": actual})
