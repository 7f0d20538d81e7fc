"""Every state change of the convention app: import a version, publish it, withdraw a draft, attach the signed copy.

Amendments, votes, annexes and interpretations are the governance app's (:mod:`zilu.governance.actions`)."""

from __future__ import annotations

import re
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.convention.models import ConventionVersion, publication_deadline_for
from zilu.convention.parse_messages import describe
from zilu.convention.parser import (
    ConventionParseError,
    canonical_text,
    parse_convention,
    text_sha256,
)
from zilu.convention.signals import version_published
from zilu.core import audit
from zilu.core.actors import StaffActor
from zilu.core.errors import Duplicate, InvalidTransition, ValidationFailed
from zilu.core.files import UploadPolicy, store_uploads
from zilu.core.models import StoredFile
from zilu.core.numbering import next_number
from zilu.core.roles import Perm, require
from zilu.core.workflow import CHANGE, access, check_transition, transition

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


@transaction.atomic
def do_import_version(
    actor: StaffActor,
    raw_text: str,
    *,
    effective_date: date | None = None,
    source_name: str = "",
    note: str = "",
    allow_known_text: bool = False,
) -> ConventionVersion:
    """Parse a convention text and store it as a new draft version.

    The effective date defaults to the signing date in the text's signature block. The Art. 21 publication
    deadline (30 days after taking effect, Civil Code counting) is computed here; beyond the official holiday
    calendar it is provisional until ``zilu calendar load`` recomputes it.
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
    publication = publication_deadline_for(effective_date)  # provisional beyond the official holiday calendar
    deadline = publication.day
    number = next_number(ConventionVersion.objects.all())
    version = ConventionVersion.objects.create(
        number=number,
        title=parsed.title,
        text=canonical_text(raw_text),
        structure=parsed.to_dict(),
        sha256=digest,
        effective_date=effective_date,
        publication_deadline=deadline,
        deadline_provisional=publication.provisional,
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
def do_publish_version(actor: StaffActor, version_id: int, *, published_on: date | None = None) -> ConventionVersion:
    """Publish a draft to the public site. ``published_on`` may record an earlier publication; never a future one.
    The apps built on the convention hear of it through ``signals.version_published`` (governance tells the
    members' representatives)."""
    require(actor, Perm.MANAGE_CONVENTION)
    version = access(ConventionVersion.objects.restrict(actor, CHANGE), version_id, for_update=True)
    check_transition(version, ConventionVersion.Status.PUBLISHED)
    today = timezone.localdate()
    published_on = published_on or today
    if published_on > today:
        raise ValidationFailed(_("The publication date cannot be in the future."), field="published_on")
    transition(
        version,
        ConventionVersion.Status.PUBLISHED,
        actor=actor,
        action="convention.version.publish",
        changes={"published_on": published_on},
        extra_after={"late": version.late_if_published_on(published_on)},
    )
    version_published.send(sender=ConventionVersion, version=version)
    return version


@transaction.atomic
def do_withdraw_draft(actor: StaffActor, version_id: int, *, reason: str) -> ConventionVersion:
    """Discard a draft that should never be published (e.g. imported by mistake). The row is kept."""
    require(actor, Perm.MANAGE_CONVENTION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the draft is withdrawn."), field="reason")
    version = access(ConventionVersion.objects.restrict(actor, CHANGE), version_id, for_update=True)
    transition(
        version,
        ConventionVersion.Status.WITHDRAWN,
        actor=actor,
        action="convention.version.withdraw",
        changes={"note": f"{version.note}\n{reason}".strip()},
        unaudited=("note",),  # the entry has never recorded the note, only the reason
        extra_after={"reason": reason},
    )
    return version


@transaction.atomic
def do_attach_signed_copy(actor: StaffActor, version_id: int, uploads: list[UploadedFile]) -> list[StoredFile]:
    """Attach scans of the signed original (PDF or image) to a version."""
    require(actor, Perm.MANAGE_CONVENTION)
    version = access(ConventionVersion.objects.restrict(actor, CHANGE), version_id, for_update=True)
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
