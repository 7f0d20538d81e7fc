"""State changes of disputes (Art. 19): filing, answers, negotiation, mediation, outcome, withdrawal.

Each ``do_*`` checks the actor's permission and the dispute's state, saves, writes one audit entry and tells the
people concerned after commit. The audit entries carry numbers and statuses, never the content of the dispute or of
its negotiation thread: staff read the audit log, and the thread is the parties' own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zilu.core import audit, deadlines
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import UploadPolicy, store_uploads
from zilu.core.models import User
from zilu.core.notify import executing_body_staff, notify
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, Role, has_perm, require
from zilu.disputes.models import Dispute, DisputeParty, Message, Session
from zilu.members.models import Member

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


# ------------------------------------------------------------------------------------------------ filing


@transaction.atomic
def do_file_dispute(
    actor: Any,
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
    today = timezone.localdate()
    try:
        due: date | None = deadlines.deadline_for(today, ANSWER_DAYS)
    except deadlines.CalendarCoverageError:
        due = None  # shown as "not yet known"; the staff load the official holiday schedule
    dispute = Dispute.objects.create(
        number=next_number(Dispute.objects.all()),
        filed_by=actor,
        subject=subject,
        facts=facts,
        request=request,
        answer_due_on=due,
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
        % {"date": due.isoformat() if due else "—"},
        "disputes.dispute.filed",
        except_member=claimant.pk,
    )
    return dispute


@transaction.atomic
def do_add_evidence(actor: Any, dispute_id: int, files: Sequence[UploadedFile]) -> Dispute:
    """A party adds evidence to an open dispute."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    party = _party(actor, dispute)
    if not dispute.is_open:
        raise InvalidTransition(_("The dispute is closed."))
    if not files:
        raise ValidationFailed(_("Choose at least one file."), field="files")
    store_uploads(files, owner=dispute, purpose=EVIDENCE, actor=actor, policy=EVIDENCE_POLICY)
    audit.record(actor, "disputes.dispute.add_evidence", dispute, after={"party": party.side, "files": len(files)})
    return dispute


@transaction.atomic
def do_answer(actor: Any, dispute_id: int, answer: str) -> DisputeParty:
    """A respondent answers the dispute (within the window, or late: a late answer is kept and marked)."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
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
    late = dispute.answer_due_on is not None and deadlines.is_overdue(dispute.answer_due_on, timezone.localdate())
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
def do_post_message(actor: Any, dispute_id: int, body: str, *, proposal: bool = False) -> Message:
    """A party writes in the private negotiation thread; ``proposal`` marks it as terms the others may accept."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
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
def do_accept_proposal(actor: Any, dispute_id: int, message_id: int) -> Dispute:
    """A party accepts a proposal of terms; once every party other than its author has, the dispute is settled."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
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
    before = {"status": dispute.status}
    if settled:
        _transition(dispute, Dispute.Status.SETTLED)
        _close(dispute, Dispute.Status.SETTLED)
        dispute.settled_terms = message.body
        dispute.save(update_fields=["status", "closed_at", "settled_terms"])
    audit.record(
        actor,
        "disputes.message.accept",
        dispute,
        before=before,
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
        _tell([dispute.mediator], _("Dispute No. %(n)d is settled") % {"n": dispute.number}, "", dispute,
              "disputes.dispute.settled", staff=True)  # fmt: skip
    return dispute


@transaction.atomic
def do_set_thread_sharing(actor: Any, dispute_id: int, *, share: bool) -> DisputeParty:
    """A party consents (or stops consenting) to show the negotiation thread to the mediator and the staff. It is
    shown only once mediation is requested and every party consents."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    party = _party(actor, dispute)
    if party.shares_thread == share:
        return party
    party.shares_thread = share
    party.save(update_fields=["shares_thread"])
    audit.record(actor, "disputes.dispute.share_thread", dispute, after={"party": party.side, "share": share})
    return party


# ------------------------------------------------------------------------------------------------ mediation


@transaction.atomic
def do_request_mediation(actor: Any, dispute_id: int) -> Dispute:
    """Either party asks the executing body to mediate; the dispute enters the staff's queue."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    party = _party(actor, dispute)
    _transition(dispute, Dispute.Status.MEDIATION_REQUESTED)
    dispute.status = Dispute.Status.MEDIATION_REQUESTED
    dispute.mediation_requested_at = timezone.now()
    dispute.mediation_requested_by_id = party.member_id
    dispute.save(update_fields=["status", "mediation_requested_at", "mediation_requested_by"])
    audit.record(
        actor, "disputes.dispute.request_mediation", dispute,
        before={"status": Dispute.Status.OPEN}, after={"status": dispute.status},
    )  # fmt: skip
    _tell(
        executing_body_staff(),
        _("Mediation requested in dispute No. %(n)d") % {"n": dispute.number},
        _("Assign a mediator with no conflict of interest."),
        dispute,
        "disputes.dispute.mediation_requested",
        staff=True,
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
    """The mediator must be an active member of the executing body's staff who is no representative of a party
    and did not file the dispute."""
    if mediator is None or not mediator.is_active or not has_perm(mediator, Perm.MEDIATE_DISPUTES):
        raise ValidationFailed(
            _("The mediator must be an active member of the executing body's staff."), field="mediator"
        )
    if mediator.member_id is not None and mediator.member_id in dispute.member_ids():
        raise ValidationFailed(_("The mediator represents a party: conflict of interest."), field="mediator")
    if mediator.pk == dispute.filed_by_id:
        raise ValidationFailed(_("The mediator filed the dispute: conflict of interest."), field="mediator")
    return mediator


@transaction.atomic
def do_assign_mediator(actor: Any, dispute_id: int, mediator_id: int) -> Dispute:
    """Staff assign a mediator (or replace one before the agreement). The mediator then declares no conflict."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = access_dispute(actor, dispute_id, for_update=True)
    if dispute.status not in (Dispute.Status.MEDIATION_REQUESTED, Dispute.Status.MEDIATING):
        raise InvalidTransition(_("A mediator is assigned only while mediation is requested or under way."))
    mediator = check_mediator(dispute, User.objects.filter(pk=mediator_id).first())
    before = {"status": dispute.status, "mediator": dispute.mediator_id}
    dispute.status = Dispute.Status.MEDIATING
    dispute.mediator = mediator
    dispute.mediator_declaration = ""
    dispute.mediator_declared_at = None
    dispute.save(update_fields=["status", "mediator", "mediator_declaration", "mediator_declared_at"])
    audit.record(
        actor, "disputes.dispute.assign_mediator", dispute, before=before,
        after={"status": dispute.status, "mediator": mediator.pk},
    )  # fmt: skip
    _tell(
        [mediator],
        _("You are the mediator of dispute No. %(n)d") % {"n": dispute.number},
        _("Declare that you have no conflict of interest before you act."),
        dispute,
        "disputes.dispute.mediator_assigned",
        staff=True,
    )
    _tell_parties(
        dispute,
        _("A mediator is assigned to dispute No. %(n)d") % {"n": dispute.number},
        str(mediator),
        "disputes.dispute.mediator_assigned",
    )
    return dispute


@transaction.atomic
def do_declare_no_conflict(actor: Any, dispute_id: int, statement: str) -> Dispute:
    """The assigned mediator declares that it has no conflict of interest with any party (recorded)."""
    require(actor, Perm.MEDIATE_DISPUTES)
    dispute = access_dispute(actor, dispute_id, for_update=True)
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
    actor: Any, dispute_id: int, *, starts_at: datetime, place: str = "", online_link: str = ""
) -> Session:
    """The mediator schedules a session, at a place or online; the parties are told."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
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
def do_record_minutes(actor: Any, dispute_id: int, session_id: int, minutes: str) -> Session:
    """The mediator records the minutes of a session."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
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
def do_propose_agreement(actor: Any, dispute_id: int, text: str) -> Dispute:
    """The mediator writes down the mediation agreement (调解协议); every party must then confirm it."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    _require_mediator(actor, dispute)
    _transition(dispute, Dispute.Status.AGREEMENT_PROPOSED)
    dispute.agreement_text = _text(text, "text", _("Write the terms of the agreement."))
    dispute.agreement_proposed_at = timezone.now()
    dispute.status = Dispute.Status.AGREEMENT_PROPOSED
    dispute.save(update_fields=["agreement_text", "agreement_proposed_at", "status"])
    dispute.parties.update(confirmed_agreement_at=None)
    audit.record(
        actor, "disputes.dispute.propose_agreement", dispute,
        before={"status": Dispute.Status.MEDIATING}, after={"status": dispute.status},
    )  # fmt: skip
    _tell_parties(
        dispute,
        _("Please confirm the mediation agreement of dispute No. %(n)d") % {"n": dispute.number},
        "",
        "disputes.dispute.agreement_proposed",
    )
    return dispute


@transaction.atomic
def do_confirm_agreement(actor: Any, dispute_id: int) -> Dispute:
    """A party confirms the mediation agreement; with every party's confirmation the dispute is mediated."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    party = _party(actor, dispute)
    if dispute.status != Dispute.Status.AGREEMENT_PROPOSED:
        raise InvalidTransition(_("There is no mediation agreement to confirm."))
    if party.confirmed_agreement_at is not None:
        raise InvalidTransition(_("You have already confirmed the agreement."))
    party.confirmed_agreement_at = timezone.now()
    party.save(update_fields=["confirmed_agreement_at"])
    done = not dispute.parties.filter(confirmed_agreement_at__isnull=True).exists()
    if done:
        _close(dispute, Dispute.Status.MEDIATED)
        dispute.save(update_fields=["status", "closed_at"])
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
        _tell([dispute.mediator], _("Dispute No. %(n)d is settled") % {"n": dispute.number}, "", dispute,
              "disputes.dispute.mediated", staff=True)  # fmt: skip
    return dispute


@transaction.atomic
def do_record_failure(actor: Any, dispute_id: int, note: str) -> Dispute:
    """The mediator records that mediation failed; the parties are told that other legal remedies remain."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    _require_mediator(actor, dispute)
    _transition(dispute, Dispute.Status.FAILED)
    before = {"status": dispute.status}
    dispute.outcome_note = _text(note, "note", _("Say why mediation failed."), 4000)
    _close(dispute, Dispute.Status.FAILED)
    dispute.save(update_fields=["status", "closed_at", "outcome_note"])
    audit.record(actor, "disputes.dispute.fail", dispute, before=before, after={"status": dispute.status})
    _tell_parties(
        dispute,
        _("Mediation of dispute No. %(n)d has ended without agreement") % {"n": dispute.number},
        REMEDIES_NOTICE(),
        "disputes.dispute.failed",
    )
    return dispute


def REMEDIES_NOTICE() -> str:
    """What the parties are told when mediation fails (also shown on the dispute's page)."""
    return _(
        "Mediation by the executing body is voluntary and its failure does not affect your rights: you may still "
        "resolve the dispute through other legal means, such as arbitration or a lawsuit in a people's court."
    )


@transaction.atomic
def do_withdraw(actor: Any, dispute_id: int, reason: str = "") -> Dispute:
    """A party withdraws at any time before the dispute is closed; negotiation and mediation are voluntary, so the
    dispute ends for everyone."""
    dispute = access_dispute(actor, dispute_id, for_update=True)
    party = _party(actor, dispute)
    _transition(dispute, Dispute.Status.WITHDRAWN)
    before = {"status": dispute.status}
    _close(dispute, Dispute.Status.WITHDRAWN)
    dispute.withdrawn_by_id = party.member_id
    dispute.outcome_note = (reason or "").strip()[:4000]
    dispute.save(update_fields=["status", "closed_at", "withdrawn_by", "outcome_note"])
    audit.record(
        actor,
        "disputes.dispute.withdraw",
        dispute,
        before=before,
        after={"status": dispute.status, "party": party.side},
    )
    _tell_parties(
        dispute,
        _("Dispute No. %(n)d was withdrawn by a party") % {"n": dispute.number},
        REMEDIES_NOTICE(),
        "disputes.dispute.withdrawn",
        except_member=party.member_id,
    )
    if dispute.mediator_id:
        _tell([dispute.mediator], _("Dispute No. %(n)d was withdrawn") % {"n": dispute.number}, "", dispute,
              "disputes.dispute.withdrawn", staff=True)  # fmt: skip
    return dispute


# ------------------------------------------------------------------------------------------------ reading


def access_agreement_pdf(user: Any, dispute_id: int) -> tuple[Dispute, bytes]:
    """The PDF copy of a confirmed mediation agreement, for whoever may see the dispute."""
    from zilu.disputes.documents import AgreementData, AgreementParty, render_agreement

    dispute = access_dispute(user, dispute_id)
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
    from django.db.models import Q

    candidates = User.objects.filter(Q(role=Role.STAFF) | Q(is_superuser=True), is_active=True).order_by("username")
    members = dispute.member_ids()
    return [u for u in candidates if u.pk != dispute.filed_by_id and u.member_id not in members]
