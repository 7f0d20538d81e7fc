"""Reminders of late answers in disputes (Art. 19): a periodic task (core.scheduler) tells a respondent whose answer
is late, and the claimant, once the answer window has ended, and again every ``ZILU_DISPUTES_REMINDER_INTERVAL_DAYS``
days (counted by ``core.deadlines``) while the dispute stays open and unanswered. Never while the window's last day
is provisional (beyond the official holiday calendar): nobody is late before the calendar says so."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, deadlines
from zilu.core.actors import StaffActor
from zilu.core.notify import notify
from zilu.core.system import SystemActor
from zilu.disputes.models import Dispute, DisputeParty
from zilu.members.models import Member


def _due_again(party: DisputeParty, today: date) -> bool:
    """Whether the reminder is due: never sent, or sent more than the interval ago."""
    if party.answer_reminded_at is None:
        return True
    interval = int(settings.ZILU_DISPUTES_REMINDER_INTERVAL_DAYS)
    if interval <= 0:
        return False
    return deadlines.is_overdue(deadlines.compute(timezone.localdate(party.answer_reminded_at), days=interval).day,
                                today)  # fmt: skip


def remind_late_answers(today: date | None = None, actor: StaffActor | None = None) -> int:
    """Remind every respondent whose answer is late; returns how many reminders were sent. Idempotent per day."""
    today = today or timezone.localdate()
    actor = actor or SystemActor("system:scheduler")
    sent = 0
    late = DisputeParty.objects.filter(
        side=DisputeParty.Side.RESPONDENT,
        answered_at__isnull=True,
        dispute__status__in=Dispute.OPEN_STATUSES,
        dispute__answer_due_on__lt=today,
        dispute__deadline_provisional=False,
    ).values_list("pk", flat=True)
    for party_id in late:
        with transaction.atomic():
            party = DisputeParty.objects.select_for_update().select_related("dispute", "member").get(pk=party_id)
            dispute = party.dispute
            if party.answered_at is not None or not dispute.answered_late(today) or not _due_again(party, today):
                continue
            party.answer_reminded_at = timezone.now()
            party.save(update_fields=["answer_reminded_at"])
            audit.record(
                actor, "disputes.dispute.answer_reminder", dispute,
                after={"respondent": party.member_id, "answer_due_on": dispute.answer_due_on},
            )  # fmt: skip
            url = reverse("disputes:detail", kwargs={"dispute_id": dispute.pk})
            due = dispute.answer_due_on.isoformat() if dispute.answer_due_on else "—"
            notify(
                party.member.active_representatives(),
                _("Your answer to dispute No. %(n)d is late") % {"n": dispute.number},
                _("The answer was due on %(date)s. Answer on the dispute's page, or say why you cannot.")
                % {"date": due},
                url=url,
                kind="disputes.dispute.answer_late",
            )
            claimants = dispute.parties.filter(side=DisputeParty.Side.CLAIMANT).values_list("member_id", flat=True)
            notify(
                Member.objects.filter(pk__in=list(claimants)).active_representatives(),
                _("%(member)s has not answered dispute No. %(n)d") % {"member": party.member.name, "n": dispute.number},
                _("The answer was due on %(date)s. You may ask the executing body to mediate.") % {"date": due},
                url=url,
                kind="disputes.dispute.answer_late",
            )
            sent += 1
    return sent
