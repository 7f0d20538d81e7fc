"""What the dispute actions share: limits, the acting party and mediator, notices."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from zilu.core.actors import Actor
from zilu.core.errors import Forbidden, InvalidTransition, ValidationFailed
from zilu.core.files import UploadPolicy
from zilu.core.notify import notify
from zilu.core.roles import Perm, require
from zilu.disputes.models import Dispute, DisputeParty
from zilu.members.models import Member

EVIDENCE = "evidence"
EVIDENCE_POLICY = UploadPolicy()


# ------------------------------------------------------------------------------------------------ helpers


def _party(actor: Actor, dispute: Dispute) -> DisputeParty:
    """The actor's party in the dispute; only representatives of a party act for it."""
    require(actor, Perm.FILE_DISPUTES)
    party = dispute.party_of(actor)
    if party is None:
        raise Forbidden()
    return party


def _require_mediator(actor: Actor, dispute: Dispute) -> None:
    """Only the assigned mediator, after declaring no conflict of interest, runs the mediation."""
    require(actor, Perm.MEDIATE_DISPUTES)
    if dispute.mediator_id is None or dispute.mediator_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the mediator assigned to this dispute can do this."))
    if dispute.mediator_declared_at is None:
        raise InvalidTransition(_("The mediator must first declare that there is no conflict of interest."))
    if dispute.challenges.filter(status="pending").exists():  # MediatorChallenge.Status.PENDING
        raise InvalidTransition(_("A party objects to the mediator: the objection must be decided first."))


def _text(value: str | None, field: str, message: str, limit: int = 20000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _staff_url(dispute: Dispute) -> str:
    """The staff's page of the dispute (for the mediator and the executing body's queue)."""
    return reverse("disputes:staff_detail", kwargs={"dispute_id": dispute.pk})


def _tell_parties(dispute: Dispute, subject: Any, body: Any, kind: str, *, except_member: int | None = None) -> None:
    """Notify the representatives of the parties (but ``except_member``), with a link to the parties' page. Subjects
    name the dispute by number only."""
    members = {mid for mid in dispute.member_ids() if mid != except_member}
    url = reverse("disputes:detail", kwargs={"dispute_id": dispute.pk})
    notify(Member.objects.filter(pk__in=members).active_representatives(), subject, body, url=url, kind=kind)


def REMEDIES_NOTICE() -> str:
    """What the parties are told when mediation fails (also shown on the dispute's page)."""
    return _(
        "Mediation by the executing body is voluntary and its failure does not affect your rights: you may still "
        "resolve the dispute through other legal means, such as arbitration or a lawsuit in a people's court."
    )
