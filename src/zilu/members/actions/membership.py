"""State changes of memberships: withdraw, revoke, register founding signatories (Art. 18, 21, 23).

Each ``do_*`` checks the actor's permission and the record's state, saves, writes one audit entry and tells the
people concerned after commit. Bulletins are in :mod:`zilu.members.bulletins`.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.convention.models import ConventionVersion
from zilu.core import audit
from zilu.core.actors import Actor, StaffActor
from zilu.core.errors import Duplicate, InvalidTransition, NotFound, ValidationFailed
from zilu.core.identifiers import IdentifierError, validate_uscc
from zilu.core.models import User
from zilu.core.notify import executing_body_staff, notify, site_language
from zilu.core.roles import Perm, has_perm, require
from zilu.core.system import SystemActor
from zilu.members.actions.applications import next_member_number
from zilu.members.models import Kind, Member, Signature, Withdrawal


@transaction.atomic
def do_notify_withdrawal(actor: User, *, effective_on: date, reason: str = "") -> Withdrawal:
    """Art. 23: the member notifies the executing body that it withdraws, effective on the given date (not before
    the notice). Open reports, disputes and sanctions about the member stay open."""
    require(actor, Perm.WITHDRAW_MEMBERSHIP)
    member = Member.objects.select_for_update().filter(pk=actor.member_id).first()
    if member is None or member.status != Member.Status.ACTIVE:
        raise InvalidTransition(_("Only an active member can withdraw."))
    if Withdrawal.objects.filter(member=member).exists():
        raise Duplicate(_("The withdrawal has already been notified."))
    today = timezone.localdate()
    if effective_on < today:
        raise ValidationFailed(_("The withdrawal cannot take effect before the notice."), field="effective_on")
    withdrawal = Withdrawal.objects.create(
        member=member, notified_on=today, effective_on=effective_on, reason=(reason or "").strip(), notified_by=actor
    )
    audit.record(
        actor, "members.member.notify_withdrawal", member, after={"effective_on": effective_on, "reason": reason}
    )
    with site_language():
        subject = _("%(name)s withdraws from the convention") % {"name": member.name}
        body = _("Effective on %(date)s.") % {"date": effective_on.isoformat()}
    notify(
        executing_body_staff(),
        subject,
        body,
        url=reverse("members:registry_detail", kwargs={"number": member.number}) if member.number else "",
        kind="members.member.withdrawal",
    )
    if effective_on <= today:
        _apply_withdrawal(withdrawal, actor)
    return withdrawal


def _apply_withdrawal(withdrawal: Withdrawal, actor: StaffActor) -> None:
    member = withdrawal.member
    member.status = Member.Status.WITHDRAWN
    member.withdrawn_on = withdrawal.effective_on
    member.save(update_fields=["status", "withdrawn_on"])
    withdrawal.applied_at = timezone.now()
    withdrawal.save(update_fields=["applied_at"])
    audit.record(
        actor, "members.member.withdrawn", member, before={"status": "active"},
        after={"status": "withdrawn", "withdrawn_on": withdrawal.effective_on},
    )  # fmt: skip


def apply_due_withdrawals(today: date | None = None) -> int:
    """Let every notified withdrawal whose date has come take effect (a periodic task, see core.scheduler)."""
    today = today or timezone.localdate()
    done = 0
    for withdrawal_id in Withdrawal.objects.filter(applied_at__isnull=True, effective_on__lte=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            withdrawal = Withdrawal.objects.select_for_update().select_related("member").get(pk=withdrawal_id)
            if withdrawal.applied_at is None and withdrawal.member.status == Member.Status.ACTIVE:
                _apply_withdrawal(withdrawal, SystemActor("system:scheduler"))
                done += 1
    return done


@transaction.atomic
def do_revoke_membership(
    actor: StaffActor, member_id: int, *, decision_reference: str, revoked_on: date | None = None
) -> Member:
    """Revoke membership (Art. 18). Only the discipline workflow calls this, naming its decision."""
    require(actor, Perm.REVOKE_MEMBERSHIP)
    reference = (decision_reference or "").strip()
    if not reference:
        raise ValidationFailed(_("Name the decision that revokes the membership."), field="decision_reference")
    member = Member.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    if member.status != Member.Status.ACTIVE:
        raise InvalidTransition(_("Only an active membership can be revoked."))
    member.status = Member.Status.REVOKED
    member.revoked_on = revoked_on or timezone.localdate()
    member.revocation_reference = reference[:100]
    member.save(update_fields=["status", "revoked_on", "revocation_reference"])
    audit.record(
        actor, "members.member.revoke", member, before={"status": "active"},
        after={"status": "revoked", "revoked_on": member.revoked_on, "decision": member.revocation_reference},
    )  # fmt: skip
    with site_language():
        body = _("Decision %(ref)s revoked the membership of %(name)s.") % {"ref": reference, "name": member.name}
    notify(
        member.active_representatives(),
        gettext_lazy("Membership revoked"),
        body,
        url=reverse("members:my_member"),
        kind="members.member.revoked",
    )
    return member


@transaction.atomic
def do_register_founding_member(
    actor: StaffActor,
    *,
    name: str,
    uscc: str,
    joined_on: date,
    signer_name: str,
    responsible_person: str = "",
    contact_phone: str = "",
) -> Member:
    """Register a founding signatory unit (Art. 21: the convention took effect when the founders signed it) with
    its signature of the version then in force, without an application."""
    require(actor, Perm.MANAGE_MEMBERS)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Enter the unit's full name."), field="name")
    try:
        code = validate_uscc(uscc).code
    except IdentifierError as exc:
        raise ValidationFailed(exc.message, field="uscc") from exc
    if Member.objects.filter(uscc=code, status=Member.Status.ACTIVE).exists():
        raise Duplicate(_("An active member already has this unified social credit code."), field="uscc")
    version = ConventionVersion.objects.current(joined_on)
    if version is None:
        raise InvalidTransition(_("No published version of the convention was in force on that date."))
    member = Member.objects.create(
        kind=Kind.UNIT,
        name=name,
        uscc=code,
        joined_on=joined_on,
        number=next_member_number(joined_on.year),
        responsible_person=responsible_person,
        contact_phone=contact_phone,
    )
    Signature.objects.create(
        member=member,
        convention_version=version,
        convention_sha256=version.sha256,
        signer_name=signer_name,
        signer_capacity=Signature.Capacity.LEGAL_REPRESENTATIVE,
        responsible_person=responsible_person,
        contact_phone=contact_phone,
        signed_on=joined_on,
        signed_by_id=actor.pk if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor,
        "members.member.register_founding",
        member,
        after={"name": name, "uscc": code, "number": member.number, "convention_version": version.number},
    )
    return member


def member_of(actor: Actor) -> Member:
    """The member the actor represents (any status), or NotFound."""
    member = (
        Member.objects.filter(pk=getattr(actor, "member_id", None)).first()
        if has_perm(actor, Perm.WITHDRAW_MEMBERSHIP)
        else None
    )
    if member is None:
        raise NotFound()
    return member
