"""The one upload path for every workflow.

Uploads are checked for size and count, typed by their content (magic numbers via the ``filetype`` package, never
by name or by the type the client declares), stored under a random name in ``ZILU_MEDIA_ROOT`` (outside any web
root, with no URL) and served only by :func:`zilu.core.views.protected_file`, which asks the owning model's access
rule registered here.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from zilu.core import metadata
from zilu.core.actors import Actor
from zilu.core.errors import ValidationFailed
from zilu.core.models import StoredFile

AccessRule = Callable[[Any, models.Model], bool]
_ACCESS_RULES: dict[str, AccessRule] = {}

TEXT_TYPE = "text/plain"
DOCUMENT_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", TEXT_TYPE})


@dataclass(frozen=True)
class UploadPolicy:
    """Limits for one kind of upload. ``max_bytes``/``max_files`` left as None follow the site settings
    (``ZILU_UPLOAD_MAX_BYTES``/``ZILU_UPLOAD_MAX_FILES``) at the time of the upload."""

    allowed_types: frozenset[str] = DOCUMENT_TYPES
    max_bytes: int | None = None
    max_files: int | None = None
    # Art. 15: screen each upload for viruses and destructive programs (core.filescan: YARA rules, the file-hash
    # bank, ClamAV when configured, archives recursively) and refuse what the screening blocks.
    screen: bool = True
    # Refuse a file whose name's extension is not one usual for its content (a text file named .bat, a PNG named
    # .pdf): the name decides what the downloader's system does with the file. A name without an extension passes.
    names_match: bool = False
    # Remove what could identify the sender (EXIF/XMP/GPS of images, the PDF's author and XMP) before storing, and
    # refuse a file that cannot be decoded to do so (core.metadata). For the public's evidence and complaints.
    strip_metadata: bool = False

    @property
    def byte_limit(self) -> int:
        return self.max_bytes if self.max_bytes is not None else int(settings.ZILU_UPLOAD_MAX_BYTES)

    @property
    def file_limit(self) -> int:
        return self.max_files if self.max_files is not None else int(settings.ZILU_UPLOAD_MAX_FILES)


def register_owner(model: type[models.Model], can_view: AccessRule) -> None:
    """Declare who may download files attached to records of ``model``."""
    _ACCESS_RULES[model._meta.label_lower] = can_view


def can_view(user: Actor, stored: StoredFile) -> bool:
    """Whether ``user`` may download ``stored``: the owning model's rule decides; unknown owners deny."""
    rule = _ACCESS_RULES.get(f"{stored.owner_type.app_label}.{stored.owner_type.model}")
    owner = stored.owner_type.get_object_for_this_type(pk=stored.owner_id) if rule else None
    return bool(rule and owner is not None and rule(user, owner))


def sniff_type(head: bytes) -> str | None:
    """The content type that the bytes themselves show, or None when unrecognised.

    ``filetype`` recognises binary formats by magic numbers; it has no rule for plain text, so text is accepted
    only when it decodes as UTF-8 and holds no NUL or other C0 control bytes except tab, CR and LF.
    """
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The head may end in the middle of a multi-byte character.
        if exc.start < len(head) - 3:
            return None
        text = head[: exc.start].decode("utf-8")
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return None
    return TEXT_TYPE


# The usual extensions of the content types uploads may have (for ``UploadPolicy.names_match``).
EXTENSIONS: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({"pdf"}),
    "image/png": frozenset({"png"}),
    "image/jpeg": frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    "image/gif": frozenset({"gif"}),
    "image/webp": frozenset({"webp"}),
    TEXT_TYPE: frozenset({"txt", "text", "log", "csv", "md"}),
    "video/mp4": frozenset({"mp4", "m4v"}),
}


def name_matches(name: str | None, content_type: str | None) -> bool:
    """Whether the extension of ``name`` is one usual for ``content_type``. Trailing dots and spaces are ignored
    (Windows drops them, so ``run.bat.`` is a ``.bat``); a name without an extension matches."""
    base = Path(name or "").name.rstrip(". ")
    if "." not in base:
        return True
    extension = base.rsplit(".", 1)[1].lower()
    return extension in EXTENSIONS.get(content_type or "", frozenset({extension}))


def _field_error(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field=field_name)


def check_uploads(
    uploads: Sequence[UploadedFile],
    policy: UploadPolicy,
    *,
    field_name: str = "files",
    existing: int = 0,
) -> list[str]:
    """Validate uploads against ``policy`` and return their sniffed content types (in order)."""
    if len(uploads) + existing > policy.file_limit:
        raise _field_error(field_name, _("At most %(n)d files may be attached.") % {"n": policy.file_limit})
    types = []
    for upload in uploads:
        if upload.size is None or upload.size > policy.byte_limit:
            raise _field_error(
                field_name,
                _("“%(name)s” is larger than the limit of %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(policy.byte_limit)},
            )
        if upload.size == 0:
            raise _field_error(field_name, _("“%(name)s” is empty.") % {"name": upload.name})
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        content_type = sniff_type(head)
        if content_type not in policy.allowed_types:
            raise _field_error(
                field_name,
                _("“%(name)s” is not an accepted file type (its content is %(type)s).")
                % {"name": upload.name, "type": content_type or _("unrecognised")},
            )
        if policy.names_match and not name_matches(upload.name, content_type):
            raise _field_error(
                field_name,
                _("“%(name)s” is named as another type of file than its content (%(type)s).")
                % {"name": upload.name, "type": content_type},
            )
        if policy.screen:
            _screen_upload(upload, field_name)
        types.append(content_type)
    return types


def _screen_upload(upload: UploadedFile, field_name: str) -> None:
    """Refuse an upload that file screening blocks (the size was already checked against the policy)."""
    from zilu.core.filescan import scan  # not at module level: loads the file-screening engine only when used

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    verdict = scan(data, name=upload.name)
    if verdict.suggestion == "block":
        reasons = "; ".join(f.detail for f in verdict.findings if f.suggestion == "block")[:300]
        raise _field_error(
            field_name,
            _("“%(name)s” was refused: it contains a virus or a destructive program (%(reason)s).")
            % {"name": upload.name, "reason": reasons},
        )


def store_uploads(
    uploads: Sequence[UploadedFile],
    *,
    owner: models.Model,
    purpose: str,
    actor: Actor,
    policy: UploadPolicy | None = None,
    field_name: str = "files",
) -> list[StoredFile]:
    """Check and store ``uploads`` as files of ``owner``. Call from an action, inside its transaction."""
    policy = policy or UploadPolicy()
    owner_type = ContentType.objects.get_for_model(owner)
    existing = StoredFile.objects.filter(owner_type=owner_type, owner_id=str(owner.pk), purpose=purpose).count()
    types = check_uploads(uploads, policy, field_name=field_name, existing=existing)
    root = Path(settings.MEDIA_ROOT)
    stored = []
    for upload, content_type in zip(uploads, types, strict=True):
        storage_name = secrets.token_hex(20)
        # Bytes go to pending/ first and move into place when the transaction commits; a rolled-back upload
        # leaves only a pending file, which clean_pending_uploads() removes.
        path = root / PENDING / storage_name
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        chunks = _clean_chunks(upload, content_type, field_name) if policy.strip_metadata else upload.chunks()
        size = 0
        with path.open("xb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        path.chmod(0o600)
        transaction.on_commit(functools.partial(_settle, storage_name), robust=True)
        stored.append(
            StoredFile.objects.create(
                owner_type=owner_type,
                owner_id=str(owner.pk),
                purpose=purpose,
                original_name=Path(upload.name or "file").name[:255],
                content_type=content_type,
                size=size,
                sha256=digest.hexdigest(),
                storage_name=storage_name,
                uploaded_by_id=getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None,
            )
        )
    return stored


def _clean_chunks(upload: UploadedFile, content_type: str, field_name: str) -> list[bytes]:
    if content_type not in metadata.STRIPPABLE:
        return list(upload.chunks())
    upload.seek(0)
    try:
        return [metadata.strip(upload.read(), content_type)]
    except metadata.Unreadable:
        raise _field_error(
            field_name,
            _("“%(name)s” could not be read as %(type)s, so what it says about its sender cannot be removed.")
            % {"name": upload.name, "type": content_type},
        ) from None


PENDING = "pending"


def _final_path(storage_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / storage_name[:2] / storage_name


def _settle(storage_name: str) -> None:
    """Move a committed upload from pending/ to its place."""
    pending = Path(settings.MEDIA_ROOT) / PENDING / storage_name
    final = _final_path(storage_name)
    if pending.exists():
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(pending, final)


def path_of(stored: StoredFile) -> Path:
    """Where the bytes of ``stored`` are on disk (still under pending/ until its transaction's commit hook ran)."""
    final = _final_path(stored.storage_name)
    if final.exists():
        return final
    return Path(settings.MEDIA_ROOT) / PENDING / stored.storage_name


def clean_pending_uploads(older_than_seconds: float = 3600.0) -> int:
    """Settle pending files whose record exists (their move failed) and delete the others (their transaction
    rolled back). Only files older than ``older_than_seconds`` are touched, so uploads in flight are left alone."""
    folder = Path(settings.MEDIA_ROOT) / PENDING
    if not folder.exists():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for path in folder.iterdir():
        if path.stat().st_mtime > cutoff:
            continue
        if StoredFile.objects.filter(storage_name=path.name).exists():
            _settle(path.name)
        else:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def files_of(owner: models.Model, purpose: str | None = None) -> models.QuerySet[StoredFile]:
    """The files attached to ``owner``."""
    qs = StoredFile.objects.filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=str(owner.pk))
    return qs.filter(purpose=purpose) if purpose else qs
