"""``POST /api/v1/screen`` and ``/api/v1/screen/batch``: the engine, served with the platform's banks."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Annotated, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, UploadedFile
from pydantic import BaseModel, PlainValidator, WithJsonSchema

from zilu.banks import media
from zilu.banks.service import get_screener
from zilu.core import metrics
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import MAX_ID
from zilu.core.errors import Forbidden, PayloadTooLarge, ServiceUnavailable, ValidationFailed
from zilu.core.filescan import scan
from zilu.core.roles import Perm, require
from zilu.screening import InputTooLarge, ScreeningError

logger = logging.getLogger(__name__)
router = Router(tags=["screening"])
BATCH_MAX_ITEMS = 100
BATCH_MAX_CHARS = 2_000_000


MIN_REFERENCE = -(2**63)


def _reference(value: object) -> object:
    """A member system's reference: a string, or an integer of at most 64 bits. Not a boolean or a fraction, which
    lax validation would take for an integer (``false`` as 0); one error naming the field, not one per type."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and MIN_REFERENCE <= value <= MAX_ID:
        return value
    raise ValueError("must be a string or an integer of at most 64 bits")


Reference = Annotated[
    str | int | None,
    PlainValidator(_reference),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string"},
                {"type": "integer", "minimum": MIN_REFERENCE, "maximum": MAX_ID},
                {"type": "null"},
            ]
        }
    ),
]


# Plain pydantic models, not ninja.Schema: Schema runs every object through a getter meant for Django model
# instances, which took about half of a 100-post batch's time. These carry dicts only; the OpenAPI schema is the same.
class ScreenIn(BaseModel):
    id: Reference = Field(None, description="your reference, echoed back")
    text: str
    title: str | None = None


class HitOut(BaseModel):
    kind: str = Field(description="term, pii, link, rumor or clickbait")
    label: str
    labels: list[str]
    entry: str | None = Field(
        description="the bank entry that matched (term, blocked domain, rumor claim id); none for PII and clickbait"
    )
    field: str = Field(description="text or title")
    start: int = Field(description="code-point offset into the ORIGINAL text (inclusive)")
    end: int = Field(description="code-point offset into the ORIGINAL text (exclusive)")
    text: str = Field(description="the original substring")
    severity: int
    form: str | None = Field(description="how a term matched: exact, normalized, pinyin or homophone")
    value: str | None = None
    context: str | None = None
    suggestion: str
    score: float | None = Field(
        None,
        description="rumor: calibrated probability that the text restates the claim; clickbait: the title's "
        "calibrated probability",
    )
    debunk: str | None = Field(None, description="rumor: the claim's debunk, to show the author")
    source: str | None = Field(None, description="rumor: where the debunk comes from")


class VerdictOut(BaseModel):
    id: str | int | None = None
    suggestion: str = Field(description="pass, review or block")
    labels: list[str]
    hits: list[HitOut]
    masked_text: str | None = None
    masked_title: str | None = None
    clickbait: float | None = Field(None, description="how likely the title is clickbait (标题党), 0-1; with a title")
    truncated: bool = Field(False, description="hits lists only the first 1,000 (the policy's max_hits)")


class BatchIn(BaseModel):
    items: list[ScreenIn] = Field(max_length=BATCH_MAX_ITEMS)


class BatchOut(BaseModel):
    results: list[VerdictOut]


def _require_active(request: HttpRequest) -> None:
    require(request.user, Perm.USE_SCREENING)
    if getattr(request, "api_key", None) is not None:
        return  # a key authenticates only while its member is active (core.actions.authenticate_token): no query
    member = getattr(request.user, "member", None)
    if member is not None and member.status != "active":
        raise Forbidden(_("Only active members may use the screening service."))


def _screen(items: list[ScreenIn]) -> list[dict[str, Any]]:
    try:
        screener = get_screener()
    except ScreeningError as exc:  # a configured bank or policy file is missing or malformed
        logger.exception("the platform's screening banks cannot be loaded")
        raise ServiceUnavailable(_("The screening service is not available: its banks cannot be loaded.")) from exc
    try:
        verdicts = list(screener.screen_many([(item.text, item.title) for item in items]))
    except InputTooLarge as exc:
        raise PayloadTooLarge(
            _("Too long: %(size)d characters; the limit is %(limit)d.") % {"size": exc.size, "limit": exc.limit},
            field=exc.field,
        ) from exc
    metrics.screened(verdict.suggestion for verdict in verdicts)
    return [{"id": item.id, **verdict.to_dict()} for item, verdict in zip(items, verdicts, strict=True)]


@router.post(
    "",
    response=VerdictOut,
    auth=SIGNED_IN,
    summary="Screen one text before publishing (先审后发)",
    description="Authenticate with a member API key. Hits carry code-point offsets into the original text.",
)
def screen(request: HttpRequest, payload: ScreenIn) -> dict[str, Any]:
    _require_active(request)
    return _screen([payload])[0]


@router.post(
    "/batch",
    response=BatchOut,
    auth=SIGNED_IN,
    summary="Screen up to 100 texts",
    description=f"At most {BATCH_MAX_ITEMS} items and {BATCH_MAX_CHARS:,} characters in all; verdicts come back in "
    "the order of the items, each with its `id`.",
)
def screen_batch(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    _require_active(request)
    total = sum(len(item.text) + len(item.title or "") for item in payload.items)
    if total > BATCH_MAX_CHARS:
        raise PayloadTooLarge(
            _("The batch has %(size)d characters; the limit is %(limit)d.") % {"size": total, "limit": BATCH_MAX_CHARS},
            field="items",
        )
    return {"results": _screen(payload.items)}


# --- files (Art. 15): POST /screen/file, the engine's screen_file with the platform's hash bank and ClamAV ---------


class FileFindingOut(Schema):
    kind: str = Field(description="type, hash, yara, clamav or archive")
    code: str = Field(description="executable, script, name_mismatch, the rule or signature, depth, members, ratio...")
    path: str = Field(description="where: the file name, then archive members joined by !")
    detail: str
    suggestion: str


class FileVerdictOut(Schema):
    suggestion: str = Field(description="pass, review or block")
    name: str
    mime: str | None = Field(description="the type identified from the content, not the name")
    extension: str | None
    size: int
    sha256: str
    md5: str
    members: int = Field(description="archive members screened, all levels")
    expanded_bytes: int
    findings: list[FileFindingOut]


@router.post(
    "/file",
    response=FileVerdictOut,
    auth=SIGNED_IN,
    summary="Screen a file for viruses and destructive programs (Art. 15)",
    description="Multipart upload in the field `file` (`ZILU_SCREEN_FILE_MAX_BYTES`, 32 MiB by default). Type by "
    "content, file-hash bank, YARA rules, ClamAV where configured; zip/tar/gz members recursively within limits.",
)
def screen_file(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    _require_active(request)
    limit = int(settings.ZILU_SCREEN_FILE_MAX_BYTES)
    if file.size is None or file.size > limit:
        raise PayloadTooLarge(
            _("The file has %(size)d bytes; the limit is %(limit)d.") % {"size": file.size or 0, "limit": limit},
            field="file",
        )
    verdict = scan(file.read(), name=file.name)
    metrics.screened([verdict.suggestion], kind="file")
    return {"name": file.name or "", **verdict.to_dict()}


# --- images: POST /screen/image (multipart) and /screen/images (base64), matched against the image bank (PDQ) ------

IMAGES_MAX_ITEMS = 10


class ImageInfoOut(Schema):
    pdq: str = Field(description="the image's PDQ hash, 64 hex digits")
    quality: int = Field(description="PDQ quality 0-100; below 50 the image is too flat to be banked")
    width: int
    height: int
    format: str = Field(description="the format its content shows: JPEG, PNG, GIF, WEBP or BMP")


class ImageMatchOut(Schema):
    entry: str = Field(description="the image bank entry's id")
    label: str
    severity: int
    distance: int = Field(description="Hamming distance between the PDQ hashes (0-256)")
    variant: str = Field(description="which dihedral variant of the image matched: original, flip_x, rotate90...")
    suggestion: str


class ImageVerdictOut(Schema):
    id: str | int | None = None
    suggestion: str = Field(description="pass, review or block")
    labels: list[str]
    image: ImageInfoOut
    low_quality: bool = Field(description="the image's hash is of low quality (below 50: a flat image), less reliable")
    threshold: int = Field(description="the image bank's match threshold (largest distance counted as a match)")
    matches: list[ImageMatchOut]


class ImageIn(BaseModel):
    id: Reference = Field(None, description="your reference, echoed back")
    image: str = Field(description="the image file, base64")


def _upload(file: UploadedFile, limit: int, message: str) -> bytes:
    """The bytes of an uploaded ``file``, or a 413 problem naming the field when it is over ``limit``."""
    if file.size is None or file.size > limit:
        raise PayloadTooLarge(message % {"size": file.size or 0, "limit": limit}, field="file")
    return file.read()


class ImagesIn(BaseModel):
    items: list[ImageIn] = Field(max_length=IMAGES_MAX_ITEMS)


class ImagesOut(BaseModel):
    results: list[ImageVerdictOut]


@router.post(
    "/image",
    response=ImageVerdictOut,
    auth=SIGNED_IN,
    summary="Screen an image against the image bank (PDQ)",
    description="Multipart upload in the field `file` (`ZILU_SCREEN_IMAGE_MAX_BYTES`, 20 MiB, and "
    "`ZILU_SCREEN_IMAGE_MAX_PIXELS`, 40 million pixels, by default). JPEG, PNG, GIF, WebP or BMP by content; anything "
    "else is a 422 problem naming the field. Matches within the bank's threshold, mirrored and rotated copies too.",
)
def screen_image(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    _require_active(request)
    data = _upload(
        file, int(settings.ZILU_SCREEN_IMAGE_MAX_BYTES), _("The image has %(size)d bytes; the limit is %(limit)d.")
    )
    result = media.screen_image(data, "file")
    metrics.screened([result["suggestion"]], kind="image")
    return result


@router.post(
    "/images",
    response=ImagesOut,
    auth=SIGNED_IN,
    summary="Screen up to 10 images given in base64",
    description="Each item's `image` is the file in base64, under the same limits as /screen/image; a problem names "
    "the item (`items[0].image`).",
)
def screen_images(request: HttpRequest, payload: ImagesIn) -> dict[str, Any]:
    _require_active(request)
    results = []
    for number, item in enumerate(payload.items):
        field = f"items[{number}].image"
        try:
            data = base64.b64decode(item.image, validate=True)
        except (ValueError, binascii.Error):
            raise ValidationFailed(
                errors=[{"field": field, "reason": _("The image is not valid base64."), "code": "base64"}]
            ) from None
        results.append({"id": item.id, **media.screen_image(data, field)})
    metrics.screened([r["suggestion"] for r in results], kind="image")
    return {"results": results}


class VideoMatchOut(Schema):
    entry: str = Field(description="the video bank entry's id")
    label: str
    severity: int
    distance: int = Field(description="the largest Hamming distance among the matching frames")
    score: float = Field(description="share of the video's distinct frame hashes that match the entry's frames")
    variant: str
    suggestion: str


class VideoVerdictOut(Schema):
    suggestion: str = Field(description="pass, review or block")
    labels: list[str]
    frames: int = Field(description="frames hashed (one a second)")
    usable_frames: int = Field(description="distinct frame hashes of quality 50 or more, the ones matched")
    threshold: int
    matches: list[VideoMatchOut]


@router.post(
    "/video",
    response=VideoVerdictOut,
    auth=SIGNED_IN,
    summary="Screen a video against the video bank (vPDQ)",
    description="Multipart upload in the field `file` (`ZILU_SCREEN_FILE_MAX_BYTES`). One PDQ hash a second (vPDQ); "
    "a video matches an entry when 80 % of its distinct frame hashes are within the bank's threshold of the entry's "
    "frames. 422 naming `file` for what is not a video; 503 where the vPDQ bindings are not installed.",
)
def screen_video(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    _require_active(request)
    data = _upload(
        file, int(settings.ZILU_SCREEN_FILE_MAX_BYTES), _("The file has %(size)d bytes; the limit is %(limit)d.")
    )
    result = media.screen_video(data, "file")
    metrics.screened([result["suggestion"]], kind="video")
    return result
