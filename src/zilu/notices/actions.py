"""State changes of intellectual-property notices (Art. 12(3); Civil Code arts. 1195-1196).

Each ``do_*`` checks the actor's permission and the notice's state, saves, writes one audit entry and tells the
other side after commit. Audit entries carry numbers, statuses and dates, never names or contact details: staff read
the audit log, and the parties' details are theirs. Messages are stored, so they are built inside
``site_language()``. ``end_due_measures`` is the periodic sweep.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.core import audit, calendars, deadlines, workflow
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import check_uploads, store_uploads
from zilu.core.notify import notify, site_language
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, require
from zilu.core.system import SystemActor
from zilu.members.models import Member
from zilu.notices import documents
from zilu.notices.intake import EVIDENCE_POLICY, DuplicateNotice, check_notice, text
from zilu.notices.models import (
    ACTION_PROOF,
    DECLARATION_EVIDENCE,
    PROOF,
    Audience,
    Notice,
    response_deadline,
    wait_deadline,
)

# ------------------------------------------------------------------------------------------------ helpers


def _url(notice: Notice) -> str:
    return reverse("notices:detail", kwargs={"notice_id": notice.pk})


def _as(actor: Actor, notice_id: int, audience: str) -> Notice:
    """The notice, locked, if ``actor`` is its ``audience`` (the sender, or the member concerned): 404 if it may
    not see it, 403 if it may see it but the step is the other side's."""
    notice = workflow.access(Notice.objects.restrict(actor, "view"), notice_id, for_update=True)
    if notice.audience(actor) != audience:
        raise Forbidden()
    return notice


def _tell_member(notice: Notice, subject: Any, body: Any, kind: str) -> None:
    notify(Member.objects.filter(pk=notice.member_id).active_representatives(), subject, body, url=_url(notice),
           kind=kind)  # fmt: skip


def _tell_holder(notice: Notice, subject: Any, body: Any, kind: str) -> None:
    notify(notice.filed_by, subject, body, url=_url(notice), kind=kind)


def _user_key(user_ref: str) -> str:
    return "".join(unicodedata.normalize("NFKC", user_ref).split()).casefold()[:200]


def _choice(value: str, choices: Any, field: str, message: Any) -> str:
    if value not in choices.values:
        raise ValidationFailed(message, field=field)
    return value


def _one(value: Any, field: str, message: Any, limit: int) -> str:
    errors: list[dict[str, str]] = []
    cleaned = text(value, field, message, limit, errors)
    if errors:
        raise ValidationFailed(errors[0]["reason"], field=field)
    return cleaned


# ------------------------------------------------------------------------------------------------ the right holder


@transaction.atomic
def do_file_notice(actor: Actor, data: dict[str, Any], proof: Sequence[UploadedFile] = ()) -> Notice:
    """An identified account files a signed notice against content at a URL of a member's registered site; Zilu
    routes it to the member at once."""
    require(actor, Perm.FILE_IP_NOTICES)
    clean = check_notice(actor, data, proof)
    now = timezone.now()
    respond = response_deadline(timezone.localdate(now))
    try:
        with transaction.atomic():  # a concurrent duplicate hits the constraint: the same answer as the check
            notice = Notice.objects.create(
                number=next_number(Notice.objects.all()),
                filed_by=actor,
                member=clean.member,
                site=clean.site,
                location_key=clean.location_key,
                signed_at=now,
                respond_by=respond.day,
                deadline_provisional=respond.provisional,
                **clean.fields,
            )
    except IntegrityError:
        raise DuplicateNotice(_("You already have an open notice on this address."), field="location") from None
    store_uploads(proof, owner=notice, purpose=PROOF, actor=actor, policy=EVIDENCE_POLICY, field_name="proof")
    audit.record(
        actor, "notices.notice.file", notice,
        after={"status": notice.status, "member": clean.member.number, "site": clean.site.pk,
               "respond_by": respond.day, "proof": len(proof)},
    )  # fmt: skip
    with site_language():
        _tell_member(
            notice,
            gettext_lazy("Intellectual-property notice No. %(n)d about your site") % {"n": notice.number},
            _("Take the necessary measures and forward the notice to your user, then record what you did by %(date)s.")
            % {"date": calendars.deadline_text(respond.day, respond.provisional)},
            "notices.notice.filed",
        )
    return notice


@transaction.atomic
def do_record_action(
    actor: Actor, notice_id: int, *, action: str, authority: str, reference: str = "",
    proof: Sequence[UploadedFile] = (),
) -> Notice:  # fmt: skip
    """The right holder says it complained to the competent department or sued, within the period: the measures
    stay (Civil Code art. 1196 para. 2)."""
    notice = _as(actor, notice_id, Audience.HOLDER)
    workflow.check_transition(notice, Notice.Status.ACTION_NOTIFIED)
    action = _choice(action, Notice.Action, "action", _("Say whether you complained or sued."))
    authority = _one(authority, "authority", _("Name the department or the court."), 200)
    if proof:
        check_uploads(proof, EVIDENCE_POLICY, field_name="proof")
    # On a provisional last day the holder is never refused: only the official calendar says it is late.
    official = calendars.settle(notice, actor)
    if official and notice.wait_until is not None and deadlines.is_overdue(notice.wait_until, timezone.localdate()):
        raise InvalidTransition(
            _("The period ended on %(date)s: the measures are ending.") % {"date": notice.wait_until.isoformat()}
        )
    changes = {
        "action": action, "action_authority": authority, "action_reference": str(reference or "").strip()[:200],
        "action_at": timezone.now(), "closed_at": timezone.now(),
    }  # fmt: skip
    workflow.transition(notice, Notice.Status.ACTION_NOTIFIED, actor=actor, action="notices.notice.action",
                        changes=changes, audit_fields=("action",),
                        unaudited=("action_authority", "action_reference", "action_at", "closed_at"))  # fmt: skip
    if proof:
        store_uploads(proof, owner=notice, purpose=ACTION_PROOF, actor=actor, policy=EVIDENCE_POLICY,
                      field_name="proof")  # fmt: skip
    with site_language():
        _tell_member(
            notice,
            gettext_lazy("Notice No. %(n)d: the right holder complained or sued") % {"n": notice.number},
            gettext_lazy("Keep the measures you took until the department or the court decides."),
            "notices.notice.action",
        )
    return notice


@transaction.atomic
def do_withdraw(actor: Actor, notice_id: int, reason: str = "") -> Notice:
    """The sender withdraws its notice while it is open; the member ends whatever measures it took on it."""
    notice = _as(actor, notice_id, Audience.HOLDER)
    workflow.transition(notice, Notice.Status.WITHDRAWN, actor=actor, action="notices.notice.withdraw",
                        changes={"closed_at": timezone.now()}, unaudited=("closed_at",))  # fmt: skip
    with site_language():
        _tell_member(
            notice,
            gettext_lazy("Notice No. %(n)d was withdrawn") % {"n": notice.number},
            str(reason or "").strip()[:2000] or gettext_lazy("End the measures you took on this notice."),
            "notices.notice.withdrawn",
        )
    return notice


# ------------------------------------------------------------------------------------------------ the member


@transaction.atomic
def do_record_measure(
    actor: Actor, notice_id: int, *, measure: str, note: str = "", forwarding: str = Notice.Forwarding.TO_USER,
    user_ref: str = "",
) -> Notice:  # fmt: skip
    """The member records the necessary measure it took and that it forwarded the notice to its user (or, the
    user's address unknown, published it: Regulations art. 15). ``user_ref`` names the user in the member's own
    system, so that repeat infringers are counted; the sender never sees it."""
    notice = _as(actor, notice_id, Audience.MEMBER)
    workflow.check_transition(notice, Notice.Status.MEASURE_TAKEN)
    measure = _choice(measure, Notice.Measure, "measure", _("Choose the measure you took."))
    forwarding = _choice(forwarding, Notice.Forwarding, "forwarding", _("Say how the notice reached your user."))
    ref = str(user_ref or "").strip()[:200]
    changes = {
        "measure": measure, "measure_note": str(note or "").strip()[:4000], "forwarding": forwarding,
        "user_ref": ref, "user_key": _user_key(ref), "responded_at": timezone.now(),
    }  # fmt: skip
    workflow.transition(
        notice, Notice.Status.MEASURE_TAKEN, actor=actor, action="notices.notice.measure", changes=changes,
        audit_fields=("measure", "forwarding"), unaudited=("measure_note", "user_ref", "user_key", "responded_at"),
    )  # fmt: skip
    with site_language():
        _tell_holder(
            notice,
            gettext_lazy("Notice No. %(n)d: the member took measures") % {"n": notice.number},
            _("%(member)s recorded: %(measure)s; %(forwarding)s.")
            % {"member": notice.member.name, "measure": notice.get_measure_display(),
               "forwarding": notice.get_forwarding_display()},
            "notices.notice.measure",
        )  # fmt: skip
    return notice


@transaction.atomic
def do_decline(actor: Actor, notice_id: int, reason: str) -> Notice:
    """The member takes no measure and says why (the notice lacks what the law requires, or the content does not
    infringe); the sender is told, and may go to the authorities."""
    notice = _as(actor, notice_id, Audience.MEMBER)
    workflow.check_transition(notice, Notice.Status.DECLINED)
    reason = _one(reason, "reason", _("Say why you take no measure."), 4000)
    now = timezone.now()
    workflow.transition(notice, Notice.Status.DECLINED, actor=actor, action="notices.notice.decline",
                        changes={"declined_reason": reason, "responded_at": now, "closed_at": now},
                        unaudited=("declined_reason", "responded_at", "closed_at"))  # fmt: skip
    with site_language():
        _tell_holder(
            notice,
            gettext_lazy("Notice No. %(n)d: the member took no measure") % {"n": notice.number},
            reason,
            "notices.notice.declined",
        )
    return notice


@transaction.atomic
def do_record_declaration(
    actor: Actor, notice_id: int, *, name: str, contact: str, address: str, declaration: str,
    evidence: Sequence[UploadedFile] = (),
) -> Notice:  # fmt: skip
    """The member records its user's declaration of non-infringement with the preliminary evidence; Zilu forwards it
    to the right holder and tells it that it may complain or sue within the period (Civil Code art. 1196)."""
    notice = _as(actor, notice_id, Audience.MEMBER)
    workflow.check_transition(notice, Notice.Status.DECLARATION_FORWARDED)
    errors: list[dict[str, str]] = []
    fields = {
        "declarant_name": text(name, "name", _("Give the user's real name."), 200, errors),
        "declarant_contact": text(contact, "contact", _("Give the user's contact."), 200, errors),
        "declarant_address": text(address, "address", _("Give the user's address."), 300, errors),
        "declaration": text(declaration, "declaration", _("Write the user's declaration."), 5000, errors),
    }
    if not evidence:
        errors.append({"field": "evidence", "reason": _("Attach the user's preliminary evidence of non-infringement."),
                       "code": "required"})  # fmt: skip
    if errors:
        raise ValidationFailed(_("The declaration is not complete."), errors=errors)
    check_uploads(evidence, EVIDENCE_POLICY, field_name="evidence")
    now = timezone.now()
    wait = wait_deadline(timezone.localdate(now))
    changes: dict[str, Any] = {
        **fields, "declared_at": now, "wait_until": wait.day,
        "deadline_provisional": wait.provisional or notice.deadline_provisional,
    }  # fmt: skip
    workflow.transition(
        notice, Notice.Status.DECLARATION_FORWARDED, actor=actor, action="notices.notice.declaration",
        changes=changes, audit_fields=("wait_until",), unaudited=(*fields, "declared_at", "deadline_provisional"),
    )  # fmt: skip
    store_uploads(evidence, owner=notice, purpose=DECLARATION_EVIDENCE, actor=actor, policy=EVIDENCE_POLICY,
                  field_name="evidence")  # fmt: skip
    with site_language():
        _tell_holder(
            notice,
            gettext_lazy("Notice No. %(n)d: the user declares it does not infringe") % {"n": notice.number},
            _(
                "The declaration and its evidence are attached to your notice. You may complain to the competent "
                "department or sue in a people's court. If you do not record here by %(date)s that you have done so, "
                "the measures end."
            )
            % {"date": calendars.deadline_text(wait.day, wait.provisional)},
            "notices.notice.declaration",
        )
    return notice


# ------------------------------------------------------------------------------------------------ the period


def _end(actor: StaffActor, notice: Notice) -> None:
    workflow.transition(notice, Notice.Status.ENDED, actor=actor, action="notices.notice.end",
                        changes={"closed_at": timezone.now()}, unaudited=("closed_at",),
                        extra_after={"reason": "no_complaint_or_suit"})  # fmt: skip
    with site_language():
        _tell_member(
            notice,
            gettext_lazy("Notice No. %(n)d: end the measures") % {"n": notice.number},
            gettext_lazy(
                "The right holder did not record a complaint or a suit within the period after the user's declaration. "
                "End the measures you took (restore the content) and tell your user."
            ),
            "notices.notice.ended",
        )
    with site_language():
        _tell_holder(notice, gettext_lazy("Notice No. %(n)d: the measures end") % {"n": notice.number},
                     "", "notices.notice.ended")  # fmt: skip


def end_due_measures(today: date | None = None, actor: StaffActor | None = None) -> int:
    """End the measures of every notice whose period after the declaration passed without a complaint or a suit;
    not while the period's last day is provisional. Idempotent; run periodically (core.scheduler)."""
    today = today or timezone.localdate()
    actor = actor or SystemActor("system:scheduler")
    ended = 0
    due = Notice.objects.filter(Q(wait_until__lt=today), status=Notice.Status.DECLARATION_FORWARDED)
    for notice_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().select_related("member").get(pk=notice_id)
            if notice.status != Notice.Status.DECLARATION_FORWARDED or notice.wait_until is None:
                continue
            if not calendars.settle(notice, actor) or notice.wait_until is None:
                continue  # the period ends when the official holiday calendar says so
            if deadlines.is_overdue(notice.wait_until, today):
                _end(actor, notice)
                ended += 1
    return ended


# ------------------------------------------------------------------------------------------------ documents


def access_pdf(user: Actor, notice_id: int, which: str) -> tuple[Notice, bytes]:
    """The PDF of the notice (``which="notice"``) or of the declaration (``"declaration"``), for whoever may see
    the notice; what it shows of the sender's identifier depends on who asks."""
    notice = workflow.access(Notice.objects.restrict(user, "view").select_related("member", "site"), notice_id)
    audience = notice.audience(user)
    if which == "declaration":
        if notice.declared_at is None:
            raise NotFound()
        return notice, documents.render_declaration(documents.declaration_data(notice))
    return notice, documents.render_notice(documents.notice_data(notice, full_id=audience != Audience.MEMBER))
