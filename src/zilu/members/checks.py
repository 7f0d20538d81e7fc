"""Validation of application input (``check_*``): every problem becomes a field-level error, all at once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zilu.core.errors import ValidationFailed
from zilu.core.identifiers import IdentifierError, validate_phone, validate_resident_id, validate_uscc
from zilu.members.models import UNIT_KINDS, Kind
from zilu.members.venues import validate_culture_licence

UNIT_FIELDS = ("name", "uscc", "registered_address", "legal_representative", "responsible_person", "contact_phone")
INDIVIDUAL_FIELDS = ("name", "resident_id", "contact_phone", "statement")
# Art. 13: a venue is a unit that also names its premises, their licence and who runs them.
VENUE_FIELDS = (*UNIT_FIELDS, "venue_name", "venue_licence", "venue_address", "venue_operator")
REQUIRED = {Kind.UNIT: UNIT_FIELDS, Kind.INDIVIDUAL: INDIVIDUAL_FIELDS, Kind.VENUE: VENUE_FIELDS}
LIMITS = {
    "name": 200,
    "registered_address": 300,
    "legal_representative": 100,
    "responsible_person": 100,
    "statement": 4000,
    "venue_name": 200,
    "venue_address": 300,
    "venue_operator": 100,
}


def check_application(data: dict[str, Any]) -> dict[str, Any]:
    """Clean and validate an application. Returns the cleaned values (``outside_changping`` included) or raises
    :class:`ValidationFailed` listing every field that is wrong."""
    errors: list[dict[str, str]] = []

    def fail(field: str, reason: Any, code: str = "invalid") -> None:
        errors.append({"field": field, "reason": str(reason), "code": code})

    kind = str(data.get("kind") or "")
    if kind not in Kind.values:
        fail("kind", _("Choose whether a unit, an internet access venue or an individual applies."))
        raise ValidationFailed(errors=errors)
    required = REQUIRED[Kind(kind)]
    cleaned: dict[str, Any] = {"kind": kind}
    for field in required:
        value = str(data.get(field) or "").strip()
        if not value:
            fail(field, _("This field is required."), "required")
        elif field in LIMITS and len(value) > LIMITS[field]:
            fail(field, _("At most %(n)d characters.") % {"n": LIMITS[field]}, "too_long")
        cleaned[field] = value
    if kind in UNIT_KINDS and cleaned.get("uscc"):
        try:
            code = validate_uscc(cleaned["uscc"])
            cleaned["uscc"] = code.code
            cleaned["outside_changping"] = not code.is_changping
        except IdentifierError as exc:
            fail("uscc", exc.message, exc.code)
    if kind == Kind.VENUE and cleaned.get("venue_licence"):
        try:
            cleaned["venue_licence"] = validate_culture_licence(cleaned["venue_licence"]).text
        except IdentifierError as exc:
            fail("venue_licence", exc.message, exc.code)
    if kind == Kind.INDIVIDUAL and cleaned.get("resident_id"):
        try:
            cleaned["resident_id"] = validate_resident_id(cleaned["resident_id"]).number
        except IdentifierError as exc:
            fail("resident_id", exc.message, exc.code)
    if cleaned.get("contact_phone"):
        try:
            cleaned["contact_phone"] = validate_phone(cleaned["contact_phone"])
        except IdentifierError as exc:
            fail("contact_phone", exc.message, exc.code)
    if errors:
        raise ValidationFailed(errors=errors)
    for field in set(VENUE_FIELDS + INDIVIDUAL_FIELDS) - set(required):
        cleaned[field] = ""
    cleaned.setdefault("outside_changping", False)
    return cleaned
