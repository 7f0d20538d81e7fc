"""State changes of reports: submit, route, respond, send back, verify, mark overdue (Art. 10, 12, 17).

Each ``do_*`` checks the actor's permission and the report's state, saves, writes one audit entry and tells the
people concerned after commit. Audit entries and notifications never carry the reporter's identity or contact.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars, metrics, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import DOCUMENT_TYPES, UploadPolicy, check_uploads, store_uploads
from zilu.core.notify import executing_body_staff, notify
from zilu.core.roles import Perm, require
from zilu.members.models import Member
from zilu.reports import abuse, intake, reporter_email, routing
from zilu.reports.intake import MIN_DESCRIPTION
from zilu.reports.models import (
    Finding,
    MemberResponse,
    OverdueTier,
    Report,
    ReportEvent,
    ResponseAction,
    Status,
    parse_tracking_number,
)

# Size per file follows ZILU_UPLOAD_MAX_BYTES (10 MB by default).
EVIDENCE_POLICY = UploadPolicy(allowed_types=DOCUMENT_TYPES | {"video/mp4"}, max_files=5, strip_metadata=True)
EXPLANATION_LIMIT = 5000
OUTCOME_LIMIT = 1000
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# What the audit log keeps of a report: never the reporter or the contact details.
AUDIT_FIELDS = ["category", "member_id", "target", "status", "due_on", "overdue_tier", "finding", "duplicate_of_id"]


@dataclass(frozen=True)
class Receipt:
    """What the reporter gets back: the tracking number and, once only, the secret lookup code."""

    report: Report
    code: str
    duplicate_of: Report | None

    @property
    def tracking_number(self) -> str:
        return self.report.tracking_number


def hash_code(code: str) -> str:
    return hashlib.sha256(("zilu-report-lookup:" + code.replace("-", "").strip().upper()).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _member_url(report: Report) -> str:
    return reverse("reports:member_detail", kwargs={"report_id": report.pk})


def _staff_url(report: Report) -> str:
    return reverse("reports:staff_detail", kwargs={"report_id": report.pk})


def _event(report: Report, note: str = "") -> None:
    event = ReportEvent.objects.create(report=report, status=report.status, note=note[:300])
    reporter_email.after_event(report, event)  # the reporter's confirmed e-mail hears of it


def do_submit_report(
    actor: Actor,
    data: dict[str, Any],
    files: Sequence[UploadedFile] = (),
    *,
    client: abuse.Client | None = None,
) -> Receipt:
    """Accept a report from anyone (anonymous allowed). Returns the tracking number and the one-time lookup code.

    Abuse controls run first (rate limit, then CAPTCHA when due); then the fields are validated; a near-identical
    report on the same target within the window is stored too, but linked to the earlier one instead of being routed
    again (nothing accepted is lost)."""
    client = client or abuse.Client()
    abuse.check_rate(client)
    clean = intake.validate(data)
    check_uploads(files, EVIDENCE_POLICY, field_name="files")
    abuse.check_captcha(client)
    target = routing.resolve_target(clean["member_id"], clean["target"])
    code = _new_code()
    now = timezone.now()
    reporter = actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None
    with transaction.atomic():
        original = intake.find_duplicate(clean, target, now)
        report = Report(
            lookup_hash=hash_code(code),
            category=clean["category"],
            member=target.member,
            matched_by=target.matched_by,
            target=clean["target"],
            target_domain=target.domain,
            description=clean["description"],
            fingerprint=abuse.fingerprint(clean["description"]),
            description_folded=abuse.normalise(clean["description"]),
            reporter=reporter,
            contact_name=clean["contact_name"],
            contact_phone=clean["contact_phone"],
            contact_email=clean["contact_email"],
            client_key=client.key,
        )
        if original is not None:
            report.status = Status.DUPLICATE
            report.duplicate_of = original
        elif target.member is not None and not routing.goes_to_staff(clean["category"]):
            _route(report, target.member, now)
        else:
            report.status = Status.STAFF_QUEUE
        report.save(force_insert=True)
        if files:
            # The member concerned downloads these: a reporter's file name may carry a name, so it is not kept.
            for index, upload in enumerate(files, start=1):
                upload.name = f"evidence-{index}{Path(upload.name or '').suffix.lower()[:8]}"
            store_uploads(files, owner=report, purpose="evidence", actor=actor, policy=EVIDENCE_POLICY)
        _event(report)
        reporter_email.after_submit(report)  # the confirmation link, if an e-mail address was given
        if original is not None:
            Report.objects.filter(pk=original.pk).update(duplicate_count=original.duplicate_count + 1)
        if report.status == Status.WITH_MEMBER:
            _tell_member_new(report)
        elif report.status == Status.STAFF_QUEUE:
            notify(
                executing_body_staff(),
                _("New report %(number)s to handle") % {"number": report.tracking_number},
                report.get_category_display(),
                url=_staff_url(report),
                kind="reports.new",
            )
        # Last: the audit entry takes the chain's lock, held until commit.
        audit.record(actor, "reports.submit", report, after=audit.changes(report, AUDIT_FIELDS))
    abuse.record_accepted(client)
    metrics.report_accepted(report.category)
    return Receipt(report=report, code=code, duplicate_of=original)


def _routing(report: Report, member: Member, now: datetime) -> dict[str, Any]:
    """What giving ``report`` to ``member`` with fresh deadlines sets besides the status."""
    dates = routing.deadlines_for(report.category, timezone.localdate(now))
    return {
        "member": member,
        "routed_at": now,
        "due_on": dates.due_on,
        "very_overdue_on": dates.very_overdue_on,
        "deadline_provisional": dates.provisional,
        "overdue_tier": OverdueTier.ON_TIME,
    }


def _route(report: Report, member: Member, now: datetime) -> None:
    """Give a new ``report`` to ``member`` with fresh deadlines."""
    report.status = Status.WITH_MEMBER
    for name, value in _routing(report, member, now).items():
        setattr(report, name, value)


def _transition(
    report: Report, target: str, actor: Actor, action: str, changes: dict[str, Any], **extra_after: Any
) -> None:
    """Move ``report`` to ``target`` with ``changes``; the audit entry keeps the :data:`AUDIT_FIELDS` before and
    after (never the reporter or the contact details) and ``extra_after``."""
    workflow.transition(
        report, target, actor=actor, action=action, changes=changes, audit_fields=AUDIT_FIELDS,
        unaudited=[name for name in changes if name not in AUDIT_FIELDS], extra_after=extra_after,
    )  # fmt: skip


def _tell_member_new(report: Report) -> None:
    assert report.member is not None
    notify(
        report.member.active_representatives(),
        _("A report to answer by %(due)s: %(number)s")
        % {
            "due": calendars.deadline_text(report.due_on, report.deadline_provisional),
            "number": report.tracking_number,
        },
        _("Category: %(category)s. Please rectify and record what you did.")
        % {"category": report.get_category_display()},
        url=_member_url(report),
        kind="reports.assigned",
    )


def do_assign(actor: StaffActor, report_id: int, member_id: int, note: str = "") -> Report:
    """Staff route a report that is with them to the member it concerns (with a fresh deadline)."""
    require(actor, Perm.HANDLE_REPORTS)
    member = Member.objects.filter(pk=member_id, status=Member.Status.ACTIVE).first()
    if member is None:
        raise ValidationFailed(_("Choose an active member."), field="member")
    with transaction.atomic():
        report = workflow.access(Report.objects.restrict(actor, "change"), report_id, for_update=True)
        changes = {**_routing(report, member, timezone.now()), "matched_by": "staff"}
        _transition(report, Status.WITH_MEMBER, actor, "reports.assign", changes, note=note[:500])
        _event(report)
        _tell_member_new(report)
    return report


def do_respond(
    actor: Actor, report_id: int, action: str, explanation: str, files: Sequence[UploadedFile] = ()
) -> MemberResponse:
    """The member concerned records what it did. "Not ours" sends the report back to the executing body."""
    require(actor, Perm.RESPOND_TO_REPORTS)
    explanation = (explanation or "").strip()
    errors = []
    if action not in ResponseAction.values:
        errors.append({"field": "action", "reason": _("Choose what was done."), "code": "invalid"})
    if len(explanation) < MIN_DESCRIPTION:
        errors.append(
            {
                "field": "explanation",
                "reason": _("Please explain what was done (at least %(n)d characters).") % {"n": MIN_DESCRIPTION},
                "code": "required",
            }
        )
    elif len(explanation) > EXPLANATION_LIMIT:
        errors.append(
            {
                "field": "explanation",
                "reason": _("At most %(n)d characters.") % {"n": EXPLANATION_LIMIT},
                "code": "too_long",
            }
        )
    if errors:
        raise ValidationFailed(errors=errors)
    check_uploads(files, EVIDENCE_POLICY, field_name="files")
    with transaction.atomic():
        # Only the member concerned acts on a report here (the queryset gives its representatives its own reports).
        report = workflow.access(Report.objects.restrict(actor, "change"), report_id, for_update=True)
        target = Status.STAFF_QUEUE if action == ResponseAction.NOT_OURS else Status.RESPONDED
        workflow.check_transition(report, target)  # before the response and its files are stored
        response = MemberResponse.objects.create(
            report=report, member_id=report.member_id, action=action, explanation=explanation, responded_by=actor
        )
        if files:
            store_uploads(files, owner=response, purpose="evidence", actor=actor, policy=EVIDENCE_POLICY)
        changes: dict[str, Any] = {"first_response_at": report.first_response_at or timezone.now()}
        if target == Status.STAFF_QUEUE:
            changes.update(member=None, matched_by="")
        _transition(report, target, actor, "reports.respond", changes, response=action)
        _event(report)
        notify(
            executing_body_staff(),
            _("Report %(number)s: the member answered “%(action)s”")
            % {"number": report.tracking_number, "action": ResponseAction(action).label},
            url=_staff_url(report),
            kind="reports.responded",
        )
    return response


def do_send_back(actor: StaffActor, report_id: int, reason: str) -> Report:
    """Staff find the rectification insufficient and send the report back to the member with a new deadline."""
    require(actor, Perm.HANDLE_REPORTS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say what the member still has to do."), field="reason")
    with transaction.atomic():
        report = workflow.access(Report.objects.restrict(actor, "change"), report_id, for_update=True)
        # The table also lets a report in the staff's queue go to a member: that is do_assign, not sending back.
        if report.status != Status.RESPONDED or report.member is None:
            raise InvalidTransition(_("Only a report that the member has answered can be sent back to it."))
        changes = _routing(report, report.member, timezone.now())
        _transition(report, Status.WITH_MEMBER, actor, "reports.send_back", changes, reason=reason[:1000])
        _event(report)
        notify(
            report.member.active_representatives(),
            _("Report %(number)s sent back: please complete the rectification by %(due)s")
            % {"number": report.tracking_number, "due": report.due_on},
            reason,
            url=_member_url(report),
            kind="reports.sent_back",
        )
    return report


def do_verify(actor: StaffActor, report_id: int, finding: str, note: str, public_outcome: str) -> Report:
    """Staff record the verification and close the report. ``public_outcome`` is what the reporter and the public
    see; ``note`` stays with the executing body (and the member concerned)."""
    require(actor, Perm.HANDLE_REPORTS)
    public_outcome, note = (public_outcome or "").strip(), (note or "").strip()
    errors = []
    if finding not in Finding.values:
        errors.append({"field": "finding", "reason": _("Choose a finding."), "code": "invalid"})
    if not public_outcome:
        errors.append(
            {"field": "public_outcome", "reason": _("Write the outcome the reporter will see."), "code": "required"}
        )
    elif len(public_outcome) > OUTCOME_LIMIT:
        errors.append(
            {
                "field": "public_outcome",
                "reason": _("At most %(n)d characters.") % {"n": OUTCOME_LIMIT},
                "code": "too_long",
            }
        )
    if len(note) > EXPLANATION_LIMIT:
        errors.append(
            {"field": "note", "reason": _("At most %(n)d characters.") % {"n": EXPLANATION_LIMIT}, "code": "too_long"}
        )
    if errors:
        raise ValidationFailed(errors=errors)
    with transaction.atomic():
        report = workflow.access(Report.objects.restrict(actor, "change"), report_id, for_update=True)
        changes = {
            "finding": finding,
            "finding_note": note,
            "public_outcome": public_outcome,
            "verified_by": actor if getattr(actor, "pk", None) else None,
            "closed_at": timezone.now(),
        }
        _transition(report, Status.CLOSED, actor, "reports.verify", changes)
        _event(report, public_outcome)
        if report.member is not None:
            notify(
                report.member.active_representatives(),
                _("Report %(number)s closed: %(finding)s")
                % {"number": report.tracking_number, "finding": report.get_finding_display()},
                public_outcome,
                url=_member_url(report),
                kind="reports.closed",
            )
        if report.reporter is not None:
            notify(
                report.reporter,
                _("Your report %(number)s has been handled") % {"number": report.tracking_number},
                public_outcome,
                url=reverse("reports:mine"),
                kind="reports.outcome",
            )
    return report


def mark_overdue(today: date | None = None, actor: StaffActor | None = None) -> dict[str, int]:
    """Mark reports with a member overdue (past the due date) and very overdue (past twice the period), once each,
    and tell the member and the staff. Idempotent; run periodically. A report whose dates are still provisional
    (beyond the official holiday calendar) is not marked: the tier counts against the member in its evaluation, so
    it waits for the State Council's schedule (``zilu calendar load``)."""
    today = today or timezone.localdate()
    counts = {"overdue": 0, "very_overdue": 0}
    pending = Report.objects.filter(status=Status.WITH_MEMBER).filter(_overdue_q(today)).values_list("pk", flat=True)
    for pk in list(pending):
        with transaction.atomic():
            report = workflow.access(Report.objects.all(), pk, for_update=True)  # the periodic sweep: every report
            if report.status != Status.WITH_MEMBER or report.due_on is None or report.very_overdue_on is None:
                continue
            if not calendars.settle(report, actor):
                continue  # not overdue on a provisional date: the tier counts against the member's evaluation
            tier = OverdueTier.ON_TIME
            if today > report.very_overdue_on:
                tier = OverdueTier.VERY_OVERDUE
            elif today > report.due_on:
                tier = OverdueTier.OVERDUE
            if tier <= report.overdue_tier:
                continue
            before = audit.changes(report, AUDIT_FIELDS)
            report.overdue_tier = tier
            report.save(update_fields=["overdue_tier"])
            audit.record(actor, "reports.overdue", report, before=before, after=audit.changes(report, AUDIT_FIELDS))
            counts["very_overdue" if tier == OverdueTier.VERY_OVERDUE else "overdue"] += 1
            assert report.member is not None
            subject = (
                _("Report %(number)s is very overdue (due %(due)s)")
                if tier == OverdueTier.VERY_OVERDUE
                else _("Report %(number)s is overdue (due %(due)s)")
            ) % {"number": report.tracking_number, "due": report.due_on}
            notify(report.member.active_representatives(), subject, url=_member_url(report), kind="reports.overdue")
            notify(executing_body_staff(), subject, str(report.member), url=_staff_url(report), kind="reports.overdue")
    return counts


def _overdue_q(today: date) -> Q:
    return (Q(due_on__lt=today) & Q(overdue_tier__lt=OverdueTier.OVERDUE)) | (
        Q(very_overdue_on__lt=today) & Q(overdue_tier__lt=OverdueTier.VERY_OVERDUE)
    )


def lookup(number: str, code: str) -> Report:
    """The report behind a tracking number and its secret code; the same NotFound for any mismatch."""
    pk = parse_tracking_number(number or "")
    report = Report.objects.filter(pk=pk).select_related("duplicate_of").first() if pk else None
    if report is None or not secrets.compare_digest(report.lookup_hash, hash_code(code or "")):
        raise NotFound(_("No report matches this tracking number and lookup code."))
    return report


__all__ = [
    "Receipt",
    "do_assign",
    "do_respond",
    "do_send_back",
    "do_submit_report",
    "do_verify",
    "lookup",
    "mark_overdue",
]
