"""People's mediation (人民调解, Art. 16): referral of a dispute to a people's mediation committee, the committee's
outcome, and the request for judicial confirmation (司法确认) of an agreement.

A party may ask for the referral at any time while the dispute is open (the executing body's staff then see the
dispute); the staff refer a dispute they could not settle (their mediation failed or is under way) or that a party
asked to refer, naming a committee from the staff's list; the referral letter is a PDF for the committee. The staff
record what the committee reports (agreement reached, with the agreement uploaded, or failure); the parties or the
staff record the application to a people's court for judicial confirmation, due within 30 days of the agreement
(People's Mediation Law art. 33, counted by ``core.deadlines``), and the court's ruling.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Duplicate, Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import UploadPolicy, store_uploads
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, has_perm, require
from zilu.disputes.actions.common import _party, _staff_url, _tell_parties, _text
from zilu.disputes.documents import ReferralLetterData, render_referral_letter
from zilu.disputes.models import Dispute, DisputeParty
from zilu.disputes.peoples import Committee, Referral, confirmation_deadline

PEOPLES_AGREEMENT = "peoples_agreement"
AGREEMENT_POLICY = UploadPolicy(max_files=5)


@transaction.atomic
def do_add_committee(actor: StaffActor, name: str, address: str = "", phone: str = "") -> Committee:
    """The staff add a people's mediation committee to their list (also in the back office)."""
    require(actor, Perm.MEDIATE_DISPUTES)
    name = _text(name, "name", _("Name the committee."), 200)
    if Committee.objects.filter(name=name).exists():
        raise Duplicate(_("This committee is already on the list."))
    committee = Committee.objects.create(name=name, address=(address or "").strip()[:300],
                                         phone=(phone or "").strip()[:40])  # fmt: skip
    audit.record(actor, "disputes.committee.add", committee, after={"name": name})
    return committee


@transaction.atomic
def do_set_committee_active(actor: StaffActor, committee_id: int, *, active: bool) -> Committee:
    """The staff retire a committee from the list (past referrals keep it) or take it back."""
    require(actor, Perm.MEDIATE_DISPUTES)
    committee = workflow.access(Committee.objects.all(), committee_id, for_update=True)
    before = {"active": committee.active}
    committee.active = active
    committee.save(update_fields=["active"])
    audit.record(actor, "disputes.committee.set_active", committee, before=before, after={"active": active})
    return committee


@transaction.atomic
def do_request_referral(actor: Actor, dispute_id: int) -> Dispute:
    """A party asks that the dispute be referred to people's mediation; the executing body's staff are told."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if dispute.status not in Dispute.REFERABLE:
        raise InvalidTransition(_("This dispute can no longer be referred to people's mediation."))
    if dispute.referral_requested_at is not None:
        raise Duplicate(_("Referral to people's mediation is already requested."))
    dispute.referral_requested_at = timezone.now()
    dispute.referral_requested_by_id = party.member_id
    dispute.save(update_fields=["referral_requested_at", "referral_requested_by"])
    audit.record(actor, "disputes.dispute.request_referral", dispute, after={"party": party.side})
    notify(
        executing_body_staff(),
        _("Referral to people's mediation requested in dispute No. %(n)d") % {"n": dispute.number},
        _("Refer the dispute to a people's mediation committee."),
        url=_staff_url(dispute),
        kind="disputes.dispute.referral_requested",
    )
    _tell_parties(
        dispute,
        _("Referral to people's mediation requested in dispute No. %(n)d") % {"n": dispute.number},
        "",
        "disputes.dispute.referral_requested",
        except_member=party.member_id,
    )
    return dispute


@transaction.atomic
def do_refer(actor: StaffActor, dispute_id: int, *, committee_id: int, note: str = "") -> Referral:
    """The executing body refers the dispute to a people's mediation committee: one it could not settle (its
    mediation failed, or is requested or under way and it judges it cannot settle it) or one a party asked to
    refer. An open dispute whose parties asked for no mediation and no referral is theirs to negotiate."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    if Referral.objects.filter(dispute=dispute).exists():
        raise Duplicate(_("The dispute is already referred to people's mediation."))
    workflow.check_transition(dispute, Dispute.Status.REFERRED)
    asked = dispute.referral_requested_at is not None
    if dispute.status == Dispute.Status.OPEN and not asked:
        raise InvalidTransition(_("No party asked for people's mediation."))
    committee = Committee.objects.filter(pk=committee_id, active=True).first()
    if committee is None:
        raise ValidationFailed(_("Choose a people's mediation committee from the list."), field="committee")
    ground = Referral.Ground.PARTIES_ASKED if asked else Referral.Ground.NOT_SETTLED
    referral = Referral.objects.create(
        dispute=dispute, committee=committee, ground=ground, note=(note or "").strip()[:4000], referred_by=actor,
        referred_on=timezone.localdate(),
    )  # fmt: skip
    workflow.transition(
        dispute, Dispute.Status.REFERRED, actor=actor, action="disputes.dispute.refer",
        extra_after={"committee": committee.name, "ground": ground},
    )  # fmt: skip
    _tell_parties(
        dispute,
        _("Dispute No. %(n)d is referred to people's mediation") % {"n": dispute.number},
        _("Committee: %(c)s. The committee will contact you; the referral letter is on the dispute's page.")
        % {"c": committee.name},
        "disputes.dispute.referred",
    )
    return referral


def _referral(actor: Actor, dispute_id: int) -> tuple[Dispute, Referral]:
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    referral = Referral.objects.select_for_update().filter(dispute=dispute).first()
    if referral is None:
        raise NotFound()
    return dispute, referral


@transaction.atomic
def do_record_committee_outcome(
    actor: StaffActor, dispute_id: int, *, agreed: bool, note: str, on: date | None = None,
    files: Sequence[UploadedFile] = (),
) -> Referral:  # fmt: skip
    """The staff record what the committee reports: an agreement (its document uploaded; the day to apply for
    judicial confirmation is computed) or failure (other legal remedies remain)."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute, referral = _referral(actor, dispute_id)
    target = Referral.Status.AGREED if agreed else Referral.Status.FAILED
    workflow.check_transition(referral, target)
    outcome_on = on or timezone.localdate()
    if outcome_on > timezone.localdate() or outcome_on < referral.referred_on:
        raise ValidationFailed(_("The date must lie between the referral and today."), field="on")
    note = _text(note, "note", _("Write what the committee reported."), 4000)
    if agreed and not files:
        raise ValidationFailed(_("Upload the people's mediation agreement."), field="files")
    if files:
        store_uploads(files, owner=dispute, purpose=PEOPLES_AGREEMENT, actor=actor, policy=AGREEMENT_POLICY)
    changes: dict[str, object] = {"outcome_on": outcome_on, "outcome_note": note}
    if agreed:
        changes["confirmation_due"] = confirmation_deadline(outcome_on).day
    workflow.transition(
        referral, target, actor=actor, action="disputes.referral.outcome", changes=changes,
        unaudited=("outcome_note",), extra_after={"dispute": dispute.number, "files": len(files)},
    )  # fmt: skip
    dispute_target = Dispute.Status.PEOPLES_SETTLED if agreed else Dispute.Status.PEOPLES_FAILED
    workflow.transition(
        dispute, dispute_target, actor=actor, action="disputes.dispute.peoples_outcome",
        changes={"closed_at": timezone.now(), "outcome_note": note}, unaudited=("closed_at", "outcome_note"),
    )  # fmt: skip
    if agreed:
        body = _("You may jointly apply to a people's court for judicial confirmation of the agreement by "
                 "%(date)s.") % {"date": referral.confirmation_due.isoformat()}  # fmt: skip
    else:
        from zilu.disputes.actions.common import REMEDIES_NOTICE

        body = REMEDIES_NOTICE()
    _tell_parties(
        dispute,
        _("People's mediation of dispute No. %(n)d: %(outcome)s")
        % {"n": dispute.number, "outcome": Referral.Status(target).label},
        body,
        "disputes.referral.outcome",
    )
    return referral


def _party_or_staff(actor: Actor, dispute: Dispute) -> None:
    if has_perm(actor, Perm.MEDIATE_DISPUTES):
        return
    if not dispute.is_party(actor):
        raise Forbidden()


@transaction.atomic
def do_request_judicial_confirmation(actor: Actor, dispute_id: int, *, court: str, filed_on: date) -> Referral:
    """A party (or the staff, on the parties' word) records that the agreement was brought to a people's court for
    judicial confirmation (司法确认), naming the court and the day of the application."""
    dispute, referral = _referral(actor, dispute_id)
    _party_or_staff(actor, dispute)
    workflow.check_transition(referral, Referral.Status.CONFIRMATION_FILED)
    court = _text(court, "court", _("Name the people's court."), 200)
    if filed_on is None or filed_on > timezone.localdate() or (referral.outcome_on and filed_on < referral.outcome_on):
        raise ValidationFailed(_("The date must lie between the agreement and today."), field="filed_on")
    late = referral.confirmation_due is not None and filed_on > referral.confirmation_due
    workflow.transition(
        referral, Referral.Status.CONFIRMATION_FILED, actor=actor, action="disputes.referral.confirmation_filed",
        changes={"court": court, "confirmation_filed_on": filed_on}, extra_after={"late": late},
    )  # fmt: skip
    _tell_parties(
        dispute,
        _("Judicial confirmation requested for dispute No. %(n)d") % {"n": dispute.number},
        court,
        "disputes.referral.confirmation_filed",
        except_member=getattr(actor, "member_id", None),
    )
    return referral


@transaction.atomic
def do_record_judicial_ruling(
    actor: Actor, dispute_id: int, *, confirmed: bool, ruled_on: date, note: str = ""
) -> Referral:
    """A party or the staff record the court's ruling: the agreement confirmed (enforceable) or not."""
    dispute, referral = _referral(actor, dispute_id)
    _party_or_staff(actor, dispute)
    target = Referral.Status.CONFIRMED if confirmed else Referral.Status.REJECTED
    workflow.check_transition(referral, target)
    if ruled_on is None or ruled_on > timezone.localdate() or ruled_on < (referral.confirmation_filed_on or ruled_on):
        raise ValidationFailed(_("The date must lie between the application and today."), field="ruled_on")
    workflow.transition(
        referral, target, actor=actor, action="disputes.referral.ruling",
        changes={"confirmation_result_on": ruled_on, "confirmation_note": (note or "").strip()[:4000]},
        unaudited=("confirmation_note",),
    )  # fmt: skip
    _tell_parties(
        dispute,
        _("The court's ruling on dispute No. %(n)d: %(r)s") % {"n": dispute.number, "r": Referral.Status(target).label},
        referral.confirmation_note,
        "disputes.referral.ruling",
        except_member=getattr(actor, "member_id", None),
    )
    return referral


def access_referral_letter(user: Actor, dispute_id: int) -> tuple[Dispute, bytes]:
    """The referral letter (人民调解移送函) of a referred dispute, for whoever may see the dispute."""
    dispute = workflow.access(Dispute.objects.restrict(user, "view"), dispute_id)
    referral = Referral.objects.select_related("committee").filter(dispute=dispute).first()
    if referral is None:
        raise NotFound()
    sides = {DisputeParty.Side.CLAIMANT: "申请人", DisputeParty.Side.RESPONDENT: "被申请人"}
    data = ReferralLetterData(
        dispute_number=dispute.number,
        committee=referral.committee.name,
        subject=dispute.subject,
        parties=tuple(
            (sides[DisputeParty.Side(p.side)], p.member.name, p.member.number or "")
            for p in dispute.parties.select_related("member")
        ),
        parties_asked=referral.ground == Referral.Ground.PARTIES_ASKED,
        note=referral.note,
        referred_on=referral.referred_on,
    )
    return dispute, render_referral_letter(data)
