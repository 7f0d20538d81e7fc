"""Restoring a revoked membership (Art. 18): the effect of a reinstatement granted by the discipline workflow.

Only :mod:`zilu.discipline.actions.reinstatement` calls this, naming its decision, as only the discipline workflow
revokes (:func:`zilu.members.actions.membership.do_revoke_membership`).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zilu.core import audit
from zilu.core.actors import StaffActor
from zilu.core.errors import Duplicate, InvalidTransition, NotFound, ValidationFailed
from zilu.core.notify import notify, site_language
from zilu.core.roles import Perm, require
from zilu.members.models import Member


@transaction.atomic
def do_reinstate_membership(actor: StaffActor, member_id: int, *, decision_reference: str) -> Member:
    """Make a revoked member active again, naming the reinstatement decision; the audit entry keeps the revocation
    (date and decision) that the member's record no longer shows."""
    require(actor, Perm.REVOKE_MEMBERSHIP)
    reference = (decision_reference or "").strip()
    if not reference:
        raise ValidationFailed(_("Name the decision that reinstates the membership."), field="decision_reference")
    member = Member.objects.select_for_update().filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    if member.status != Member.Status.REVOKED:
        raise InvalidTransition(_("Only a revoked membership can be reinstated."))
    if member.uscc and Member.objects.filter(uscc=member.uscc, status=Member.Status.ACTIVE).exists():
        raise Duplicate(_("Another active member has the same unified social credit code."))
    before = {"status": member.status, "revoked_on": member.revoked_on, "decision": member.revocation_reference}
    member.status = Member.Status.ACTIVE
    member.revoked_on = None
    member.revocation_reference = ""
    member.save(update_fields=["status", "revoked_on", "revocation_reference"])
    audit.record(
        actor, "members.member.reinstate", member, before=before, after={"status": "active", "decision": reference}
    )
    with site_language():
        body = _("Decision %(ref)s reinstated the membership of %(name)s.") % {"ref": reference, "name": member.name}
    notify(
        member.active_representatives(),
        gettext_lazy("Membership reinstated"),
        body,
        url=reverse("members:my_member"),
        kind="members.member.reinstated",
    )
    return member
