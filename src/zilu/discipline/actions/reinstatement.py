"""Reinstatement of a revoked member (Art. 18): the member applies once the waiting period has passed
(``ZILU_DISCIPLINE_REINSTATEMENT_MONTHS``, 12 by default), the executing body grants or refuses with reasons, and a
grant restores the membership through the members app (:func:`zilu.members.actions.do_reinstate_membership`)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, deadlines, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Duplicate, InvalidTransition
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, require
from zilu.discipline.actions.cases import _named
from zilu.discipline.actions.common import text
from zilu.discipline.ladder import Measure
from zilu.discipline.models import Case, Reinstatement, waiting_period_end
from zilu.members.actions import do_reinstate_membership
from zilu.members.models import Member


def waiting_until(member: Member) -> date | None:
    """The last day of a revoked member's waiting period (it may apply from the next day); None unless revoked."""
    if member.status != Member.Status.REVOKED or member.revoked_on is None:
        return None
    return waiting_period_end(member.revoked_on).day


def reinstatement_eligibility(member: Member) -> dict[str, object]:
    """Whether ``member`` may apply for reinstatement today, and the end of its waiting period."""
    until = waiting_until(member)
    open_application = Reinstatement.objects.filter(member=member, status=Reinstatement.Status.SUBMITTED).exists()
    may = until is not None and deadlines.is_overdue(until, timezone.localdate()) and not open_application
    return {"member_status": member.status, "waiting_until": until, "may_apply": may}


def _staff_url(application: Reinstatement) -> str:
    return reverse("discipline:reinstatement", kwargs={"application_id": application.pk})


@transaction.atomic
def do_apply_for_reinstatement(actor: Actor, statement: str) -> Reinstatement:
    """The revoked member's representative applies, with what the member rectified, once the waiting period is
    over; one application open at a time."""
    require(actor, Perm.ANSWER_DISCIPLINE)
    member = Member.objects.select_for_update().filter(pk=getattr(actor, "member_id", None)).first()
    if member is None or member.status != Member.Status.REVOKED or member.revoked_on is None:
        raise InvalidTransition(_("Only a member whose membership was revoked can apply for reinstatement."))
    end = waiting_period_end(member.revoked_on)
    if not deadlines.is_overdue(end.day, timezone.localdate()):
        raise InvalidTransition(
            _("The member may apply for reinstatement after %(date)s.") % {"date": end.day.isoformat()}
        )
    if Reinstatement.objects.filter(member=member, status=Reinstatement.Status.SUBMITTED).exists():
        raise Duplicate(_("An application for reinstatement is already awaiting its decision."))
    statement = text(statement, "statement", _("Say why the member should be reinstated and what it rectified."))
    case = (
        Case.objects.filter(member=member, measure=Measure.REVOCATION, revoked_at__isnull=False)
        .order_by("-revoked_at")
        .first()
    )
    application = Reinstatement.objects.create(
        member=member, case=case, revoked_on=member.revoked_on, statement=statement, applied_by=actor
    )
    audit.record(
        actor, "discipline.reinstatement.apply", application,
        after={"member": member.pk, "revoked_on": member.revoked_on, "case": case.reference if case else ""},
    )  # fmt: skip
    notify(
        executing_body_staff(),
        _("%(member)s applies for reinstatement") % {"member": member.name},
        _("Application %(ref)s.") % {"ref": application.reference},
        url=_staff_url(application),
        kind="discipline.reinstatement.applied",
    )
    return application


@transaction.atomic
def do_decide_reinstatement(actor: StaffActor, application_id: int, *, grant: bool, reasons: str) -> Reinstatement:
    """A named member of staff grants (the membership is restored) or refuses the application, with reasons."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    _named(actor)
    application = workflow.access(Reinstatement.objects.restrict(actor, "change"), application_id, for_update=True)
    target = Reinstatement.Status.GRANTED if grant else Reinstatement.Status.REFUSED
    workflow.check_transition(application, target)  # before the reasons are checked
    reasons = text(reasons, "reasons", _("Give the reasons of the decision."))
    workflow.transition(
        application, target, actor=actor, action="discipline.reinstatement.decide",
        changes={"reasons": reasons, "decided_by_id": actor.pk, "decided_at": timezone.now()},
        unaudited=("decided_at", "decided_by_id"),
    )  # fmt: skip
    if grant:
        do_reinstate_membership(actor, application.member_id, decision_reference=application.reference)
    else:
        notify(
            application.member.active_representatives(),
            _("Application %(ref)s for reinstatement is refused") % {"ref": application.reference},
            reasons,
            url=reverse("discipline:my_reinstatement"),
            kind="discipline.reinstatement.refused",
        )
    return application
