"""Internet access venues (Art. 13): a venue's self-assessment of minors' protection and civil internet use, and
the executing body's review of it. The items and the licence rule are in :mod:`zilu.members.venues`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.core import audit
from zilu.core.actors import Actor
from zilu.core.errors import InvalidTransition, ValidationFailed
from zilu.core.notify import executing_body_staff, notify, site_language
from zilu.core.roles import Perm, require
from zilu.core.workflow import access, transition
from zilu.members.models import Kind, Member, VenueAssessment
from zilu.members.venues import check_assessment

AUDITED = ["opening_hours", "session_limit_minutes", "filtering_system"]


def _summary(assessment: VenueAssessment) -> dict[str, Any]:
    """What the audit entry keeps: the figures and the answers (no notes: they may name people)."""
    return {
        **audit.changes(assessment, AUDITED),
        "answers": {code: value["answer"] for code, value in sorted(assessment.answers.items())},
    }


@transaction.atomic
def do_submit_venue_assessment(actor: Actor, data: dict[str, Any]) -> VenueAssessment:
    """An active venue's representative submits its self-assessment; the executing body reviews it."""
    require(actor, Perm.SELF_ASSESS)
    member = Member.objects.select_for_update().filter(pk=getattr(actor, "member_id", None)).first()
    if member is None or member.kind != Kind.VENUE:
        raise InvalidTransition(_("Only an internet access venue submits this self-assessment."))
    if member.status != Member.Status.ACTIVE:
        raise InvalidTransition(_("Only an active member submits a self-assessment."))
    cleaned = check_assessment(data)
    assessment = VenueAssessment.objects.create(member=member, submitted_by=actor, **cleaned)
    audit.record(actor, "members.venue_assessment.submit", assessment, after=_summary(assessment))
    with site_language():
        subject = _("Venue self-assessment to review: %(name)s") % {"name": member.name}
    notify(
        executing_body_staff(),
        subject,
        url=reverse("members:venue_review", kwargs={"assessment_id": assessment.pk}),
        kind="members.venue_assessment.submitted",
    )
    return assessment


@transaction.atomic
def do_review_venue_assessment(actor: Actor, assessment_id: int, *, accept: bool, note: str = "") -> VenueAssessment:
    """The executing body accepts the self-assessment or returns it with what to correct (a note is required)."""
    require(actor, Perm.RUN_EVALUATIONS)
    assessment = access(VenueAssessment.objects.restrict(actor, "change"), assessment_id, for_update=True)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationFailed(_("Say what the venue must correct."), field="note")
    target = VenueAssessment.Status.ACCEPTED if accept else VenueAssessment.Status.RETURNED
    transition(
        assessment, target, actor=actor, action="members.venue_assessment.review",
        changes={"review_note": note[:2000], "reviewed_by": actor, "reviewed_at": timezone.now()},
        unaudited=("reviewed_by", "reviewed_at"),
    )  # fmt: skip
    notify(
        assessment.member.active_representatives(),
        gettext_lazy("Your venue self-assessment is accepted")
        if accept
        else gettext_lazy("Your venue self-assessment is returned for correction"),
        note,
        url=reverse("members:venue_assessment"),
        kind="members.venue_assessment.reviewed",
    )
    return assessment
