"""Intake of a report: the checks of what the reporter sends, and the search for an earlier report it repeats.

Every field has a size limit; every wrong field is reported at once, as field-level errors. A near-identical report on
the same target within ``ZILU_REPORT_DUPLICATE_DAYS`` is found here so that the action can link it instead of routing
it again.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Upper
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
    """An open or recent report on the same target with near-identical text, within the duplicate window.

    The earliest report with the same fingerprint (the text equal after folding), else the newest of the target's
    ``CANDIDATES`` newest reports whose character trigrams have a Jaccard similarity of at least 0.8. Each way of
    naming the target has an index ending in ``created_at`` (see ``Report.Meta.indexes``), so the search reads a
    bounded number of rows whatever the size of the table. On PostgreSQL one statement does both searches and the
    database drops the hundred's clear misses (``_search_postgresql``); the rule applied to what is left is the same,
    so is the answer."""
    since = now - timedelta(days=int(settings.ZILU_REPORT_DUPLICATE_DAYS))
    value: Any
    if target.member is not None:
        branch, value = "member", target.member.pk
    elif target.domain:
        branch, value = "domain", target.domain
    elif clean["target"]:
        branch, value = "target", clean["target"]
    else:
        branch, value = "none", None
    folded = abuse.normalise(clean["description"])
    fingerprint = hashlib.sha256(folded.encode()).hexdigest()  # abuse.fingerprint, without folding twice
    mine = abuse.shingles(folded)
    if connection.vendor == "postgresql":
        exact_pk, rows = _search_postgresql(branch, value, since, fingerprint, folded, len(mine))
        if exact_pk is not None:
            return Report.objects.get(pk=exact_pk)
    else:
        qs = Report.objects.filter(created_at__gte=since, duplicate_of__isnull=True)
        if branch == "member":
            qs = qs.filter(member_id=value)
        elif branch == "domain":
            qs = qs.filter(target_domain=value)
        elif branch == "target":
            # UPPER(target) = UPPER(%s) is what target__iexact means on PostgreSQL and, for the ASCII letters SQLite
            # folds, on SQLite (where iexact is a LIKE that no index serves): both use reports_target_created_idx.
            qs = qs.alias(target_upper=Upper("target")).filter(target_upper=Upper(Value(value)))
        else:
            qs = qs.filter(member__isnull=True, target="")
        exact = qs.filter(fingerprint=fingerprint).order_by("created_at").first()
        if exact is not None:
            return exact
        rows = list(qs.order_by("-created_at").values_list("pk", "description")[:CANDIDATES])
    for pk, description in rows:
        theirs = abuse.shingles(description)
        # Jaccard >= 0.8 is impossible when the sets' sizes differ by more than that ratio.
        if 0.8 * len(mine) <= len(theirs) <= len(mine) / 0.8 and abuse.jaccard(mine, theirs) >= 0.8:
            return Report.objects.get(pk=pk)
    return None


CANDIDATES = 100  # the target's newest reports that the description is compared with

# The target filters of find_duplicate in SQL, each served by one index of Report.Meta.indexes.
_BRANCHES = {
    "member": "member_id = %s",
    "domain": "target_domain = %s",
    "target": "UPPER(target) = UPPER(%s)",
    "none": "member_id IS NULL AND target = ''",
}
# Reports stored before description_folded existed (NULL) are folded here as abuse.normalise does.
_FOLDED = r"COALESCE(description_folded, regexp_replace(lower(normalize(description, NFKC)), '[\W_]+', '', 'g'))"
_SEARCH = """
(SELECT 0, id, created_at, '' FROM reports_report
  WHERE created_at >= %s AND duplicate_of_id IS NULL AND {where} AND fingerprint = %s
  ORDER BY created_at LIMIT 1)
UNION ALL
(SELECT 1, id, created_at, description FROM (
    SELECT id, created_at, description, description_folded FROM reports_report
    WHERE created_at >= %s AND duplicate_of_id IS NULL AND {where}
    ORDER BY created_at DESC LIMIT {limit}
  ) AS newest
  WHERE similarity({folded}, %s) >= %s)
"""
_SEARCHES = {
    branch: _SEARCH.format(where=where, limit=CANDIDATES, folded=_FOLDED) for branch, where in _BRANCHES.items()
}


def _search_postgresql(
    branch: str, value: Any, since: Any, fingerprint: str, folded: str, size: int
) -> tuple[int | None, list[tuple[int, str]]]:
    """One round trip, SQL written once (the ORM's query building cost more than the search): the earliest report
    with the fingerprint, and those of the target's ``CANDIDATES`` newest reports, newest first, that may be within
    Jaccard 0.8, ranked by pg_trgm in C so that only the few near ones come back instead of every description.

    Why no match is lost: pg_trgm's trigrams of a folded text (one word, no spaces) are this module's shingles plus at
    most 3 padded ones (" ab", "yz " ...). With A, B the shingle sets, U = |A ∪ B| >= |A| and |A ∩ B| >= 0.8 U,
    similarity >= |A ∩ B| / (U + 6) >= 0.8 U / (U + 6) >= 0.8 |A| / (|A| + 6); the floor keeps 0.05 below that for
    the rare character whose folding or trigram hash differs between Python and PostgreSQL."""
    floor = max(0.8 * size / (size + 6) - 0.05, 0.0)
    target = [] if value is None else [value]
    params = [since, *target, fingerprint, since, *target, folded, floor]
    with connection.cursor() as cursor:
        cursor.execute(_SEARCHES[branch], params)
        found = cursor.fetchall()
    exact = [pk for kind, pk, _at, _text in found if kind == 0]
    near = sorted(((at, pk, text) for kind, pk, at, text in found if kind == 1), reverse=True)
    return (exact[0] if exact else None), [(pk, text) for _at, pk, text in near]
