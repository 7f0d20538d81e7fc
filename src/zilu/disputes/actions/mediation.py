"""Mediation by the executing body (Art. 19): request, mediator without conflict, sessions, agreement or failure."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.models import User
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, has_perm, require
from zilu.disputes.actions.common import (
    REMEDIES_NOTICE,
    _party,
    _require_mediator,
    _staff_url,
    _tell_parties,
    _text,
)
from zilu.disputes.actions.independence import conflict_findings
from zilu.disputes.models import Dispute, MediatorChallenge, Session

# ------------------------------------------------------------------------------------------------ mediation


@transaction.atomic
def do_request_mediation(actor: Actor, dispute_id: int) -> Dispute:
    """Either party asks the executing body to mediate; the dispute enters the staff's queue."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    changes = {"mediation_requested_at": timezone.now(), "mediation_requested_by_id": party.member_id}
    workflow.transition(
        dispute, Dispute.Status.MEDIATION_REQUESTED, actor=actor, action="disputes.dispute.request_mediation",
        changes=changes, unaudited=tuple(changes),
    )  # fmt: skip
    notify(
        executing_body_staff(),
        _("Mediation requested in dispute No. %(n)d") % {"n": dispute.number},
        _("Assign a mediator with no conflict of interest."),
        url=_staff_url(dispute),
        kind="disputes.dispute.mediation_requested",
    )
    _tell_parties(
        dispute,
        _("Mediation requested in dispute No. %(n)d") % {"n": dispute.number},
        "",
        "disputes.dispute.mediation_requested",
        except_member=party.member_id,
    )
    return dispute


def check_mediator(dispute: Dispute, mediator: User | None) -> User:
    """The mediator must be an active member of the executing body's staff whom the conflict check does not bar
    (:func:`zilu.disputes.actions.independence.conflict_findings`)."""
    if mediator is None or not mediator.is_active or not has_perm(mediator, Perm.MEDIATE_DISPUTES):
        raise ValidationFailed(
            _("The mediator must be an active member of the executing body's staff."), field="mediator"
        )
    bars, _disclosures = conflict_findings(dispute, mediator)
    if bars:
        raise ValidationFailed(bars[0], field="mediator")
    return mediator


@transaction.atomic
def do_assign_mediator(actor: StaffActor, dispute_id: int, mediator_id: int) -> Dispute:
    """Staff assign a mediator (or replace one before the agreement). The mediator then declares no conflict."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    if dispute.status not in (Dispute.Status.MEDIATION_REQUESTED, Dispute.Status.MEDIATING):
        raise InvalidTransition(_("A mediator is assigned only while mediation is requested or under way."))
    mediator = check_mediator(dispute, User.objects.filter(pk=mediator_id).first())
    if dispute.challenges.filter(status=MediatorChallenge.Status.PENDING).exists():
        raise InvalidTransition(_("An objection to the mediator is awaiting its decision."))
    _bars, disclosures = conflict_findings(dispute, mediator)
    before = {"status": dispute.status, "mediator": dispute.mediator_id}
    dispute.status = Dispute.Status.MEDIATING
    dispute.mediator = mediator
    dispute.mediator_declaration = ""
    dispute.mediator_declared_at = None
    dispute.mediator_disclosures = disclosures
    dispute.save(
        update_fields=["status", "mediator", "mediator_declaration", "mediator_declared_at", "mediator_disclosures"]
    )
    audit.record(
        actor, "disputes.dispute.assign_mediator", dispute, before=before,
        after={"status": dispute.status, "mediator": mediator.pk, "disclosures": disclosures},
    )  # fmt: skip
    notify(
        mediator,
        _("You are the mediator of dispute No. %(n)d") % {"n": dispute.number},
        _("Declare that you have no conflict of interest before you act."),
        url=_staff_url(dispute),
        kind="disputes.dispute.mediator_assigned",
    )
    _tell_parties(
        dispute,
        _("A mediator is assigned to dispute No. %(n)d") % {"n": dispute.number},
        "\n".join([str(mediator), *disclosures]),
        "disputes.dispute.mediator_assigned",
    )
    return dispute


@transaction.atomic
def do_declare_no_conflict(actor: StaffActor, dispute_id: int, statement: str) -> Dispute:
    """The assigned mediator declares that it has no conflict of interest with any party (recorded)."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    if dispute.mediator_id != actor.pk:
        raise Forbidden(_("Only the mediator assigned to this dispute can do this."))
    if dispute.status != Dispute.Status.MEDIATING:
        raise InvalidTransition(_("The dispute is not in mediation."))
    if dispute.mediator_declared_at is not None:
        raise InvalidTransition(_("The declaration is already recorded."))
    dispute.mediator_declaration = _text(statement, "statement", _("Write the declaration."), 2000)
    dispute.mediator_declared_at = timezone.now()
    dispute.save(update_fields=["mediator_declaration", "mediator_declared_at"])
    audit.record(
        actor, "disputes.dispute.declare_no_conflict", dispute, after={"declaration": dispute.mediator_declaration}
    )
    return dispute


@transaction.atomic
def do_schedule_session(
    actor: StaffActor, dispute_id: int, *, starts_at: datetime, place: str = "", online_link: str = ""
) -> Session:
    """The mediator schedules a session, at a place or online; the parties are told."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    _require_mediator(actor, dispute)
    if dispute.status != Dispute.Status.MEDIATING:
        raise InvalidTransition(_("Sessions are scheduled while the dispute is in mediation."))
    place, online_link = (place or "").strip(), (online_link or "").strip()
    if not place and not online_link:
        raise ValidationFailed(_("Give a place or an online link."), field="place")
    if online_link and not online_link.startswith(("https://", "http://")):
        raise ValidationFailed(_("The online link must be a web address."), field="online_link")
    if starts_at is None:
        raise ValidationFailed(_("Give the time of the session."), field="starts_at")
    session = Session.objects.create(dispute=dispute, starts_at=starts_at, place=place[:300], online_link=online_link)
    audit.record(actor, "disputes.session.schedule", session, after={"dispute": dispute.number, "starts_at": starts_at})
    when = timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")
    _tell_parties(
        dispute,
        _("Mediation session for dispute No. %(n)d on %(when)s") % {"n": dispute.number, "when": when},
        place or online_link,
        "disputes.session.scheduled",
    )
    return session


@transaction.atomic
def do_record_minutes(actor: StaffActor, dispute_id: int, session_id: int, minutes: str) -> Session:
    """The mediator records the minutes of a session."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    _require_mediator(actor, dispute)
    session = Session.objects.filter(pk=session_id, dispute=dispute).first()
    if session is None:
        raise NotFound()
    if session.minutes_recorded_at is not None:
        raise InvalidTransition(_("The minutes of this session are already recorded."))
    session.minutes = _text(minutes, "minutes", _("Write the minutes."))
    session.minutes_recorded_at = timezone.now()
    session.save(update_fields=["minutes", "minutes_recorded_at"])
    audit.record(actor, "disputes.session.minutes", session, after={"dispute": dispute.number})
    return session


@transaction.atomic
def do_propose_agreement(actor: StaffActor, dispute_id: int, text: str) -> Dispute:
    """The mediator writes down the mediation agreement (调解协议); every party must then confirm it."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    _require_mediator(actor, dispute)
    workflow.check_transition(dispute, Dispute.Status.AGREEMENT_PROPOSED)  # before the text is checked
    changes = {
        "agreement_text": _text(text, "text", _("Write the terms of the agreement.")),
        "agreement_proposed_at": timezone.now(),
    }
    workflow.transition(
        dispute, Dispute.Status.AGREEMENT_PROPOSED, actor=actor, action="disputes.dispute.propose_agreement",
        changes=changes, unaudited=tuple(changes),
    )  # fmt: skip
    dispute.parties.update(confirmed_agreement_at=None)
    _tell_parties(
        dispute,
        _("Please confirm the mediation agreement of dispute No. %(n)d") % {"n": dispute.number},
        "",
        "disputes.dispute.agreement_proposed",
    )
    return dispute


@transaction.atomic
def do_confirm_agreement(actor: Actor, dispute_id: int) -> Dispute:
    """A party confirms the mediation agreement; with every party's confirmation the dispute is mediated."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if dispute.status != Dispute.Status.AGREEMENT_PROPOSED:
        raise InvalidTransition(_("There is no mediation agreement to confirm."))
    if party.confirmed_agreement_at is not None:
        raise InvalidTransition(_("You have already confirmed the agreement."))
    party.confirmed_agreement_at = timezone.now()
    party.save(update_fields=["confirmed_agreement_at"])
    done = not dispute.parties.filter(confirmed_agreement_at__isnull=True).exists()
    if done:
        workflow.transition(
            dispute, Dispute.Status.MEDIATED, actor=actor, action="disputes.dispute.confirm_agreement",
            changes={"closed_at": timezone.now()}, unaudited=("closed_at",), extra_after={"party": party.side},
        )  # fmt: skip
    else:
        audit.record(
            actor, "disputes.dispute.confirm_agreement", dispute,
            before={"status": Dispute.Status.AGREEMENT_PROPOSED}, after={"status": dispute.status, "party": party.side},
        )  # fmt: skip
    if done:
        _tell_parties(
            dispute,
            _("Dispute No. %(n)d is settled by a mediation agreement") % {"n": dispute.number},
            _("Every party confirmed the agreement; its PDF copy is on the dispute's page."),
            "disputes.dispute.mediated",
        )
        notify(dispute.mediator, _("Dispute No. %(n)d is settled") % {"n": dispute.number},
               url=_staff_url(dispute), kind="disputes.dispute.mediated")  # fmt: skip
    return dispute


@transaction.atomic
def do_record_failure(actor: StaffActor, dispute_id: int, note: str) -> Dispute:
    """The mediator records that mediation failed; the parties are told that other legal remedies remain."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    _require_mediator(actor, dispute)
    workflow.check_transition(dispute, Dispute.Status.FAILED)  # before the note is checked
    changes = {"closed_at": timezone.now(), "outcome_note": _text(note, "note", _("Say why mediation failed."), 4000)}
    workflow.transition(
        dispute, Dispute.Status.FAILED, actor=actor, action="disputes.dispute.fail", changes=changes,
        unaudited=tuple(changes),
    )  # fmt: skip
    _tell_parties(
        dispute,
        _("Mediation of dispute No. %(n)d has ended without agreement") % {"n": dispute.number},
        REMEDIES_NOTICE(),
        "disputes.dispute.failed",
    )
    return dispute
