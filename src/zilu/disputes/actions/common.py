"""What the dispute actions share: limits, loading with access checks, state checks, notices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import UploadPolicy
from zilu.core.models import User
from zilu.core.notify import notify
from zilu.core.roles import Perm, Role, require
from zilu.disputes.models import Dispute, DisputeParty

#: Calendar days the respondents have to answer (counted by core.deadlines, Civil Code arts. 201-203).
ANSWER_DAYS = 15
EVIDENCE = "evidence"
EVIDENCE_POLICY = UploadPolicy()


# ------------------------------------------------------------------------------------------------ helpers


def access_dispute(user: Any, dispute_id: int, *, for_update: bool = False) -> Dispute:
    """The dispute, if ``user`` may see it; :class:`NotFound` otherwise (existence is not confirmed)."""
    qs = Dispute.objects.visible_to(user)
    if for_update:
        # visible_to() may join the parties; lock the dispute row alone.
        if not qs.filter(pk=dispute_id).exists():
            raise NotFound()
        qs = Dispute.objects.select_for_update()
    dispute = qs.filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound()
    return dispute


def _transition(dispute: Dispute, target: str) -> None:
    if target not in Dispute.TRANSITIONS[dispute.status]:
        raise InvalidTransition(
            _("A dispute that is “%(status)s” cannot become “%(target)s”.")
            % {"status": dispute.get_status_display(), "target": Dispute.Status(target).label}
        )


def _party(actor: Any, dispute: Dispute) -> DisputeParty:
    """The actor's party in the dispute; only representatives of a party act for it."""
    require(actor, Perm.FILE_DISPUTES)
    party = dispute.party_of(actor)
    if party is None:
        raise Forbidden()
    return party


def _require_mediator(actor: Any, dispute: Dispute) -> None:
    """Only the assigned mediator, after declaring no conflict of interest, runs the mediation."""
    require(actor, Perm.MEDIATE_DISPUTES)
    if dispute.mediator_id is None or dispute.mediator_id != getattr(actor, "pk", None):
        raise Forbidden(_("Only the mediator assigned to this dispute can do this."))
    if dispute.mediator_declared_at is None:
        raise InvalidTransition(_("The mediator must first declare that there is no conflict of interest."))


def _text(value: str | None, field: str, message: str, limit: int = 20000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _representatives(member_ids: Iterable[int]) -> list[User]:
    return list(User.objects.filter(member_id__in=list(member_ids), role=Role.MEMBER, is_active=True))


def _tell(users: Iterable[User], subject: Any, body: Any, dispute: Dispute, kind: str, *, staff: bool = False) -> None:
    """Notify in the site's language; the subject names the dispute by number only."""
    url = reverse("disputes:staff_detail" if staff else "disputes:detail", kwargs={"dispute_id": dispute.pk})
    with translation.override(settings.LANGUAGE_CODE):
        notify(list(users), str(subject), str(body), url=url, kind=kind)


def _tell_parties(dispute: Dispute, subject: Any, body: Any, kind: str, *, except_member: int | None = None) -> None:
    members = {mid for mid in dispute.member_ids() if mid != except_member}
    _tell(_representatives(members), subject, body, dispute, kind)


def _close(dispute: Dispute, status: str) -> None:
    dispute.status = status
    dispute.closed_at = timezone.now()


def REMEDIES_NOTICE() -> str:
    """What the parties are told when mediation fails (also shown on the dispute's page)."""
    return _(
        "Mediation by the executing body is voluntary and its failure does not affect your rights: you may still "
        "resolve the dispute through other legal means, such as arbitration or a lawsuit in a people's court."
    )
