"""State changes of applications: apply, review, sign (Art. 4, 5, 21).

Each ``do_*`` checks the actor's permission and the record's state, saves, writes one audit entry and tells the
people concerned after commit. Bulletins are in :mod:`zilu.members.bulletins`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.convention.models import ConventionVersion
from zilu.core import audit
from zilu.core.errors import Duplicate, Forbidden, InvalidTransition, ValidationFailed
from zilu.core.files import UploadPolicy, check_uploads, store_uploads
from zilu.core.identifiers import IdentifierError, validate_phone
from zilu.core.models import User
from zilu.core.notify import executing_body_staff, notify, site_language
from zilu.core.roles import Perm, Role, require
from zilu.core.workflow import access, check_transition, transition
from zilu.members.checks import check_application
from zilu.members.models import UNIT_KINDS, Application, Kind, Member, Signature

APPLICATION_FIELDS = [
    "kind", "name", "uscc", "registered_address", "legal_representative", "responsible_person", "contact_phone",
    "resident_id", "statement", "outside_changping", "venue_name", "venue_licence", "venue_address", "venue_operator",
]  # fmt: skip
SEAL_POLICY = UploadPolicy(allowed_types=frozenset({"image/png", "image/jpeg"}), max_bytes=2 * 1024 * 1024, max_files=1)
DELEGATION_POLICY = UploadPolicy(
    allowed_types=frozenset({"application/pdf", "image/png", "image/jpeg"}), max_bytes=10 * 1024 * 1024, max_files=1
)


def _public_fields(application: Application) -> dict[str, Any]:
    # The audit log is readable by staff and the supervising department; keep identity numbers of individuals
    # out of it all the same (it is append-only: what is written there stays forever).
    values = audit.changes(application, APPLICATION_FIELDS)
    if values.get("resident_id"):
        values["resident_id"] = values["resident_id"][:6] + "********" + values["resident_id"][-4:]
    return values


def _tell_staff(subject: str, application: Application, kind: str) -> None:
    """Notify the executing body's staff of an application to review (``subject`` built in the site's language)."""
    body = (
        gettext_lazy("Registered outside Changping: the reviewer must record why it qualifies.")
        if application.outside_changping
        else ""
    )
    notify(
        executing_body_staff(),
        subject,
        body,
        url=reverse("members:review", kwargs={"application_id": application.pk}),
        kind=kind,
    )


def _application_url(application: Application) -> str:
    return reverse("members:application", kwargs={"application_id": application.pk})


def _own_application(actor: User, application_id: int) -> Application:
    """The application, locked, if the actor is its applicant (NotFound if it may not see it, Forbidden if it may
    see it but is not the applicant: the staff look, never act for the applicant)."""
    application = access(Application.objects.restrict(actor), application_id, for_update=True)
    if application.applicant_id != actor.pk:
        raise Forbidden()
    return application


def check_may_apply(actor: User, data: dict[str, Any], *, exclude: int | None = None) -> None:
    """Refuse an application that would duplicate an active member or an open application, or that comes too
    soon after a revocation."""
    if actor.role == Role.MEMBER and actor.member and actor.member.status == Member.Status.ACTIVE:
        raise Forbidden(_("Your account already represents an active member."))
    uscc = data.get("uscc")
    resident_id = data.get("resident_id")
    if uscc:
        if Member.objects.filter(uscc=uscc, status=Member.Status.ACTIVE).exists():
            raise Duplicate(_("This unified social credit code belongs to an active member."), field="uscc")
        open_same = Application.objects.open().filter(uscc=uscc).exclude(pk=exclude)
        if open_same.exists():
            raise Duplicate(_("An application for this unified social credit code is already pending."), field="uscc")
        identity, field = Q(uscc=uscc), "uscc"
    elif resident_id:  # an individual: the same rules apply to the person, by resident ID number
        identity, field = Q(kind=Kind.INDIVIDUAL, resident_id=resident_id), "resident_id"
        if Member.objects.filter(identity, status=Member.Status.ACTIVE).exists():
            raise Duplicate(_("This person is already an active member."), field="resident_id")
        if (
            Application.objects.open()
            .filter(kind=Kind.INDIVIDUAL, resident_id=resident_id)
            .exclude(pk=exclude)
            .exists()
        ):
            raise Duplicate(_("An application for this person is already pending."), field="resident_id")
    else:
        return
    wait = timedelta(days=settings.ZILU_REJOIN_AFTER_REVOCATION_DAYS)
    revoked = Member.objects.filter(identity, status=Member.Status.REVOKED, revoked_on__gt=timezone.localdate() - wait)
    if revoked.exists():
        until = revoked.order_by("-revoked_on").first().revoked_on + wait  # type: ignore[union-attr]
        raise InvalidTransition(
            _("Membership with this code was revoked; a new application is possible from %(date)s.")
            % {"date": until.isoformat()},
            field=field,
        )


@transaction.atomic
def do_apply(actor: User, data: dict[str, Any]) -> Application:
    """Submit an application to join (Art. 4). One open application per applicant and per code."""
    require(actor, Perm.APPLY_FOR_MEMBERSHIP)
    cleaned = check_application(data)
    if Application.objects.open().filter(applicant=actor).exists():
        raise Duplicate(_("You already have an application in progress."))
    check_may_apply(actor, cleaned)
    try:
        with transaction.atomic():
            application = Application.objects.create(applicant=actor, **cleaned)
    except IntegrityError as exc:  # a concurrent duplicate got in first
        raise Duplicate(_("An application for this unified social credit code is already pending.")) from exc
    audit.record(actor, "members.application.submit", application, after=_public_fields(application))
    with site_language():
        subject = _("New membership application: %(name)s") % {"name": application.name}
    _tell_staff(subject, application, "members.application.submitted")
    return application


@transaction.atomic
def do_update_application(actor: User, application_id: int, data: dict[str, Any]) -> Application:
    """The applicant answers a request for more information: edits the application and submits it again."""
    application = _own_application(actor, application_id)
    # Not transition(): the entry records the application's public fields (resident ID masked), not the status.
    check_transition(application, Application.Status.SUBMITTED)
    cleaned = check_application({**data, "kind": application.kind})
    check_may_apply(actor, cleaned, exclude=application.pk)
    before = _public_fields(application)
    application.status = Application.Status.SUBMITTED
    for field, value in cleaned.items():
        setattr(application, field, value)
    application.save(update_fields=["status", *cleaned, "updated_at"])
    audit.record(actor, "members.application.resubmit", application, before=before, after=_public_fields(application))
    with site_language():
        subject = _("Membership application resubmitted: %(name)s") % {"name": application.name}
    _tell_staff(subject, application, "members.application.resubmitted")
    return application


@transaction.atomic
def do_cancel_application(actor: User, application_id: int) -> Application:
    """The applicant withdraws an application that is not yet signed."""
    application = _own_application(actor, application_id)
    transition(application, Application.Status.CANCELLED, actor=actor, action="members.application.cancel")
    return application


def _decide(actor: User, application_id: int, target: str, *, action: str, **fields: str) -> Application:
    require(actor, Perm.REVIEW_APPLICATIONS)
    application = access(Application.objects.restrict(actor), application_id, for_update=True)
    transition(
        application,
        target,
        actor=actor,
        action=action,
        changes={**fields, "decided_by": actor, "decided_at": timezone.now()},
        unaudited=("decided_by", "decided_at"),
    )
    return application


@transaction.atomic
def do_approve_application(actor: User, application_id: int, *, qualification_note: str = "") -> Application:
    """Approve: the applicant may now sign. An institution registered outside Changping (division code not
    110114) needs the reviewer's note on why it qualifies (Art. 5, e.g. a branch operating in the district)."""
    require(actor, Perm.REVIEW_APPLICATIONS)  # before anything about the application is revealed
    note = (qualification_note or "").strip()
    application = access(Application.objects.restrict(actor), application_id)
    if application.outside_changping and not note:
        raise ValidationFailed(
            _("This institution is registered outside Changping: record why it qualifies."), field="qualification_note"
        )
    application = _decide(
        actor,
        application_id,
        Application.Status.APPROVED,
        action="members.application.approve",
        qualification_note=note,
    )
    notify(
        application.applicant,
        gettext_lazy("Your membership application is approved"),
        gettext_lazy("Please read the convention in force and sign it to become a member."),
        url=_application_url(application),
        kind="members.application.approved",
    )
    return application


@transaction.atomic
def do_reject_application(actor: User, application_id: int, *, reason: str) -> Application:
    """Reject with reasons, which the applicant receives."""
    require(actor, Perm.REVIEW_APPLICATIONS)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reasons for the rejection."), field="reason")
    application = _decide(
        actor, application_id, Application.Status.REJECTED, action="members.application.reject", decision_reason=reason
    )
    notify(
        application.applicant,
        gettext_lazy("Your membership application was not approved"),
        reason,
        url=_application_url(application),
        kind="members.application.rejected",
    )
    return application


@transaction.atomic
def do_request_information(actor: User, application_id: int, *, request: str) -> Application:
    """Ask the applicant for more information; the applicant edits and resubmits."""
    require(actor, Perm.REVIEW_APPLICATIONS)
    request = (request or "").strip()
    if not request:
        raise ValidationFailed(_("Say what information is needed."), field="request")
    application = _decide(
        actor, application_id, Application.Status.INFO_REQUESTED, action="members.application.request_info",
        info_request=request,
    )  # fmt: skip
    notify(
        application.applicant,
        gettext_lazy("More information is needed for your membership application"),
        request,
        url=_application_url(application),
        kind="members.application.info_requested",
    )
    return application


def next_member_number(year: int) -> str:
    """The next member number of the year, ``CP-2026-0001`` style. Call inside the signing transaction."""
    prefix = f"CP-{year}-"
    last = (
        Member.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{(int(last.rsplit('-', 1)[1]) if last else 0) + 1:04d}"


@transaction.atomic
def do_sign(
    actor: User,
    application_id: int,
    *,
    convention_sha256: str,
    signer_name: str,
    signer_capacity: str,
    responsible_person: str,
    contact_phone: str,
    signed_on: date | None = None,
    seal: UploadedFile | None = None,
    delegation_letter: UploadedFile | None = None,
) -> Signature:
    """Sign the convention version in force. ``convention_sha256`` is the hash of the text the signer read: it must
    be the version in force, so nobody signs a text that changed under them. Signing makes the member active,
    issues its member number and makes the applicant the member's representative."""
    application = _own_application(actor, application_id)
    # Not transition(): refused before the signing data is checked, and the entry records the new member.
    check_transition(application, Application.Status.SIGNED)
    version = ConventionVersion.objects.current()
    if version is None:
        raise InvalidTransition(_("No version of the convention is in force."))
    if convention_sha256 != version.sha256:
        raise InvalidTransition(
            _("The convention text changed since you opened it. Read the version in force and sign again."),
            field="convention_sha256",
        )
    today = timezone.localdate()
    signed_on = signed_on or today
    errors: list[dict[str, str]] = []
    if signed_on > today:
        errors.append(
            {"field": "signed_on", "reason": _("The signing date cannot be in the future."), "code": "future"}
        )
    if signed_on < application.created_at.date():
        errors.append(
            {"field": "signed_on", "reason": _("The signing date cannot precede the application."), "code": "early"}
        )
    capacities = (
        [Signature.Capacity.LEGAL_REPRESENTATIVE, Signature.Capacity.DELEGATE]
        if application.kind in UNIT_KINDS
        else [Signature.Capacity.SELF]
    )
    if signer_capacity not in capacities:
        errors.append({"field": "signer_capacity", "reason": _("Choose the signer's capacity."), "code": "invalid"})
    for field, value in (("signer_name", signer_name), ("responsible_person", responsible_person)):
        if not (value or "").strip() or len(value) > 100:
            errors.append({"field": field, "reason": _("This field is required."), "code": "required"})
    try:
        contact_phone = validate_phone(contact_phone)
    except IdentifierError as exc:
        errors.append({"field": "contact_phone", "reason": str(exc.message), "code": exc.code})
    if application.kind in UNIT_KINDS and seal is None:
        errors.append({"field": "seal", "reason": _("Upload an image of the unit's seal."), "code": "required"})
    if signer_capacity == Signature.Capacity.DELEGATE and delegation_letter is None:
        errors.append(
            {"field": "delegation_letter", "reason": _("A delegate must upload the letter of authorisation."),
             "code": "required"}
        )  # fmt: skip
    # Check every upload before anything is written: a file stored on disk is not undone by a rollback.
    uploads = ((seal, SEAL_POLICY, "seal"), (delegation_letter, DELEGATION_POLICY, "delegation_letter"))
    for upload, policy, field in uploads:
        if upload is not None:
            try:
                check_uploads([upload], policy, field_name=field)
            except ValidationFailed as exc:
                errors += exc.errors()
    if errors:
        raise ValidationFailed(errors=errors)
    if application.uscc and Member.objects.filter(uscc=application.uscc, status=Member.Status.ACTIVE).exists():
        raise Duplicate(_("This unified social credit code belongs to an active member."), field="uscc")
    member = Member.objects.create(
        kind=application.kind,
        number=next_member_number(signed_on.year),
        name=application.name,
        uscc=application.uscc,
        joined_on=signed_on,
        registered_address=application.registered_address,
        legal_representative=application.legal_representative,
        responsible_person=responsible_person.strip(),
        contact_phone=contact_phone,
        resident_id=application.resident_id,
        statement=application.statement,
        outside_changping_reason=application.qualification_note,
        venue_name=application.venue_name,
        venue_licence=application.venue_licence,
        venue_address=application.venue_address,
        venue_operator=application.venue_operator,
    )
    signature = Signature.objects.create(
        member=member,
        application=application,
        convention_version=version,
        convention_sha256=version.sha256,
        signer_name=signer_name.strip(),
        signer_capacity=signer_capacity,
        responsible_person=responsible_person.strip(),
        contact_phone=contact_phone,
        signed_on=signed_on,
        signed_by=actor,
    )
    if seal is not None:
        store_uploads([seal], owner=signature, purpose="seal", actor=actor, policy=SEAL_POLICY, field_name="seal")
    if delegation_letter is not None:
        store_uploads(
            [delegation_letter], owner=signature, purpose="delegation", actor=actor, policy=DELEGATION_POLICY,
            field_name="delegation_letter",
        )  # fmt: skip
    application.status, application.member = Application.Status.SIGNED, member
    application.save(update_fields=["status", "member", "updated_at"])
    actor.role = Role.MEMBER
    actor.member = member
    actor.save(update_fields=["role", "member"])
    audit.record(
        actor,
        "members.member.sign",
        member,
        after={
            "number": member.number,
            "application": application.pk,
            "convention_version": version.number,
            "convention_sha256": version.sha256,
            "signer_capacity": signer_capacity,
            "signed_on": signed_on,
        },
    )
    with site_language():
        subject = _("Welcome: %(name)s is now a member of the convention") % {"name": member.name}
        body = _("Member number %(number)s. Your certificate is on your member page.") % {"number": member.number}
    notify(actor, subject, body, url=reverse("members:my_member"), kind="members.member.signed")
    return signature
