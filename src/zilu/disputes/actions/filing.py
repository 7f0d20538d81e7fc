"""Filing a dispute, answers, evidence, the parties' negotiation thread, withdrawal, the agreement PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars, workflow
from zilu.core.actors import Actor
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import store_uploads
from zilu.core.models import User
from zilu.core.notify import notify
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, Role, require
from zilu.disputes.actions.common import (
    EVIDENCE,
    EVIDENCE_POLICY,
    REMEDIES_NOTICE,
    _party,
    _staff_url,
    _tell_parties,
    _text,
)
from zilu.disputes.documents import AgreementData, AgreementParty, render_agreement
from zilu.disputes.models import Dispute, DisputeParty, Message, answer_deadline
from zilu.members.models import Member

# ------------------------------------------------------------------------------------------------ filing


@transaction.atomic
def do_file_dispute(
    actor: Actor,
    *,
    subject: str,
    facts: str,
    request: str,
    respondents: Sequence[str],
    evidence: Sequence[UploadedFile] = (),
) -> Dispute:
    """A member files a dispute against one or more other members, named by their member numbers."""
    require(actor, Perm.FILE_DISPUTES)
    claimant = Member.objects.filter(pk=actor.member_id, status=Member.Status.ACTIVE).first()
    if claimant is None:
        raise Forbidden(_("Only an active member can file a dispute."))
    subject = _text(subject, "subject", _("Name the subject of the dispute."), 200)
    facts = _text(facts, "facts", _("Describe the facts."))
    request = _text(request, "request", _("Say what you ask for."))
    numbers = sorted({(n or "").strip().upper() for n in respondents if (n or "").strip()})
    if not numbers:
        raise ValidationFailed(_("Name at least one member you are in dispute with."), field="respondents")
    found = {m.number: m for m in Member.objects.filter(number__in=numbers, status=Member.Status.ACTIVE)}
    unknown = [n for n in numbers if n not in found]
    if unknown:
        raise ValidationFailed(
            _("No active member has the number %(numbers)s.") % {"numbers": ", ".join(unknown)}, field="respondents"
        )
    if claimant.pk in {m.pk for m in found.values()}:
        raise ValidationFailed(_("A member cannot be in dispute with itself."), field="respondents")
    deadline = answer_deadline(timezone.localdate())  # provisional beyond the official holiday calendar
    due = deadline.day
    dispute = Dispute.objects.create(
        number=next_number(Dispute.objects.all()),
        filed_by=actor,
        subject=subject,
        facts=facts,
        request=request,
        answer_due_on=due,
        deadline_provisional=deadline.provisional,
    )
    DisputeParty.objects.create(dispute=dispute, member=claimant, side=DisputeParty.Side.CLAIMANT)
    for member in found.values():
        DisputeParty.objects.create(dispute=dispute, member=member, side=DisputeParty.Side.RESPONDENT)
    if evidence:
        store_uploads(evidence, owner=dispute, purpose=EVIDENCE, actor=actor, policy=EVIDENCE_POLICY)
    audit.record(
        actor,
        "disputes.dispute.file",
        dispute,
        after={"status": dispute.status, "respondents": len(found), "answer_due_on": due, "evidence": len(evidence)},
    )
    _tell_parties(
        dispute,
        _("A member has filed a dispute with you (dispute No. %(n)d)") % {"n": dispute.number},
        _("Please answer by %(date)s. You may negotiate with the other party, or ask for mediation.")
        % {"date": calendars.deadline_text(due, deadline.provisional)},
        "disputes.dispute.filed",
        except_member=claimant.pk,
    )
    return dispute


@transaction.atomic
def do_add_evidence(actor: Actor, dispute_id: int, files: Sequence[UploadedFile]) -> Dispute:
    """A party adds evidence to an open dispute."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if not dispute.is_open:
        raise InvalidTransition(_("The dispute is closed."))
    if not files:
        raise ValidationFailed(_("Choose at least one file."), field="files")
    store_uploads(files, owner=dispute, purpose=EVIDENCE, actor=actor, policy=EVIDENCE_POLICY)
    audit.record(actor, "disputes.dispute.add_evidence", dispute, after={"party": party.side, "files": len(files)})
    return dispute


@transaction.atomic
def do_answer(actor: Actor, dispute_id: int, answer: str) -> DisputeParty:
    """A respondent answers the dispute (within the window, or late: a late answer is kept and marked)."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if party.side != DisputeParty.Side.RESPONDENT:
        raise Forbidden(_("Only a respondent answers the dispute."))
    if not dispute.is_open:
        raise InvalidTransition(_("The dispute is closed."))
    if party.answered_at is not None:
        raise InvalidTransition(_("Your answer is already recorded; continue in the negotiation."))
    party.answer = _text(answer, "answer", _("Write your answer."))
    party.answered_at = timezone.now()
    party.save(update_fields=["answer", "answered_at"])
    late = dispute.answered_late(timezone.localdate())
    audit.record(actor, "disputes.dispute.answer", dispute, after={"late": late})
    _tell_parties(
        dispute,
        _("Dispute No. %(n)d has been answered") % {"n": dispute.number},
        "",
        "disputes.dispute.answered",
        except_member=party.member_id,
    )
    return party


# ------------------------------------------------------------------------------------------------ negotiation


@transaction.atomic
def do_post_message(actor: Actor, dispute_id: int, body: str, *, proposal: bool = False) -> Message:
    """A party writes in the private negotiation thread; ``proposal`` marks it as terms the others may accept."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if not dispute.is_open:
        raise InvalidTransition(_("The dispute is closed."))
    message = Message.objects.create(
        dispute=dispute,
        author_id=party.member_id,
        written_by=actor,
        body=_text(body, "body", _("Write a message."), 10000),
        is_proposal=proposal,
    )
    # The thread is private: the entry records that a message exists, not what it says.
    audit.record(actor, "disputes.message.post", message, after={"dispute": dispute.number, "proposal": proposal})
    _tell_parties(
        dispute,
        (_("New proposal of terms in dispute No. %(n)d") if proposal else _("New message in dispute No. %(n)d"))
        % {"n": dispute.number},
        "",
        "disputes.message",
        except_member=party.member_id,
    )
    return message


@transaction.atomic
def do_accept_proposal(actor: Actor, dispute_id: int, message_id: int) -> Dispute:
    """A party accepts a proposal of terms; once every party other than its author has, the dispute is settled."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    message = Message.objects.filter(pk=message_id, dispute=dispute).first()
    if message is None:
        raise NotFound()
    if not message.is_proposal:
        raise InvalidTransition(_("Only a proposal of terms can be accepted."))
    if message.author_id == party.member_id:
        raise InvalidTransition(_("You cannot accept your own proposal."))
    if not dispute.is_open:
        raise InvalidTransition(_("The dispute is closed."))
    message.accepted_by.add(party.member_id)
    accepted = set(message.accepted_by.values_list("pk", flat=True))
    others = dispute.member_ids() - {message.author_id}
    settled = others <= accepted
    if settled:
        changes = {"closed_at": timezone.now(), "settled_terms": message.body}
        workflow.transition(
            dispute, Dispute.Status.SETTLED, actor=actor, action="disputes.message.accept", changes=changes,
            unaudited=tuple(changes), extra_after={"message": message.pk},
        )  # fmt: skip
    else:
        audit.record(
            actor,
            "disputes.message.accept",
            dispute,
            before={"status": dispute.status},
            after={"status": dispute.status, "message": message.pk},
        )
    _tell_parties(
        dispute,
        (
            _("Dispute No. %(n)d is settled by negotiation")
            if settled
            else _("A proposal in dispute No. %(n)d was accepted")
        )
        % {"n": dispute.number},
        "",
        "disputes.dispute.settled" if settled else "disputes.message.accepted",
        except_member=party.member_id,
    )
    if settled and dispute.mediator_id:
        notify(dispute.mediator, _("Dispute No. %(n)d is settled") % {"n": dispute.number},
               url=_staff_url(dispute), kind="disputes.dispute.settled")  # fmt: skip
    return dispute


@transaction.atomic
def do_set_thread_sharing(actor: Actor, dispute_id: int, *, share: bool) -> DisputeParty:
    """A party consents (or stops consenting) to show the negotiation thread to the mediator and the staff. It is
    shown only once mediation is requested and every party consents."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    if party.shares_thread == share:
        return party
    party.shares_thread = share
    party.save(update_fields=["shares_thread"])
    audit.record(actor, "disputes.dispute.share_thread", dispute, after={"party": party.side, "share": share})
    return party


@transaction.atomic
def do_withdraw(actor: Actor, dispute_id: int, reason: str = "") -> Dispute:
    """A party withdraws at any time before the dispute is closed; negotiation and mediation are voluntary, so the
    dispute ends for everyone."""
    dispute = workflow.access(Dispute.objects.restrict(actor, "change"), dispute_id, for_update=True)
    party = _party(actor, dispute)
    changes = {
        "closed_at": timezone.now(),
        "withdrawn_by_id": party.member_id,
        "outcome_note": (reason or "").strip()[:4000],
    }
    workflow.transition(
        dispute, Dispute.Status.WITHDRAWN, actor=actor, action="disputes.dispute.withdraw", changes=changes,
        unaudited=tuple(changes), extra_after={"party": party.side},
    )  # fmt: skip
    _tell_parties(
        dispute,
        _("Dispute No. %(n)d was withdrawn by a party") % {"n": dispute.number},
        REMEDIES_NOTICE(),
        "disputes.dispute.withdrawn",
        except_member=party.member_id,
    )
    if dispute.mediator_id:
        notify(dispute.mediator, _("Dispute No. %(n)d was withdrawn") % {"n": dispute.number},
               url=_staff_url(dispute), kind="disputes.dispute.withdrawn")  # fmt: skip
    return dispute


# ------------------------------------------------------------------------------------------------ reading


def access_agreement_pdf(user: Actor, dispute_id: int) -> tuple[Dispute, bytes]:
    """The PDF copy of a confirmed mediation agreement, for whoever may see the dispute."""
    dispute = workflow.access(Dispute.objects.restrict(user, "view"), dispute_id)
    if dispute.status != Dispute.Status.MEDIATED:
        raise NotFound()
    sides = {DisputeParty.Side.CLAIMANT: "申请人", DisputeParty.Side.RESPONDENT: "被申请人"}
    parties = tuple(
        AgreementParty(
            side=sides[DisputeParty.Side(p.side)],
            name=p.member.name,
            number=p.member.number or "",
            confirmed_on=timezone.localdate(p.confirmed_agreement_at) if p.confirmed_agreement_at else None,
        )
        for p in dispute.parties.select_related("member")
    )
    data = AgreementData(
        dispute_number=dispute.number,
        subject=dispute.subject,
        parties=parties,
        mediator=str(dispute.mediator),
        text=dispute.agreement_text,
        concluded_on=timezone.localdate(dispute.closed_at) if dispute.closed_at else timezone.localdate(),
    )
    return dispute, render_agreement(data)


def mediator_choices(dispute: Dispute) -> list[User]:
    """Staff accounts that may be assigned (the conflict rules of :func:`check_mediator` hold for each)."""
    candidates = User.objects.filter(Q(role=Role.STAFF) | Q(is_superuser=True), is_active=True).order_by("username")
    from zilu.disputes.actions.independence import conflict_findings  # imports this module's siblings

    return [u for u in candidates if not conflict_findings(dispute, u)[0]]
