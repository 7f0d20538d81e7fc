"""The end of a discipline case (Art. 18): approval by a second staff member for the heaviest measures, the decision
and its effects (publication, internal notice, revocation), dropping a case, the member's appeal decided by someone
else (dismissed, upheld, or varied to a lighter measure), and the decision
becoming final. The opening, proposal and answer are in ``cases.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars, deadlines, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Forbidden, InvalidTransition, ValidationFailed
from zilu.core.files import store_uploads
from zilu.core.notify import notify
from zilu.core.roles import Perm, require
from zilu.core.system import SystemActor
from zilu.discipline import articles as article_refs
from zilu.discipline.actions.cases import APPEAL, EVIDENCE_POLICY, _member_side, _named, _tell_member, _tell_staff
from zilu.discipline.actions.common import text
from zilu.discipline.ladder import PUBLIC, Measure, lighter
from zilu.discipline.models import Case, Notice, appeal_deadline, listing_deadline
from zilu.members.actions import do_revoke_membership
from zilu.members.models import Member

logger = logging.getLogger(__name__)


def _publish(actor: StaffActor, case: Case, today: date) -> Notice:
    """Copy what the decision publishes into a notice: public for criticism, condemnation, media exposure and
    revocation; for member representatives only for an internal notice."""
    audience = Notice.Audience.PUBLIC if case.measure in PUBLIC else Notice.Audience.MEMBERS
    listed = listing_deadline(today, case.measure)  # provisional beyond the official holiday calendar
    notice = Notice.objects.create(
        case=case,
        audience=audience,
        measure=case.measure,
        member_name=case.member.name,
        member_number=case.member.number or "",
        articles=case.articles,
        articles_label=article_refs.label(case.articles),
        facts=case.published_facts,
        decision_reference=case.reference,
        decided_on=case.decided_on or today,
        published_on=today,
        listed_until=listed.day,
        deadline_provisional=listed.provisional,
    )
    audit.record(
        actor, "discipline.notice.publish", notice,
        after={"case": case.reference, "audience": audience, "measure": case.measure,
               "listed_until": notice.listed_until},
    )  # fmt: skip
    if audience == Notice.Audience.MEMBERS:
        notify(
            Member.objects.filter(status=Member.Status.ACTIVE).active_representatives(),
            _("Internal notice among member units: %(ref)s") % {"ref": case.reference},
            _("%(member)s: %(measure)s.") % {"member": notice.member_name, "measure": Measure(case.measure).label},
            url=reverse("discipline:internal_notices"),
            kind="discipline.notice.internal",
        )
    return notice


def _execute_revocation(actor: StaffActor, case: Case, today: date) -> None:
    """Revocation takes effect when the decision is final (it cannot be undone by an appeal), then is published."""
    if case.member.status == Member.Status.ACTIVE:
        do_revoke_membership(actor, case.member_id, decision_reference=case.reference, revoked_on=today)
        case.revoked_at = timezone.now()
        case.save(update_fields=["revoked_at"])
        case.member.refresh_from_db()
    else:
        logger.warning("case %s: member %s is no longer active; revocation not applied", case.reference, case.member)
    _publish(actor, case, today)


def _make_final(actor: StaffActor, case: Case, today: date, reason: str) -> None:
    workflow.transition(
        case, Case.Status.FINAL, actor=actor, action="discipline.case.final", extra_after={"why": reason}
    )
    if case.measure == Measure.REVOCATION:
        _execute_revocation(actor, case, today)


# ------------------------------------------------------------------------------------------------ decision


@transaction.atomic
def do_approve(actor: StaffActor, case_id: int, note: str = "") -> Case:
    """Four eyes: a second member of staff, not the one who proposed it, approves an internal notice or a
    revocation before it is decided."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    if case.status != Case.Status.CONSIDERED:
        raise InvalidTransition(_("A measure is approved after the member's answer (or silence) was considered."))
    if not case.is_heavy:
        raise InvalidTransition(_("Only an internal notice or a revocation needs a second approval."))
    if case.approved_at is not None:
        raise InvalidTransition(_("The measure is already approved."))
    if _named(actor) == case.proposed_by_id:
        raise Forbidden(_("The measure must be approved by a member of staff other than the one who proposed it."))
    if not case.rests_on_verified_facts:
        raise InvalidTransition(_("The facts are not verified true."))
    case.approved_by_id = actor.pk
    case.approved_at = timezone.now()
    case.approval_note = (note or "").strip()[:4000]
    case.save(update_fields=["approved_by", "approved_at", "approval_note"])
    audit.record(actor, "discipline.case.approve", case, after={"measure": case.measure, "note": case.approval_note})
    return case


@transaction.atomic
def do_decide(actor: StaffActor, case_id: int, *, published_facts: str) -> Case:
    """Decide the proposed measure and apply its effects. ``published_facts`` are the facts as verified, as the
    notice will show them. Criticism, condemnation and media exposure are published at once; an internal notice
    goes to member representatives; a revocation takes effect (and is published) once the decision is final, since
    it cannot be undone on appeal. The member may appeal once within ZILU_DISCIPLINE_APPEAL_DAYS working days."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    workflow.check_transition(case, Case.Status.DECIDED)  # before the checks below
    if not case.measure:
        raise InvalidTransition(_("No measure without a proposal in a case."))
    if case.is_heavy:
        if not case.rests_on_verified_facts:
            raise InvalidTransition(_("An internal notice or a revocation needs facts verified true."))
        if case.approved_by_id is None or case.approved_by_id == case.proposed_by_id:
            raise InvalidTransition(_("An internal notice or a revocation needs the approval of a second member of "
                                      "staff."))  # fmt: skip
    published_facts = text(published_facts, "published_facts", _("Write the facts as verified."))
    today = timezone.localdate()
    appeal = appeal_deadline(today)  # provisional beyond the official holiday calendar
    appeal_due = appeal.day
    changes = {"published_facts": published_facts, "decided_by_id": getattr(actor, "pk", None), "decided_on": today,
               "appeal_due": appeal_due,
               "deadline_provisional": appeal.provisional or case.deadline_provisional}  # fmt: skip
    workflow.transition(
        case, Case.Status.DECIDED, actor=actor, action="discipline.case.decide", changes=changes,
        unaudited=tuple(changes),
        extra_after={"measure": case.measure, "decided_on": today, "appeal_due": appeal_due,
                     "approved_by": case.approved_by_id},
    )  # fmt: skip
    if case.measure != Measure.REVOCATION:
        _publish(actor, case, today)
    due = calendars.deadline_text(case.appeal_due, appeal.provisional)
    _tell_member(
        case,
        _("Discipline case %(ref)s: decision") % {"ref": case.reference},
        _("Measure: %(measure)s. You may appeal once, by %(due)s.") % {"measure": Measure(case.measure).label,
                                                                       "due": due},
        "discipline.case.decided",
    )  # fmt: skip
    return case


@transaction.atomic
def do_drop(actor: StaffActor, case_id: int, note: str) -> Case:
    """Staff close a case without a measure (before a proposal, or after considering the answer)."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    workflow.check_transition(case, Case.Status.DROPPED)  # before the note is checked
    note = text(note, "note", _("Say why the case is closed without a measure."))
    workflow.transition(
        case, Case.Status.DROPPED, actor=actor, action="discipline.case.drop", changes={"closing_note": note},
        unaudited=("closing_note",), extra_after={"note": note},
    )  # fmt: skip
    if case.proposed_at is not None:
        _tell_member(case, _("Discipline case %(ref)s is closed without a measure") % {"ref": case.reference},
                     case.closing_note, "discipline.case.dropped")  # fmt: skip
    return case


# ------------------------------------------------------------------------------------------------ appeal and finality


@transaction.atomic
def do_appeal(actor: Actor, case_id: int, grounds: str, files: Sequence[UploadedFile] = ()) -> Case:
    """The member concerned appeals the decision, once, within the window."""
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    _member_side(actor, case)
    if case.appealed_at is not None:
        raise InvalidTransition(_("The decision was already appealed; there is one appeal per decision."))
    workflow.check_transition(case, Case.Status.APPEALED)  # before the window and the grounds are checked
    if not case.appeal_window_open(timezone.localdate()):  # a provisional last day never closes it
        due = case.appeal_due.isoformat() if case.appeal_due else "—"
        raise InvalidTransition(_("The window to appeal ended on %(date)s.") % {"date": due})
    grounds = text(grounds, "grounds", _("Give the grounds of the appeal."))
    if files:
        store_uploads(files, owner=case, purpose=APPEAL, actor=actor, policy=EVIDENCE_POLICY)
    workflow.transition(
        case, Case.Status.APPEALED, actor=actor, action="discipline.case.appeal",
        changes={"appeal": grounds, "appealed_at": timezone.now()}, unaudited=("appeal", "appealed_at"),
        extra_after={"evidence": len(files)},
    )  # fmt: skip
    _tell_staff(
        case,
        _("Discipline case %(ref)s was appealed") % {"ref": case.reference},
        _("A member of staff other than the one who decided the case decides the appeal."),
        "discipline.case.appealed",
    )
    return case


@transaction.atomic
def do_decide_appeal(actor: StaffActor, case_id: int, *, outcome: str, reasons: str, measure: str = "") -> Case:
    """A member of staff who took no part in the measure — neither proposed, approved (the second pair of eyes of a
    heavy measure) nor decided it — decides the appeal: dismissed (the decision is final; a revocation takes effect),
    upheld (the decision is annulled and its notice withdrawn) or varied (``measure`` replaces the decided one and
    the decision is final: see :func:`check_varied_measure`)."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    if case.status != Case.Status.APPEALED:
        raise InvalidTransition(_("There is no appeal to decide."))
    if _named(actor) in {case.decided_by_id, case.proposed_by_id, case.approved_by_id}:
        raise Forbidden(
            _("The appeal is decided by a member of staff other than the one who decided the case, and other than "
              "those who proposed or approved the measure.")
        )  # fmt: skip
    if outcome not in Case.AppealOutcome.values:
        raise ValidationFailed(_("Choose the outcome of the appeal."), field="outcome")
    varied = outcome == Case.AppealOutcome.VARIED
    if varied:
        check_varied_measure(case, measure)
    case.appeal_reasons = text(reasons, "reasons", _("Give the reasons of the appeal decision."))
    case.appeal_outcome = outcome
    case.appeal_decided_by_id = actor.pk
    case.appeal_decided_at = timezone.now()
    fields = ["appeal_reasons", "appeal_outcome", "appeal_decided_by", "appeal_decided_at"]
    after = {"outcome": outcome, "reasons": case.appeal_reasons}
    if varied:
        case.original_measure, case.measure = case.measure, measure
        fields += ["original_measure", "measure"]
        after.update(measure=measure, original_measure=case.original_measure)
    case.save(update_fields=fields)
    audit.record(
        actor, "discipline.case.decide_appeal", case, before={"status": Case.Status.APPEALED}, after=after,
    )  # fmt: skip
    today = timezone.localdate()
    if outcome == Case.AppealOutcome.DISMISSED:
        _make_final(actor, case, today, "appeal_dismissed")
    elif varied:
        published = _vary_notice(actor, case)
        _make_final(actor, case, today, "appeal_varied")
        if not published:  # a revocation was varied: its lighter measure is published now
            _publish(actor, case, today)
    else:
        # Not transition(): the annulment has no audit entry of its own (the decide_appeal entry above covers it).
        workflow.check_transition(case, Case.Status.ANNULLED)
        case.status = Case.Status.ANNULLED
        case.save(update_fields=["status"])
        notice = Notice.objects.filter(case=case, withdrawn_at__isnull=True).first()
        if notice is not None:
            notice.withdrawn_at = timezone.now()
            notice.withdrawal_reason = case.appeal_reasons
            notice.save(update_fields=["withdrawn_at", "withdrawal_reason"])
            audit.record(actor, "discipline.notice.withdraw", notice, after={"case": case.reference})
    body = Case.AppealOutcome(outcome).label
    if varied:
        body = _("%(outcome)s New measure: %(measure)s.") % {"outcome": body, "measure": Measure(measure).label}
    _tell_member(
        case,
        _("Discipline case %(ref)s: the appeal is decided") % {"ref": case.reference},
        body,
        "discipline.case.appeal_decided",
    )
    return case


def check_varied_measure(case: Case, measure: str) -> None:
    """An appeal varies a measure only in the member's favour: the convention gives the appeal to the member as a
    remedy, and a remedy must not leave the one who uses it worse off (as 行政复议 and 上诉不加刑 do). So the new
    measure is strictly lighter on the ladder (Art. 18's order) and not more public: an internal notice among
    member units is never varied into a public measure (criticism, condemnation, media exposure), which would
    publish what was confined to the members. A heavier measure needs a new case."""
    if measure not in Measure.values:
        raise ValidationFailed(_("Choose the measure that replaces the decided one."), field="measure")
    if not lighter(measure, case.measure):
        raise ValidationFailed(
            _("An appeal can only replace the measure with a lighter one (the decided measure: %(m)s).")
            % {"m": Measure(case.measure).label},
            field="measure",
        )
    if case.measure not in PUBLIC and measure in PUBLIC:
        raise ValidationFailed(
            _("An internal notice cannot be varied into a public measure: it would publish what was confined to the "
              "member units."),
            field="measure",
        )  # fmt: skip


def _vary_notice(actor: StaffActor, case: Case) -> bool:
    """A notice already published for the decided measure now shows the varied one, listed for the varied
    measure's period from its publication (a revocation's notice is published only when final). Returns whether
    there was one (the audience never changes: see :func:`check_varied_measure`)."""
    notice = Notice.objects.filter(case=case, withdrawn_at__isnull=True).first()
    if notice is None:
        return False
    listed = listing_deadline(notice.published_on, case.measure)
    before = {"measure": notice.measure, "listed_until": notice.listed_until}
    notice.measure = case.measure
    notice.listed_until, notice.deadline_provisional = listed.day, listed.provisional
    notice.save(update_fields=["measure", "listed_until", "deadline_provisional"])
    audit.record(actor, "discipline.notice.vary", notice, before=before,
                 after={"measure": notice.measure, "listed_until": notice.listed_until})  # fmt: skip
    return True


def finalize_due_cases(today: date | None = None, actor: StaffActor | None = None) -> int:
    """Decisions whose appeal window ended without an appeal become final (a revocation then takes effect); not
    while the window's last day is provisional (beyond the official holiday calendar). Idempotent; run periodically
    (core.scheduler)."""
    today = today or timezone.localdate()
    actor = actor or SystemActor("system:scheduler")
    done = 0
    due = Case.objects.filter(Q(appeal_due__lt=today) | Q(appeal_due__isnull=True), status=Case.Status.DECIDED)
    for case_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("member").get(pk=case_id)
            if case.status != Case.Status.DECIDED or case.decided_on is None:
                continue
            if not calendars.settle(case, actor) or case.appeal_due is None:
                continue  # the member's window ends when the official holiday calendar says so
            if deadlines.is_overdue(case.appeal_due, today):
                _make_final(actor, case, timezone.localdate(), "appeal_window_passed")
                done += 1
    return done
