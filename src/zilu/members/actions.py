"""State changes of members. The full application workflow arrives with the membership issue."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from zilu.core import audit
from zilu.core.errors import Duplicate, ValidationFailed
from zilu.core.identifiers import IdentifierError, validate_uscc
from zilu.core.models import User
from zilu.core.roles import Perm, require
from zilu.members.models import Member


@transaction.atomic
def do_register_founding_member(actor: User, *, name: str, uscc: str, joined_on: date) -> Member:
    """Register a founding signatory unit of the convention (Art. 21) directly, without an application."""
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
    member = Member.objects.create(kind=Member.Kind.UNIT, name=name, uscc=code, joined_on=joined_on)
    audit.record(actor, "members.member.register_founding", member, after={"name": name, "uscc": code})
    return member
