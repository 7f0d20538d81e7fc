"""State changes of convention versions: import, publish, withdraw a draft, attach the signed copy."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zilu.convention.models import PUBLICATION_PERIOD_DAYS, ConventionVersion
from zilu.convention.parse_messages import describe
from zilu.convention.parser import (
    ConventionParseError,
    canonical_text,
    parse_convention,
    text_sha256,
)
from zilu.core import audit, deadlines
from zilu.core.errors import Duplicate, InvalidTransition, NotFound, ValidationFailed
from zilu.core.files import UploadPolicy, store_uploads
from zilu.core.models import StoredFile, User
from zilu.core.notify import notify
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, Role, require
from zilu.members.models import Member

MAX_TEXT_CHARS = 200_000
SIGNED_COPY = "signed_copy"
SIGNED_COPY_POLICY = UploadPolicy(allowed_types=frozenset({"application/pdf", "image/png", "image/jpeg"}))
_SIGNING_DATE = re.compile(r"签约时间[:：]\s*(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})")


def signing_date(raw: str) -> date | None:
    """The date in the signature block (签约时间：2021.7.15), if the text has one."""
    match = _SIGNING_DATE.search(raw)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def access_version(actor: Any, version_id: int, *, for_update: bool = False) -> ConventionVersion:
    """Load a version the actor may see, or raise NotFound."""
    qs = ConventionVersion.objects.visible_to(actor)
    if for_update:
        qs = qs.select_for_update()
    version = qs.filter(pk=version_id).first()
    if version is None:
        raise NotFound()
    return version


def _check_transition(version: ConventionVersion, target: str) -> None:
    if target not in ConventionVersion.TRANSITIONS[version.status]:
        raise InvalidTransition(
            _("A version that is “%(status)s” cannot become “%(target)s”.")
            % {
                "status": version.get_status_display(),
                "target": ConventionVersion.Status(target).label,
            }
        )


@transaction.atomic
def do_import_version(
    actor: Any,
    raw_text: str,
    *,
    effective_date: date | None = None,
    source_name: str = "",
    note: str = "",
    allow_known_text: bool = False,
) -> ConventionVersion:
    """Parse a convention text and store it as a new draft version.

    The effective date defaults to the signing date in the text's signature block. The Art. 21 publication
    deadline (30 days after taking effect, Civil Code counting) is computed here; when the holiday calendar does
    not cover it yet, it stays empty and the dashboard says so.
    """
    require(actor, Perm.MANAGE_CONVENTION)
    if not raw_text or not raw_text.strip():
        raise ValidationFailed(_("The text is empty."), field="text")
    if len(raw_text) > MAX_TEXT_CHARS:
        raise ValidationFailed(_("The text is too long."), field="text")
    try:
        parsed = parse_convention(raw_text)
    except ConventionParseError as exc:
        raise ValidationFailed(
            _("The text could not be read as a convention. %(reason)s") % {"reason": describe(exc)}, field="text"
        ) from exc
    effective_date = effective_date or signing_date(raw_text)
    if effective_date is None:
        raise ValidationFailed(
            _("Give the effective date: the text has no signing date (签约时间)."),
            field="effective_date",
        )
    digest = text_sha256(raw_text)
    clash = ConventionVersion.objects.exclude(status=ConventionVersion.Status.WITHDRAWN).filter(sha256=digest)
    if clash.exists() and not allow_known_text:
        raise Duplicate(
            _("This exact text is already version %(n)d.") % {"n": clash.first().number},
            field="text",
        )
    try:
        deadline: date | None = deadlines.add_period(effective_date, PUBLICATION_PERIOD_DAYS)
    except deadlines.CalendarCoverageError:
        deadline = None
    number = next_number(ConventionVersion.objects.all())
    version = ConventionVersion.objects.create(
        number=number,
        title=parsed.title,
        text=canonical_text(raw_text),
        structure=parsed.to_dict(),
        sha256=digest,
        effective_date=effective_date,
        publication_deadline=deadline,
        source_name=source_name[:255],
        note=note,
    )
    audit.record(
        actor,
        "convention.version.import",
        version,
        after={
            "number": number,
            "sha256": digest,
            "effective_date": effective_date,
            "publication_deadline": deadline,
            "articles": len(parsed.articles),
        },
    )
    return version


@transaction.atomic
def do_publish_version(actor: Any, version_id: int, *, published_on: date | None = None) -> ConventionVersion:
    """Publish a draft to the public site. ``published_on`` may record an earlier publication; never a future one."""
    require(actor, Perm.MANAGE_CONVENTION)
    version = access_version(actor, version_id, for_update=True)
    _check_transition(version, ConventionVersion.Status.PUBLISHED)
    today = timezone.localdate()
    published_on = published_on or today
    if published_on > today:
        raise ValidationFailed(_("The publication date cannot be in the future."), field="published_on")
    before = audit.changes(version, ["status", "published_on"])
    version.status = ConventionVersion.Status.PUBLISHED
    version.published_on = published_on
    version.save(update_fields=["status", "published_on"])
    audit.record(
        actor,
        "convention.version.publish",
        version,
        before=before,
        after={
            **audit.changes(version, ["status", "published_on"]),
            "late": version.published_late,
        },
    )
    _tell_members_about(version)
    return version


def _tell_members_about(version: ConventionVersion) -> None:
    """Every active member's representatives learn that a version of the convention was published."""
    representatives = User.objects.filter(role=Role.MEMBER, is_active=True, member__status=Member.Status.ACTIVE)
    with translation.override(settings.LANGUAGE_CODE):  # messages are stored, so in the site's language
        notify(
            representatives,
            _("Convention version %(n)d has been published") % {"n": version.number},
            _("Version %(n)d of the convention takes effect on %(date)s. Please read it and follow it.")
            % {"n": version.number, "date": version.effective_date.isoformat()},
            url=reverse("convention:version", kwargs={"number": version.number}),
            kind="convention.published",
        )


@transaction.atomic
def do_withdraw_draft(actor: Any, version_id: int, *, reason: str) -> ConventionVersion:
    """Discard a draft that should never be published (e.g. imported by mistake). The row is kept."""
    require(actor, Perm.MANAGE_CONVENTION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the draft is withdrawn."), field="reason")
    version = access_version(actor, version_id, for_update=True)
    _check_transition(version, ConventionVersion.Status.WITHDRAWN)
    version.status = ConventionVersion.Status.WITHDRAWN
    version.note = f"{version.note}\n{reason}".strip()
    version.save(update_fields=["status", "note"])
    audit.record(
        actor,
        "convention.version.withdraw",
        version,
        before={"status": "draft"},
        after={"status": version.status, "reason": reason},
    )
    return version


@transaction.atomic
def do_attach_signed_copy(actor: Any, version_id: int, uploads: list[UploadedFile]) -> list[StoredFile]:
    """Attach scans of the signed original (PDF or image) to a version."""
    require(actor, Perm.MANAGE_CONVENTION)
    version = access_version(actor, version_id, for_update=True)
    if version.status == ConventionVersion.Status.WITHDRAWN:
        raise InvalidTransition(_("A withdrawn version takes no attachments."))
    if not uploads:
        raise ValidationFailed(_("Choose at least one file."), field="files")
    stored = store_uploads(uploads, owner=version, purpose=SIGNED_COPY, actor=actor, policy=SIGNED_COPY_POLICY)
    audit.record(
        actor,
        "convention.version.attach_signed_copy",
        version,
        after={"files": [{"id": str(f.id), "name": f.original_name, "sha256": f.sha256} for f in stored]},
    )
    return stored
