"""Intake of a report: the checks of what the reporter sends, and the search for an earlier report it repeats.

Every field has a size limit; every wrong field is reported at once, as field-level errors. A near-identical report on
the same target within ``ZILU_REPORT_DUPLICATE_DAYS`` is found here so that the action can link it instead of routing
it again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from zilu.core.errors import ValidationFailed
from zilu.core.identifiers import IdentifierError, validate_phone
from zilu.reports import abuse, routing
from zilu.reports.models import Category, Report

LIMITS = {"target": 500, "description": 5000, "contact_name": 50, "contact_phone": 20, "contact_email": 254}
MIN_DESCRIPTION = 10


def _text(data: dict[str, Any], name: str, *, required: bool = False, minimum: int = 0) -> str:
    value = str(data.get(name) or "").strip()
    limit = LIMITS[name]
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=name)
    if len(value) > limit:
        raise ValidationFailed(_("At most %(n)d characters.") % {"n": limit}, field=name)
    if value and len(value) < minimum:
        raise ValidationFailed(_("Please write at least %(n)d characters.") % {"n": minimum}, field=name)
    return value


def validate(data: dict[str, Any]) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    clean: dict[str, Any] = {}
    category = str(data.get("category") or "")
    if category not in Category.values:
        errors.append({"field": "category", "reason": _("Choose a category from the list."), "code": "invalid"})
    clean["category"] = category
    for name, required, minimum in (
        ("target", False, 0),
        ("description", True, MIN_DESCRIPTION),
        ("contact_name", False, 0),
        ("contact_phone", False, 0),
        ("contact_email", False, 0),
    ):
        try:
            clean[name] = _text(data, name, required=required, minimum=minimum)
        except ValidationFailed as exc:
            errors.extend(exc.errors())
    if clean.get("contact_phone"):
        try:
            clean["contact_phone"] = validate_phone(clean["contact_phone"])
        except IdentifierError as exc:
            errors.append({"field": "contact_phone", "reason": str(exc.message), "code": exc.code})
    if clean.get("contact_email"):
        try:
            EmailValidator()(clean["contact_email"])
        except DjangoValidationError:
            errors.append({"field": "contact_email", "reason": _("Enter a valid e-mail address."), "code": "invalid"})
    member_id = data.get("member")
    try:
        clean["member_id"] = int(member_id) if member_id not in (None, "") else None
    except (TypeError, ValueError):
        errors.append({"field": "member", "reason": _("Choose a member from the list."), "code": "invalid"})
    if not clean.get("target") and not clean.get("member_id") and category != Category.OTHER:
        errors.append(
            {
                "field": "target",
                "reason": _("Say where the information is (a web address or app name), or choose the member."),
                "code": "required",
            }
        )
    if errors:
        raise ValidationFailed(errors=errors)
    return clean


def find_duplicate(clean: dict[str, Any], target: routing.Target, now: Any) -> Report | None:
    """An open or recent report on the same target with near-identical text, within the duplicate window."""
    since = now - timedelta(days=int(settings.ZILU_REPORT_DUPLICATE_DAYS))
    qs = Report.objects.filter(created_at__gte=since, duplicate_of__isnull=True)
    if target.member is not None:
        qs = qs.filter(member=target.member)
    elif target.domain:
        qs = qs.filter(target_domain=target.domain)
    elif clean["target"]:
        qs = qs.filter(target__iexact=clean["target"])
    else:
        qs = qs.filter(member__isnull=True, target="")
    fingerprint = abuse.fingerprint(clean["description"])
    exact = qs.filter(fingerprint=fingerprint).order_by("created_at").first()
    if exact is not None:
        return exact
    mine = abuse.shingles(clean["description"])
    for pk, description in qs.order_by("-created_at").values_list("pk", "description")[:100]:
        theirs = abuse.shingles(description)
        # Jaccard >= 0.8 is impossible when the sets' sizes differ by more than that ratio.
        if 0.8 * len(mine) <= len(theirs) <= len(mine) / 0.8 and abuse.jaccard(mine, theirs) >= 0.8:
            return Report.objects.get(pk=pk)
    return None
