"""State changes of complaints about the executing body (Art. 20) and the daily publication of the audit head.

Confidentiality rules every function here follows:

- A complaint reaches the supervising department only: notifications go to ``supervisor`` accounts and to the
  complainant's own representatives, never to staff or superusers.
- Audit entries are sealed (their actions start with ``oversight.``, see ``core.audit.SEALED_PREFIXES``): staff see
  only their place in the chain. They also carry no identifying content in the first place: the complainant's acts
  are recorded with no actor id or name (:data:`COMPLAINANT`), the object is the random reference, and ``after``
  holds statuses, never text.
- The executing body sees an :class:`ExplanationRequest`: the questions, the due date and, only with the
  complainant's consent, the complainant's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars, signing, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import UploadPolicy, store_uploads
from zilu.core.models import AuditEntry, User
from zilu.core.notify import executing_body_staff, notify, site_language, supervising_department
from zilu.core.roles import Perm, Role, require
from zilu.core.system import SystemActor
from zilu.disputes.models import Dispute
from zilu.members.models import Application, Member
from zilu.oversight.models import Complaint, ExplanationRequest, PublishedHead, explanation_deadline, new_reference

EVIDENCE = "evidence"
EVIDENCE_POLICY = UploadPolicy(strip_metadata=True)  # the complainant may be identified from a file, too


class _Complainant:
    """The actor recorded for a complainant's own acts: a member, with no user id and no name, so that the audit
    entry does not identify who complained even where the entry itself is read."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None
    role = Role.MEMBER

    def get_username(self) -> str:
        return ""


COMPLAINANT = _Complainant()


def _complaint_url(complaint: Complaint) -> str:
    return reverse("oversight:complaint", kwargs={"complaint_id": complaint.pk})


def _text(value: str | None, field: str, message: str, limit: int = 20000) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(message, field=field)
    if len(text) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=field)
    return text


def _record(actor: Actor | _Complainant, action: str, complaint: Complaint, **after: Any) -> None:
    audit.record(actor, f"oversight.complaint.{action}", complaint, after=after or None)


def _transition(
    complaint: Complaint, target: str, actor: Actor, action: str, changes: dict[str, Any], **extra_after: Any
) -> None:
    """Move ``complaint`` to ``target`` with ``changes``; like :func:`_record`, the entry holds the new status (and
    ``extra_after``) only: no ``before``, never the text."""
    workflow.transition(
        complaint, target, actor=actor, action=f"oversight.complaint.{action}", changes=changes,
        unaudited=tuple(changes), extra_after=extra_after, record_before=False,
    )  # fmt: skip


# ------------------------------------------------------------------------------------------------ the complainant


@transaction.atomic
def do_file_complaint(
    actor: Actor,
    *,
    target: str,
    target_reference: str,
    subject: str,
    facts: str,
    request: str = "",
    staff_named: str = "",
    discloses_identity: bool = False,
    evidence: Sequence[UploadedFile] = (),
) -> Complaint:
    """A member complains to the supervising department about a decision, an act or a staff member of the executing
    body. The complaint goes to the department's queue only."""
    require(actor, Perm.FILE_COMPLAINTS)
    member = Member.objects.filter(pk=actor.member_id).exclude(number__isnull=True).first()
    if member is None:
        raise Forbidden(_("Only a member of the convention can complain to the supervising department."))
    if target not in Complaint.Target.values:
        raise ValidationFailed(_("Say what the complaint is about."), field="target")
    staff_named = (staff_named or "").strip()[:200]
    if target == Complaint.Target.STAFF_MEMBER and not staff_named:
        raise ValidationFailed(_("Name the staff member concerned."), field="staff_named")
    complaint = Complaint(
        complainant=member,
        filed_by=actor,
        target=target,
        target_reference=_text(target_reference, "target_reference", _("Give the decision, case or link."), 500),
        staff_named=staff_named,
        subject=_text(subject, "subject", _("Name the subject of the complaint."), 200),
        facts=_text(facts, "facts", _("Describe the facts.")),
        request=(request or "").strip(),
        discloses_identity=bool(discloses_identity),
    )
    for _attempt in range(5):  # a random reference may collide, however rarely
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            complaint.reference = new_reference()
    else:  # pragma: no cover - five collisions in a row of 32-bit references
        raise InvalidTransition()
    if evidence:
        store_uploads(evidence, owner=complaint, purpose=EVIDENCE, actor=COMPLAINANT, policy=EVIDENCE_POLICY)
    _record(COMPLAINANT, "file", complaint, status=complaint.status)
    notify(
        supervising_department(),
        _("New complaint %(ref)s about the executing body") % {"ref": complaint.reference},
        url=_complaint_url(complaint),
        kind="oversight.complaint.filed",
    )
    return complaint


@transaction.atomic
def do_add_evidence(actor: Actor, complaint_id: int, files: Sequence[UploadedFile]) -> Complaint:
    """The complainant adds evidence until the complaint is concluded."""
    require(actor, Perm.FILE_COMPLAINTS)
    complaint = workflow.access(Complaint.objects.restrict(actor, "change"), complaint_id, for_update=True)
    if complaint.status == Complaint.Status.CONCLUDED:
        raise InvalidTransition(_("The complaint is concluded."))
    if not files:
        raise ValidationFailed(_("Choose at least one file."), field="files")
    store_uploads(files, owner=complaint, purpose=EVIDENCE, actor=COMPLAINANT, policy=EVIDENCE_POLICY)
    _record(COMPLAINANT, "add_evidence", complaint, files=len(files))
    return complaint


# ------------------------------------------------------------------------------------------------ the department


def _tell_complainant(complaint: Complaint, subject: Any) -> None:
    notify(
        Member.objects.filter(pk=complaint.complainant_id).active_representatives(),
        subject,
        url=_complaint_url(complaint),
        kind="oversight.complaint",
    )


@transaction.atomic
def do_acknowledge(actor: Actor, complaint_id: int) -> Complaint:
    """The supervising department acknowledges receipt."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    complaint = workflow.access(Complaint.objects.restrict(actor, "change"), complaint_id, for_update=True)
    _transition(complaint, Complaint.Status.ACKNOWLEDGED, actor, "acknowledge", {"acknowledged_at": timezone.now()})
    _tell_complainant(complaint, _("Your complaint %(ref)s is acknowledged") % {"ref": complaint.reference})
    return complaint


@transaction.atomic
def do_investigate(actor: Actor, complaint_id: int) -> Complaint:
    """The supervising department opens an investigation."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    complaint = workflow.access(Complaint.objects.restrict(actor, "change"), complaint_id, for_update=True)
    _transition(
        complaint, Complaint.Status.INVESTIGATING, actor, "investigate", {"investigation_started_at": timezone.now()}
    )
    _tell_complainant(complaint, _("Your complaint %(ref)s is under investigation") % {"ref": complaint.reference})
    return complaint


@transaction.atomic
def do_request_explanation(actor: Actor, complaint_id: int, questions: str) -> ExplanationRequest:
    """The department asks the executing body to explain. The executing body sees only the questions, the due date
    and, if the complainant consented, the complainant's name."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    complaint = workflow.access(Complaint.objects.restrict(actor, "change"), complaint_id, for_update=True)
    if complaint.status != Complaint.Status.INVESTIGATING:
        raise InvalidTransition(_("An explanation is requested during the investigation."))
    deadline = explanation_deadline(timezone.localdate())  # provisional beyond the official holiday calendar
    due = deadline.day
    request = ExplanationRequest.objects.create(
        complaint=complaint,
        questions=_text(questions, "questions", _("Write what the executing body must answer.")),
        due_on=due,
        deadline_provisional=deadline.provisional,
        requested_by=actor,
        disclosed_complainant=complaint.complainant.name if complaint.discloses_identity else "",
    )
    _record(actor, "request_explanation", complaint, request=request.pk, due_on=due)
    # A neutral notice: it names neither the complaint's content nor (without consent) the complainant.
    notify(
        executing_body_staff(),
        _("The supervising department requests an explanation"),
        _("Answer by %(date)s.") % {"date": calendars.deadline_text(due, deadline.provisional)},
        url=reverse("oversight:explanation", kwargs={"request_id": request.pk}),
        kind="oversight.explanation.requested",
    )
    return request


@transaction.atomic
def do_answer_explanation(actor: StaffActor, request_id: int, answer: str) -> ExplanationRequest:
    """The executing body answers a request for an explanation (once)."""
    require(actor, Perm.ANSWER_EXPLANATIONS)
    request = workflow.access(ExplanationRequest.objects.restrict(actor, "change"), request_id, for_update=True)
    if request.answered_at is not None:
        raise InvalidTransition(_("This request is already answered."))
    request.answer = _text(answer, "answer", _("Write the explanation."))
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.save(update_fields=["answer", "answered_by", "answered_at"])
    audit.record(actor, "oversight.explanation.answer", request, after={"request": request.pk})
    notify(
        supervising_department(),
        _("The executing body answered a request for an explanation"),
        url=_complaint_url(request.complaint),
        kind="oversight.explanation.answered",
    )
    return request


@transaction.atomic
def do_conclude(actor: Actor, complaint_id: int, *, findings: str, corrections: str = "") -> Complaint:
    """The department concludes with its findings and the corrections it requires of the executing body."""
    require(actor, Perm.HANDLE_COMPLAINTS)
    complaint = workflow.access(Complaint.objects.restrict(actor, "change"), complaint_id, for_update=True)
    workflow.check_transition(complaint, Complaint.Status.CONCLUDED)  # before the findings are checked
    findings = _text(findings, "findings", _("Write the findings."))
    corrections = (corrections or "").strip()
    _transition(
        complaint, Complaint.Status.CONCLUDED, actor, "conclude",
        {"findings": findings, "corrections": corrections, "concluded_at": timezone.now()},
        corrections_required=bool(corrections),
    )  # fmt: skip
    _tell_complainant(complaint, _("Your complaint %(ref)s is concluded") % {"ref": complaint.reference})
    if complaint.corrections:
        # The executing body must know what to correct: a request naming only the corrections, to be answered with
        # what it did.
        with site_language():  # stored text, read by the executing body
            questions = _("Corrections required by the supervising department:") + "\n" + complaint.corrections
        request = ExplanationRequest.objects.create(
            complaint=complaint,
            questions=questions,
            requested_by=actor,
            disclosed_complainant=complaint.complainant.name if complaint.discloses_identity else "",
        )
        notify(
            executing_body_staff(),
            _("The supervising department requires corrections"),
            url=reverse("oversight:explanation", kwargs={"request_id": request.pk}),
            kind="oversight.explanation.requested",
        )
    return complaint


# ------------------------------------------------------------------------------------------------ published heads


@transaction.atomic
def publish_daily_head(actor: StaffActor, day: date | None = None) -> PublishedHead | None:
    """Publish the audit chain head of ``day`` (today by default), once a day; None when already published. Run by
    the periodic task as ``system:scheduler`` (see core.scheduler.SCHEDULE); nobody else publishes."""
    day = day or timezone.localdate()
    if PublishedHead.objects.filter(day=day).exists():
        return None
    current = audit.head()
    published = PublishedHead(day=day, seq=current.seq, hash=current.hash)
    published.signature = signing.sign(published.payload())
    published.save(force_insert=True)
    audit.record(
        actor, "transparency.head.publish", published, after={"day": day, "seq": current.seq, "hash": current.hash}
    )
    return published


def access_member_extract(user: Actor) -> dict[str, Any]:
    """The audit entries that concern the user's member, with their hashes, for ``zilu audit verify --file``:
    entries about the member itself, its applications, the disputes it is party to and its complaints, and entries
    its representatives made."""
    require(user, Perm.REPRESENT_MEMBER)
    member_id = user.member_id
    representatives = list(User.objects.filter(member_id=member_id).values_list("pk", flat=True))
    applicants = list(Application.objects.filter(member_id=member_id).values_list("applicant_id", flat=True))

    def ids(qs: Any) -> list[str]:
        return [str(pk) for pk in qs.values_list("pk", flat=True)]

    objects = {
        "members.member": [str(member_id)],
        "members.application": ids(Application.objects.filter(member_id=member_id)),
        "disputes.dispute": ids(Dispute.objects.filter(parties__member_id=member_id)),
        "oversight.complaint": ids(Complaint.objects.filter(complainant_id=member_id)),
    }
    condition = Q(actor_id__in=representatives + [a for a in applicants if a])
    for object_type, ids in objects.items():
        if ids:
            condition |= Q(object_type=object_type, object_id__in=ids)
    entries = AuditEntry.objects.filter(condition).order_by("seq")
    published = [{"day": p.day.isoformat(), "seq": p.seq, "hash": p.hash} for p in PublishedHead.objects.all()[:60]]
    member = Member.objects.get(pk=member_id)
    return audit.build_extract(entries, subject=f"{member.number or member.pk} {member.name}", published=published)


# ------------------------------------------------------------------------------------------------ supervisor accounts


@transaction.atomic
def do_add_supervisor(actor: Actor, username: str, *, name: str = "", email: str = "", password: str) -> User:
    """Create an account of the supervising department. Only the command line does this (``zilu supervisors add``):
    no page, API or back-office form can create, promote or edit such an account."""
    if not isinstance(actor, SystemActor):
        raise Forbidden()
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("Give a user name."), field="username")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("This user name is taken."), field="username")
    user = User(username=username, first_name=(name or "").strip()[:150], email=(email or "").strip(),
                role=Role.SUPERVISOR)  # fmt: skip
    user.set_password(password)
    user.save()
    audit.record(actor, "oversight.supervisor.add", user, after={"username": username})
    return user


@transaction.atomic
def do_set_supervisor_active(actor: Actor, username: str, *, active: bool) -> User:
    """Deactivate (or reactivate) a supervising department account, from the command line only."""
    if not isinstance(actor, SystemActor):
        raise Forbidden()
    user = User.objects.select_for_update().filter(username=username, role=Role.SUPERVISOR).first()
    if user is None:
        raise NotFound()
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor, "oversight.supervisor.activate" if active else "oversight.supervisor.deactivate", user)
    return user
