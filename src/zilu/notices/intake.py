"""Checks of a notice before anything is written: every field, the member, the location, duplicates.

Each refusal is a 422 problem naming the field (``holder_id_number``, ``proof``, ``member``, ``location``...); a
duplicate is a 422 too (code ``duplicate``), on ``location``. Nothing is stored until every check has passed, so a
refused notice leaves no row and no file behind, and an accepted one is complete.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext as _

from zilu.core.errors import ValidationFailed
from zilu.core.files import UploadPolicy, check_uploads
from zilu.core.identifiers import IdentifierError, validate_phone, validate_resident_id, validate_uscc
from zilu.filings.models import Site
from zilu.filings.resolve import site_for_url
from zilu.members.models import Member
from zilu.notices.models import Notice

# Proof of rights and evidence: documents and images, the names matching their content (they are forwarded).
EVIDENCE_POLICY = UploadPolicy(names_match=True)


class DuplicateNotice(ValidationFailed):
    """The sender already has an open notice on the same location."""

    code = "duplicate"


@dataclass(frozen=True)
class CleanNotice:
    """A notice that passed every check, ready to be stored."""

    fields: dict[str, Any]
    member: Member
    site: Site
    location_key: str


def _error(field: str, reason: Any, code: str = "invalid") -> dict[str, str]:
    return {"field": field, "reason": str(reason), "code": code}


def text(value: Any, field: str, message: Any, limit: int, errors: list[dict[str, str]]) -> str:
    """``value`` stripped; an error on ``field`` when empty or longer than ``limit``."""
    cleaned = unicodedata.normalize("NFC", str(value or "")).strip()
    if not cleaned:
        errors.append(_error(field, message, "required"))
    elif len(cleaned) > limit:
        errors.append(_error(field, _("At most %(n)d characters.") % {"n": limit}, "too_long"))
    return cleaned


def location_key(url: str) -> str:
    """How two locations are compared: host in lower case, no scheme, no fragment, no trailing slash."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", (parts.hostname or "").lower(), path, parts.query, ""))[2:]


def check_location(value: Any, errors: list[dict[str, str]]) -> str:
    """A web address (http or https) of at most 1000 characters."""
    url = str(value or "").strip()
    if not url:
        errors.append(_error("location", _("Give the web address of the content."), "required"))
        return url
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors.append(_error("location", _("Give a full web address starting with http:// or https://.")))
        return url
    if len(url) > 1000:
        errors.append(_error("location", _("At most %(n)d characters.") % {"n": 1000}, "too_long"))
    return url


def check_identity(data: dict[str, Any], errors: list[dict[str, str]]) -> dict[str, str]:
    """The right holder's real identity and contact (art. 14(1)): kind, name, ID number or USCC, phone, address."""
    kind = str(data.get("holder_kind") or "")
    if kind not in Notice.HolderKind.values:
        errors.append(_error("holder_kind", _("Say whether the right holder is a person or an organization.")))
    name = text(data.get("holder_name"), "holder_name", _("Give the right holder's real name."), 200, errors)
    number = ""
    raw_number = str(data.get("holder_id_number") or "")
    try:
        if kind == Notice.HolderKind.PERSON:
            number = validate_resident_id(raw_number).number
        elif kind == Notice.HolderKind.ORGANIZATION:
            number = validate_uscc(raw_number).code
    except IdentifierError as exc:
        errors.append(_error("holder_id_number", exc.message, exc.code))
    phone = ""
    try:
        phone = validate_phone(str(data.get("holder_phone") or ""))
    except IdentifierError as exc:
        errors.append(_error("holder_phone", exc.message, exc.code))
    email = str(data.get("holder_email") or "").strip()
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors.append(_error("holder_email", _("Enter a valid e-mail address.")))
    address = text(data.get("holder_address"), "holder_address", _("Give the right holder's address."), 300, errors)
    return {
        "holder_kind": kind, "holder_name": name, "holder_id_number": number, "holder_phone": phone,
        "holder_email": email[:254], "holder_address": address,
    }  # fmt: skip


def check_notice(actor: Any, data: dict[str, Any], proof: Sequence[UploadedFile]) -> CleanNotice:
    """Every rule a notice must meet, in the order a sender can fix them; raises :class:`ValidationFailed`."""
    errors: list[dict[str, str]] = []
    fields = check_identity(data, errors)
    fields["work"] = text(data.get("work"), "work", _("Name the work or the subject matter of the right."), 300, errors)
    right = str(data.get("right") or "")
    if right not in Notice.Right.values:
        errors.append(_error("right", _("Choose the right that is infringed.")))
    fields["right"] = right
    fields["description"] = text(
        data.get("description"), "description", _("Say how the content infringes the right."), 5000, errors
    )
    url = check_location(data.get("location"), errors)
    fields["signature"] = text(data.get("signature"), "signature", _("Sign the notice with your name."), 200, errors)
    if data.get("accept_liability") not in (True, "true", "on", "1", 1):
        errors.append(_error(
            "accept_liability",
            _("Confirm that you answer for any harm a wrong notice causes (Civil Code art. 1195 para. 3)."),
            "required",
        ))  # fmt: skip
    if not proof:
        errors.append(_error("proof", _("Attach the proof of your rights."), "required"))
    number = str(data.get("member") or "").strip().upper()
    if not number:
        errors.append(_error("member", _("Give the member number of the member concerned."), "required"))
    if errors:
        raise ValidationFailed(_("The notice is not complete."), errors=errors)
    check_uploads(proof, EVIDENCE_POLICY, field_name="proof")
    member = Member.objects.filter(number=number, status=Member.Status.ACTIVE).first()
    if member is None:
        raise ValidationFailed(_("No active member has the number %(n)s.") % {"n": number}, field="member")
    if member.pk == getattr(actor, "member_id", None):
        raise ValidationFailed(_("A member cannot send a notice to itself."), field="member")
    site = site_for_url(url)
    if site is None or site.member_id != member.pk:
        raise ValidationFailed(
            _("This address is not on a website that %(member)s has registered.") % {"member": member.name},
            field="location",
        )
    key = location_key(url)
    if Notice.objects.open().filter(filed_by_id=actor.pk, location_key=key).exists():
        raise DuplicateNotice(_("You already have an open notice on this address."), field="location")
    fields["location"] = url
    return CleanNotice(fields=fields, member=member, site=site, location_key=key)
