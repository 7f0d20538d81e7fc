"""The mediator's independence beyond its own declaration (Art. 19): a conflict check when a mediator is assigned,
the mediator's recusal (回避), and a party's objection decided by another member of staff.

The check bars (:func:`conflict_findings`, ``bars``) a mediator who represents a party, filed the dispute, is named
as a party's legal representative or responsible person, filed another dispute to which a party was party, or
already stood down in this dispute. It discloses (``disclosures``) a mediator's past mediations involving a party:
no bar, but the parties see them (``Dispute.mediator_disclosures``) and may object.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Duplicate, Forbidden, InvalidTransition
from zilu.core.models import User
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, require
from zilu.disputes.actions.common import _party, _staff_url, _tell_parties, _text
from zilu.disputes.models import Dispute, MediatorChallenge
from zilu.members.models import Member


def _names(user: User) -> set[str]:
    """The ways a person's name may be written on a member's record (family name first or last, no spaces)."""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    return {n.replace(" ", "") for n in (f"{last}{first}", f"{first}{last}") if n}


def conflict_findings(dispute: Dispute, mediator: User) -> tuple[list[str], list[str]]:
    """What the conflict check finds for ``mediator`` in ``dispute``: (bars, disclosures)."""
    bars: list[str] = []
    members = dispute.member_ids()
    if mediator.member_id is not None and mediator.member_id in members:
        bars.append(_("The mediator represents a party: conflict of interest."))
    if mediator.pk == dispute.filed_by_id:
        bars.append(_("The mediator filed the dispute: conflict of interest."))
    names = _names(mediator)
    if names:
        for member in Member.objects.filter(pk__in=members):
            people = {p.replace(" ", "") for p in (member.legal_representative, member.responsible_person) if p}
            if names & people:
                bars.append(
                    _("The mediator is named as the legal representative or responsible person of %(m)s.")
                    % {"m": member.name}
                )
    others = Dispute.objects.exclude(pk=dispute.pk).filter(parties__member_id__in=members).distinct()
    if others.filter(filed_by=mediator).exists():
        bars.append(_("The mediator filed another dispute to which a party was party."))
    if MediatorChallenge.objects.filter(
        dispute=dispute, mediator=mediator, status=MediatorChallenge.Status.UPHELD
    ).exists():
        bars.append(_("The mediator already stood down in this dispute."))
    disclosures = [
        _("Mediated dispute No. %(n)d, to which a party was party.") % {"n": number}
        for number in others.filter(mediator=mediator).order_by("number").values_list("number", flat=True)
    ]
    return bars, disclosures


def _stand_down(actor: Actor, dispute: Dispute, action: str) -> None:
    """The mediator leaves the dispute: back to the queue for another one; confirmations of a proposed agreement
    lapse (the agreement was the former mediator's)."""
    workflow.transition(
        dispute, Dispute.Status.MEDIATION_REQUESTED, actor=actor, action=action,
        changes={"mediator_id": None, "mediator_declaration": "", "mediator_declared_at": None,
                 "mediator_disclosures": [], "agreement_text": "", "agreement_proposed_at": None},
        unaudited=("mediator_declaration", "mediator_declared_at", "mediator_disclosures", "agreement_text",
                   "agreement_proposed_at"),
    )  # fmt: skip
    dispute.parties.update(confirmed_agreement_at=None)
    notify(
        executing_body_staff(),
        _("Dispute No. %(n)d needs another mediator") % {"n": dispute.number},
        "",
        url=_staff_url(dispute),
        kind="disputes.dispute.mediator_stood_down",
    )
    _tell_parties(
        dispute,
        _("The mediator of dispute No. %(n)d stands down") % {"n": dispute.number},
        _("The executing body will assign another mediator."),
        "disputes.dispute.mediator_stood_down",
    )


@transaction.atomic
def do_recuse(actor: StaffActor, dispute_id: int, reason: str) -> MediatorChallenge:
    """The assigned mediator recuses itself (回避), with its reason; it cannot be assigned to this dispute again."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    if dispute.mediator_id is None or dispute.mediator_id != actor.pk:
        raise Forbidden(_("Only the mediator assigned to this dispute can do this."))
    if dispute.status not in (Dispute.Status.MEDIATING, Dispute.Status.AGREEMENT_PROPOSED):
        raise InvalidTransition(_("The dispute is not in mediation."))
    challenge = MediatorChallenge.objects.create(
        dispute=dispute, mediator_id=actor.pk, kind=MediatorChallenge.Kind.RECUSAL,
        reason=_text(reason, "reason", _("Give the reason."), 4000), status=MediatorChallenge.Status.UPHELD,
        decided_by_id=actor.pk, decided_at=timezone.now(),
    )  # fmt: skip
    audit.record(actor, "disputes.mediator.recuse", challenge, after={"dispute": dispute.number, "kind": "recusal"})
    MediatorChallenge.objects.filter(dispute=dispute, status=MediatorChallenge.Status.PENDING).update(
        status=MediatorChallenge.Status.UPHELD, decided_by_id=actor.pk, decided_at=timezone.now(),
        decision_note=_("The mediator recused itself."),
    )  # fmt: skip
    _stand_down(actor, dispute, "disputes.dispute.mediator_recused")
    return challenge


@transaction.atomic
def do_object_to_mediator(actor: Actor, dispute_id: int, reason: str) -> MediatorChallenge:
    """A party objects to the assigned mediator, with its reason; until another member of staff decides, the
    mediator cannot act."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if dispute.mediator_id is None or dispute.status not in (
        Dispute.Status.MEDIATING, Dispute.Status.AGREEMENT_PROPOSED,
    ):  # fmt: skip
        raise InvalidTransition(_("There is no mediator to object to."))
    if dispute.challenges.filter(status=MediatorChallenge.Status.PENDING).exists():
        raise Duplicate(_("An objection to the mediator is already awaiting its decision."))
    challenge = MediatorChallenge.objects.create(
        dispute=dispute, mediator_id=dispute.mediator_id, kind=MediatorChallenge.Kind.OBJECTION,
        raised_by_id=party.member_id, reason=_text(reason, "reason", _("Give the reason of the objection."), 4000),
    )  # fmt: skip
    audit.record(
        actor, "disputes.mediator.object", challenge,
        after={"dispute": dispute.number, "party": party.side, "mediator": dispute.mediator_id},
    )  # fmt: skip
    notify(
        executing_body_staff().exclude(pk=dispute.mediator_id),
        _("A party objects to the mediator of dispute No. %(n)d") % {"n": dispute.number},
        _("A member of staff other than the mediator decides the objection."),
        url=_staff_url(dispute),
        kind="disputes.mediator.objection",
    )
    _tell_parties(
        dispute,
        _("A party objects to the mediator of dispute No. %(n)d") % {"n": dispute.number},
        "",
        "disputes.mediator.objection",
        except_member=party.member_id,
    )
    return challenge


@transaction.atomic
def do_decide_objection(
    actor: StaffActor, dispute_id: int, challenge_id: int, *, uphold: bool, note: str
) -> MediatorChallenge:
    """A member of staff other than the mediator upholds (the mediator stands down) or rejects an objection."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    challenge = workflow.access(
        MediatorChallenge.objects.select_for_update().filter(dispute=dispute, kind=MediatorChallenge.Kind.OBJECTION),
        challenge_id,
    )
    if challenge.mediator_id == getattr(actor, "pk", None):
        raise Forbidden(_("The mediator cannot decide an objection to itself."))
    target = MediatorChallenge.Status.UPHELD if uphold else MediatorChallenge.Status.REJECTED
    workflow.check_transition(challenge, target)
    workflow.transition(
        challenge, target, actor=actor, action="disputes.mediator.decide_objection",
        changes={"decided_by_id": actor.pk, "decided_at": timezone.now(),
                 "decision_note": _text(note, "note", _("Give the reasons of the decision."), 4000)},
        unaudited=("decided_at", "decision_note"), extra_after={"dispute": dispute.number},
    )  # fmt: skip
    if uphold and dispute.mediator_id == challenge.mediator_id:
        _stand_down(actor, dispute, "disputes.dispute.mediator_removed")
    elif not uphold:
        _tell_parties(
            dispute,
            _("The objection to the mediator of dispute No. %(n)d is rejected") % {"n": dispute.number},
            challenge.decision_note,
            "disputes.mediator.objection_rejected",
        )
    return challenge
