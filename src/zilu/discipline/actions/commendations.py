"""State changes of commendations (评优, Art. 18): nominate, then the review decision (commend or not).

A member under an active sanction (a decided measure still counting on its record, see ``record.active_strikes``)
cannot be commended in that period: neither the unit itself nor an individual nominated as one of its people.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Forbidden, ValidationFailed
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, require
from zilu.discipline.actions.common import text
from zilu.discipline.models import Nomination
from zilu.discipline.record import active_strikes
from zilu.members.models import Member


def _check_not_sanctioned(member: Member | None, field: str) -> None:
    if member is None:
        return
    strikes = active_strikes(member)
    if strikes:
        last = strikes[-1]
        until = calendars.deadline_text(last.expires_on, last.provisional)
        raise ValidationFailed(
            _("%(name)s is under an active sanction (%(ref)s, counting until %(date)s) and cannot be commended in "
              "this period.") % {"name": member.name, "ref": last.case.reference, "date": until},
            field=field,
        )  # fmt: skip


@transaction.atomic
def do_nominate(
    actor: Actor, *, nominee_kind: str, reasons: str, member_id: int | None = None, nominee_name: str = "",
    year: int | None = None,
) -> Nomination:  # fmt: skip
    """Staff or a member nominate a member unit, or an individual (with the member it belongs to, if any)."""
    require(actor, Perm.NOMINATE)
    if nominee_kind not in Nomination.NomineeKind.values:
        raise ValidationFailed(_("Choose whom you nominate."), field="nominee_kind")
    member = Member.objects.filter(pk=member_id).first() if member_id else None
    if member_id and (member is None or member.status != Member.Status.ACTIVE):
        raise ValidationFailed(_("Choose an active member."), field="member")
    if nominee_kind == Nomination.NomineeKind.UNIT:
        if member is None:
            raise ValidationFailed(_("Choose the member unit you nominate."), field="member")
        name = member.name
    else:
        name = text(nominee_name, "nominee_name", _("Give the individual's name."), 200)
    _check_not_sanctioned(member, "member")
    nomination = Nomination.objects.create(
        year=year or timezone.localdate().year,
        nominee_kind=nominee_kind,
        member=member,
        nominee_name=name,
        reasons=text(reasons, "reasons", _("Say why the nominee deserves a commendation.")),
        nominated_by=actor,
    )
    audit.record(
        actor, "discipline.nomination.create", nomination,
        after={"kind": nominee_kind, "member": member.pk if member else None, "year": nomination.year},
    )  # fmt: skip
    notify(executing_body_staff(), _("New nomination for commendation"), name,
           url=reverse("discipline:nominations"), kind="discipline.nomination.created")  # fmt: skip
    return nomination


@transaction.atomic
def do_decide_nomination(
    actor: StaffActor, nomination_id: int, *, commend: bool, citation: str = "", note: str = ""
) -> Nomination:
    """Staff other than the nominator commend (with a public citation) or decline a nomination."""
    require(actor, Perm.REVIEW_NOMINATIONS)
    nomination = workflow.access(Nomination.objects.restrict(actor, "change"), nomination_id, for_update=True)
    target = Nomination.Status.COMMENDED if commend else Nomination.Status.DECLINED
    workflow.check_transition(nomination, target)  # before the checks below
    if getattr(actor, "pk", None) is not None and actor.pk == nomination.nominated_by_id:
        raise Forbidden(_("A nomination is reviewed by someone other than its nominator."))
    if commend:
        _check_not_sanctioned(nomination.member, "member")
        citation = text(citation, "citation", _("Write the public citation."), 4000)
    else:
        citation = nomination.citation
    note = (note or "").strip()[:4000]
    changes = {"citation": citation, "review_note": note, "reviewed_by_id": getattr(actor, "pk", None),
               "decided_on": timezone.localdate()}  # fmt: skip
    workflow.transition(
        nomination, target, actor=actor, action="discipline.nomination.decide", changes=changes,
        unaudited=tuple(changes), extra_after={"note": note},
    )  # fmt: skip
    people = [nomination.nominated_by, *(nomination.member.active_representatives() if nomination.member else [])]
    subject = _("Nomination for commendation decided: %(name)s") % {"name": nomination.nominee_name}
    notify(people, subject, nomination.get_status_display(), url=reverse("discipline:commendations"),
           kind="discipline.nomination.decided")  # fmt: skip
    return nomination
