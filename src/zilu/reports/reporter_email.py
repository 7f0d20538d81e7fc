"""Reporters without accounts: the optional e-mail address given on the public form, confirmed by a link, then told
of each change of the report's status (the public history: status and outcome, nothing else) until they stop it.

- On submission with an address, one message with a confirmation link goes to it (after commit, through the outbox).
  Nothing else is sent before the reporter confirms: an address typed by someone else gets one message, no more.
- The links carry signed tokens (``django.core.signing``, the project's ``SECRET_KEY``): the report's id and a digest
  of the address, salted per purpose, so a token confirms (or stops) only that report for that address. The
  confirmation link expires after ``ZILU_REPORT_EMAIL_CONFIRM_DAYS`` days (7 by default); the stop link does not.
- The address and whether it is confirmed stay where the reporter's contact details already are: the executing
  body's and the supervising department's views of the report. The member concerned never sees them (its views
  are built from an explicit list of fields, ``selectors.member_view``), nor does the audit log (the entries say
  ``email_updates: confirmed``/``stopped``, never the address).
"""

from __future__ import annotations

import hashlib
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, workflow
from zilu.core.actors import Actor
from zilu.core.errors import ValidationFailed
from zilu.core.notify import site_language
from zilu.core.outbox import enqueue
from zilu.reports.models import Report, ReportEvent

CONFIRM_SALT = "zilu.reports.email.confirm"
STOP_SALT = "zilu.reports.email.stop"


def _digest(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def make_token(report: Report, purpose: str) -> str:
    """A signed token for ``report`` and its current address (``purpose``: confirm or stop)."""
    salt = CONFIRM_SALT if purpose == "confirm" else STOP_SALT
    return signing.dumps({"r": report.pk, "e": _digest(report.contact_email)}, salt=salt)


def _link(name: str, token: str) -> str:
    return settings.ZILU_BASE_URL + reverse(name, kwargs={"token": token})


def _report_of(token: str, purpose: str) -> Report:
    """The report a token is for, locked; ValidationFailed for any bad, expired or stale token (one message)."""
    invalid = ValidationFailed(_("This link is not valid or has expired."), field="token")
    try:
        if purpose == "confirm":
            data = signing.loads(token, salt=CONFIRM_SALT, max_age=int(settings.ZILU_REPORT_EMAIL_CONFIRM_DAYS) * 86400)
        else:
            data = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature as exc:  # SignatureExpired is one
        raise invalid from exc
    if not isinstance(data, dict):
        raise invalid
    report = Report.objects.select_for_update().filter(pk=data.get("r")).first()
    if report is None or not report.contact_email or _digest(report.contact_email) != data.get("e"):
        raise invalid
    return report


@transaction.atomic
def do_confirm_reporter_email(actor: Actor, token: str) -> Report:
    """The reporter confirms the address: from now on status updates are e-mailed to it. Confirming twice is
    harmless."""
    report = _report_of(token, "confirm")
    if report.email_verified_at is None or report.email_stopped_at is not None:
        report.email_verified_at = report.email_verified_at or timezone.now()
        report.email_stopped_at = None
        report.save(update_fields=["email_verified_at", "email_stopped_at"])
        audit.record(actor, "reports.email.confirm", report, after={"email_updates": "confirmed"})
    return report


@transaction.atomic
def do_stop_reporter_email(actor: Actor, token: str) -> Report:
    """The reporter stops the updates (the link at the foot of each one)."""
    report = _report_of(token, "stop")
    if report.email_stopped_at is None:
        report.email_stopped_at = timezone.now()
        report.save(update_fields=["email_stopped_at"])
        audit.record(actor, "reports.email.stop", report, after={"email_updates": "stopped"})
    return report


def after_submit(report: Report) -> None:
    """Called by ``do_submit_report`` in its transaction: the confirmation goes out after commit."""
    if report.contact_email:
        enqueue(send_confirmation_task, report.pk)


def after_event(report: Report, event: ReportEvent) -> None:
    """Called whenever the report's public history grows: the update goes out after commit."""
    if report.emails_updates:
        enqueue(send_update_task, event.pk)


def _send(subject: str, lines: list[Any], to: str) -> None:
    send_mail(subject[:200], "\n\n".join(str(line) for line in lines if line), None, [to])


RETRY: dict[str, Any] = {
    "autoretry_for": (OSError, OperationalError, InterfaceError),  # the mail server or the database away a moment
    "retry_backoff": True,
    "max_retries": 12,
}


@shared_task(name="zilu.reports.send_reporter_confirmation", **RETRY)
def send_confirmation_task(report_id: int) -> bool:
    """E-mail the confirmation link to the address given with the report."""
    report = workflow.access(Report.objects.all(), report_id)  # a task: every report
    if not report.contact_email or report.email_verified_at is not None:
        return False
    with site_language():
        subject = _("Confirm your e-mail for report %(number)s") % {"number": report.tracking_number}
        lines = [
            _("You gave this address when you reported %(number)s. Open the link below to receive an e-mail each "
              "time the report's status changes. If it was not you, ignore this message: nothing else will be "
              "sent.") % {"number": report.tracking_number},
            _link("reports:email_confirm", make_token(report, "confirm")),
            _("The member concerned never sees your address."),
        ]  # fmt: skip
    _send(subject, lines, report.contact_email)
    return True


@shared_task(name="zilu.reports.send_reporter_update", **RETRY)
def send_update_task(event_id: int) -> bool:
    """E-mail one status change (the public history's entry) to the reporter's confirmed address."""
    event = ReportEvent.objects.select_related("report").filter(pk=event_id).first()
    if event is None or not event.report.emails_updates:
        return False
    report = event.report
    with site_language():
        subject = _("Report %(number)s: %(status)s") % {
            "number": report.tracking_number,
            "status": event.get_status_display(),
        }
        lines = [
            subject,
            event.note,
            _("Follow it with its tracking number and lookup code: %(url)s")
            % {"url": settings.ZILU_BASE_URL + reverse("reports:track")},
            _("To stop these e-mails: %(url)s") % {"url": _link("reports:email_stop", make_token(report, "stop"))},
        ]
    _send(subject, lines, report.contact_email)
    return True
