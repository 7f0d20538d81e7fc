"""State changes of discipline cases (Art. 18): open, evidence, verification of facts, proposal, the member's answer
or silence and its consideration. Approval (four eyes), the decision and its effects, appeal and finality are in
``decisions.py``.

Each ``do_*`` checks the actor's permission and the case's state, saves, writes one audit entry and tells the people
concerned after commit. Audit entries never carry the retaliation flag (Art. 20): the staff read the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.convention.models import ConventionVersion
from zilu.core import audit, calendars, deadlines, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import UploadPolicy, files_of, store_uploads
from zilu.core.notify import executing_body_staff, notify, supervising_department
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, require
from zilu.discipline import articles as article_refs
from zilu.discipline.actions.common import text
from zilu.discipline.ladder import HEAVY, Measure, lighter
from zilu.discipline.models import Case, Participation, Source, response_deadline
from zilu.discipline.record import record_of
from zilu.members.models import Member
from zilu.reports.models import Report

EVIDENCE = "evidence"  # the executing body's evidence (and what it verified the facts on)
ANSWER = "answer"  # the member's evidence with its answer
APPEAL = "appeal"  # the member's evidence with its appeal
EVIDENCE_POLICY = UploadPolicy()


# ------------------------------------------------------------------------------------------------ helpers


def _member_side(actor: Actor, case: Case) -> None:
    """Only the representatives of the member concerned act for it."""
    require(actor, Perm.ANSWER_DISCIPLINE)
    if not case.is_for(actor):
        raise NotFound()


def _member_url(case: Case) -> str:
    return reverse("discipline:my_case", kwargs={"case_id": case.pk})


def _staff_url(case: Case) -> str:
    return reverse("discipline:case", kwargs={"case_id": case.pk})


def _tell_member(case: Case, subject: Any, body: Any, kind: str) -> None:
    notify(case.member.active_representatives(), subject, body, url=_member_url(case), kind=kind)


def _tell_staff(case: Case, subject: Any, body: Any, kind: str) -> None:
    notify(executing_body_staff(), subject, body, url=_staff_url(case), kind=kind)


def _named(actor: Actor) -> int:
    """The user id of a named member of staff; four-eyes steps cannot be taken by the system."""
    pk = getattr(actor, "pk", None)
    if pk is None:
        raise Forbidden(_("This step needs a named member of staff."))
    return int(pk)


def check_reports(member: Member, report_ids: Sequence[int]) -> list[Report]:
    """The reports a case rests on: each must be about ``member`` and verified true."""
    ids = sorted({int(i) for i in report_ids})
    found = {r.pk: r for r in Report.objects.filter(pk__in=ids)}
    for report_id in ids:
        report = found.get(report_id)
        if report is None:
            raise ValidationFailed(_("There is no report %(n)s.") % {"n": report_id}, field="reports")
        if report.member_id != member.pk:
            raise ValidationFailed(
                _("Report %(n)s is not about this member.") % {"n": report.tracking_number}, field="reports"
            )
        if not Report.objects.verified_true().filter(pk=report.pk).exists():
            raise ValidationFailed(
                _("Report %(n)s is not closed as verified true.") % {"n": report.tracking_number}, field="reports"
            )
    return [found[i] for i in ids]


# ------------------------------------------------------------------------------------------------ opening


@transaction.atomic
def do_open_case(
    actor: StaffActor,
    member_id: int,
    *,
    source: str,
    facts: str,
    articles: str | Sequence[str],
    report_ids: Sequence[int] = (),
    participation_id: int | None = None,
    source_note: str = "",
    evidence: Sequence[UploadedFile] = (),
) -> Case:
    """Open a case against an active member: from reports verified true, a staff investigation, an evaluation finding
    or repeated filing-check failures (the filings pages call this with ``source="filing_check"`` and the site in
    ``source_note``). Cites the articles breached in the version in force and may attach evidence."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    member = Member.objects.filter(pk=member_id).first()
    if member is None:
        raise ValidationFailed(_("Choose a member."), field="member")
    if member.status != Member.Status.ACTIVE:
        raise ValidationFailed(_("A case is opened against an active member."), field="member")
    if source not in Source.values:
        raise ValidationFailed(_("Choose where the case comes from."), field="source")
    reports = check_reports(member, report_ids)
    if source == Source.REPORTS and not reports:
        raise ValidationFailed(_("Name at least one report verified true."), field="reports")
    participation = None
    if source == Source.EVALUATION:
        participation = Participation.objects.filter(pk=participation_id or 0, member=member).first()
        if participation is None:
            raise ValidationFailed(_("Name the member's evaluation this case comes from."), field="participation")
    version = ConventionVersion.objects.current()
    refs = article_refs.check(article_refs.parse(articles), version)
    case = Case.objects.create(
        number=next_number(Case.objects.all()),
        member=member,
        source=source,
        source_note=(source_note or "").strip()[:300],
        participation=participation,
        convention_version=version,
        articles=refs,
        facts=text(facts, "facts", _("Describe the facts.")),
        opened_by_id=getattr(actor, "pk", None),
    )
    case.reports.set(reports)
    if evidence:
        store_uploads(evidence, owner=case, purpose=EVIDENCE, actor=actor, policy=EVIDENCE_POLICY)
    audit.record(
        actor, "discipline.case.open", case,
        after={"member": member.pk, "source": source, "articles": refs, "convention_version": version.number,
               "reports": [r.tracking_number for r in reports], "evidence": len(evidence)},
    )  # fmt: skip
    _flag_for_supervisor(case)
    return case


def _flag_for_supervisor(case: Case) -> None:
    """Art. 20: a case against a member that recently complained about the executing body goes before the
    supervising department. The flag is stored on the case and told to the department only; it is deliberately kept
    out of the audit log (even a sealed entry next to the opening would tell the staff)."""
    try:
        from zilu.oversight.guard import retaliation_flag
    except ImportError:  # the oversight app is not installed
        return
    if not retaliation_flag(case.member):
        return
    case.supervisor_review = True
    case.save(update_fields=["supervisor_review"])
    notify(
        supervising_department(),
        _("Discipline case %(ref)s concerns a member that recently complained") % {"ref": case.reference},
        _("Review the case for retaliation (Art. 20)."),
        url=reverse("discipline:flagged"),
        kind="discipline.case.flagged",
    )


@transaction.atomic
def do_add_evidence(actor: StaffActor, case_id: int, files: Sequence[UploadedFile]) -> Case:
    """Staff add evidence to a case that is not decided yet."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    if not case.is_open:
        raise InvalidTransition(_("Evidence is added before the decision."))
    if not files:
        raise ValidationFailed(_("Choose at least one file."), field="files")
    store_uploads(files, owner=case, purpose=EVIDENCE, actor=actor, policy=EVIDENCE_POLICY)
    audit.record(actor, "discipline.case.add_evidence", case, after={"files": len(files)})
    return case


@transaction.atomic
def do_verify_facts(actor: StaffActor, case_id: int, note: str, files: Sequence[UploadedFile] = ()) -> Case:
    """Staff record that they verified the facts true in the case itself, saying how, on the evidence attached to
    the case (at least one file, uploaded now or before). A case with no verified-true report needs this before an
    internal notice or a revocation."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    if not case.is_open:
        raise InvalidTransition(_("Facts are verified before the decision."))
    if case.facts_verified_at is not None:
        raise InvalidTransition(_("The facts are already recorded as verified."))
    note = text(note, "note", _("Say how the facts were verified."))
    if files:
        store_uploads(files, owner=case, purpose=EVIDENCE, actor=actor, policy=EVIDENCE_POLICY)
    if not files_of(case, EVIDENCE).exists():
        raise ValidationFailed(_("Attach the evidence the facts were verified on."), field="files")
    case.facts_verified_by_id = _named(actor)
    case.facts_verified_at = timezone.now()
    case.verification_note = note
    case.save(update_fields=["facts_verified_by", "facts_verified_at", "verification_note"])
    audit.record(
        actor, "discipline.case.verify_facts", case,
        after={"note": note, "evidence": files_of(case, EVIDENCE).count()},
    )  # fmt: skip
    return case


# ------------------------------------------------------------------------------------------------ proposal and answer


@transaction.atomic
def do_propose(
    actor: StaffActor,
    case_id: int,
    *,
    measure: str,
    reasons: str,
    lighter_reason: str = "",
    articles: str | Sequence[str] | None = None,
) -> Case:
    """Staff propose a measure of the ladder with reasons; the member is told and has ZILU_DISCIPLINE_RESPONSE_DAYS
    working days to answer. A measure lighter than the member's record suggests needs a reason; an internal notice
    or a revocation needs facts verified true."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    workflow.check_transition(case, Case.Status.PROPOSED)  # before the proposal is checked
    if measure not in Measure.values:
        raise ValidationFailed(_("Choose a measure of the ladder."), field="measure")
    reasons = text(reasons, "reasons", _("Give the reasons for the measure."))
    if articles is not None:
        case.articles = article_refs.check(article_refs.parse(articles), case.convention_version)
    if measure in HEAVY and not case.rests_on_verified_facts:
        raise ValidationFailed(
            _("An internal notice or a revocation needs facts verified true: link a report verified true or verify "
              "the facts in the case with evidence."),
            field="measure",
        )  # fmt: skip
    record = record_of(case.member, exclude_case=case.pk)
    lighter_reason = (lighter_reason or "").strip()
    if lighter(measure, record.suggested) and not lighter_reason:
        raise ValidationFailed(
            _("The member's record suggests at least “%(suggested)s” (%(points)d active points): say why a lighter "
              "measure is proposed.") % {"suggested": Measure(record.suggested).label, "points": record.points},
            field="lighter_reason",
        )  # fmt: skip
    today = timezone.localdate()
    lighter_reason = lighter_reason if lighter(measure, record.suggested) else ""
    response = response_deadline(today)  # provisional beyond the official holiday calendar
    response_due = response.day
    changes = {
        "articles": case.articles, "measure": measure, "reasons": reasons, "suggested_measure": record.suggested,
        "lighter_reason": lighter_reason, "proposed_by_id": getattr(actor, "pk", None), "proposed_at": timezone.now(),
        "response_due": response_due, "deadline_provisional": response.provisional,
    }  # fmt: skip
    workflow.transition(
        case, Case.Status.PROPOSED, actor=actor, action="discipline.case.propose", changes=changes,
        unaudited=tuple(changes),
        extra_after={"measure": measure, "articles": case.articles, "suggested": record.suggested,
                     "active_points": record.points, "lighter_reason": lighter_reason, "response_due": response_due},
    )  # fmt: skip
    due = calendars.deadline_text(case.response_due, case.deadline_provisional)
    _tell_member(
        case,
        _("Discipline case %(ref)s: a measure is proposed") % {"ref": case.reference},
        _("Proposed measure: %(measure)s. You may answer with evidence by %(due)s.")
        % {"measure": Measure(measure).label, "due": due},
        "discipline.case.proposed",
    )
    return case


@transaction.atomic
def do_answer(actor: Actor, case_id: int, answer: str, files: Sequence[UploadedFile] = ()) -> Case:
    """The member concerned answers the proposal, with evidence, within the window."""
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    _member_side(actor, case)
    workflow.check_transition(case, Case.Status.ANSWERED)  # before the window and the answer are checked
    if not case.window_open():
        raise InvalidTransition(
            _("The window to answer ended on %(date)s.") % {"date": case.response_due.isoformat()}  # type: ignore[union-attr]
        )
    answer = text(answer, "answer", _("Write your answer."))
    if files:
        store_uploads(files, owner=case, purpose=ANSWER, actor=actor, policy=EVIDENCE_POLICY)
    workflow.transition(
        case, Case.Status.ANSWERED, actor=actor, action="discipline.case.answer",
        changes={"answer": answer, "answered_at": timezone.now(), "answered_by": actor},
        unaudited=("answer", "answered_at", "answered_by"), extra_after={"evidence": len(files)},
    )  # fmt: skip
    _tell_staff(case, _("Discipline case %(ref)s: the member answered") % {"ref": case.reference}, "",
                "discipline.case.answered")  # fmt: skip
    return case


@transaction.atomic
def do_record_silence(actor: StaffActor, case_id: int, *, today: date | None = None) -> Case:
    """Staff record that the window passed without an answer (only once it has ended, and never on a provisional
    last day: the official holiday calendar must confirm that the member's window is over)."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    if case.status != Case.Status.PROPOSED:
        raise InvalidTransition(_("Silence is recorded while the proposal awaits an answer."))
    today = today or timezone.localdate()
    if not calendars.settle(case, actor) or case.response_due is None:
        raise InvalidTransition(
            _("The end of the window is not known yet: load the official holiday schedule (ZILU_HOLIDAYS_FILE).")
        )
    if not deadlines.is_overdue(case.response_due, today):
        raise InvalidTransition(_("The member may answer until %(date)s.") % {"date": case.response_due.isoformat()})
    changes = {
        "silent": True, "considered_by_id": getattr(actor, "pk", None), "considered_at": timezone.now(),
        "consideration": _("The window to answer passed without an answer."), "response_due": case.response_due,
    }  # fmt: skip
    workflow.transition(
        case, Case.Status.CONSIDERED, actor=actor, action="discipline.case.record_silence", changes=changes,
        unaudited=tuple(changes), extra_after={"response_due": case.response_due},
    )  # fmt: skip
    return case


@transaction.atomic
def do_consider(actor: StaffActor, case_id: int, consideration: str) -> Case:
    """Staff record how they considered the member's answer."""
    require(actor, Perm.HANDLE_DISCIPLINE)
    case = workflow.access(Case.objects.restrict(actor, "change"), case_id, for_update=True)
    workflow.check_transition(case, Case.Status.CONSIDERED)  # before the checks below
    if case.status != Case.Status.ANSWERED:
        raise InvalidTransition(_("There is no answer to consider."))
    consideration = text(consideration, "consideration", _("Say how the answer was considered."))
    changes = {"consideration": consideration, "considered_by_id": getattr(actor, "pk", None),
               "considered_at": timezone.now()}  # fmt: skip
    workflow.transition(
        case, Case.Status.CONSIDERED, actor=actor, action="discipline.case.consider", changes=changes,
        unaudited=tuple(changes), extra_after={"consideration": consideration},
    )  # fmt: skip
    return case
