"""The platform's image and video matching: the engine's :class:`~zilu.screening.images.ImageSignal` and
:class:`~zilu.screening.videos.VideoSignal` loaded with the active entries of the image and video banks.

One signal per process and bank, rebuilt when the bank's version moves (the versions come from the shared cache, as
for the text screener in ``banks.service``), so curation and a new threshold take effect without a restart.
:func:`screen_image` hashes an upload within the configured limits and answers the matches with the policy's
suggestion; :func:`stored_matches` does the same for stored files (report evidence, review attachments), hashing each
content once (``MediaHash``, keyed by the file's SHA-256).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from zilu.banks.models import Bank, BankState, Entry, MediaHash
from zilu.banks.service import current_bank_versions, get_screener
from zilu.core.errors import PayloadTooLarge, ServiceUnavailable, ValidationFailed
from zilu.core.files import path_of
from zilu.core.models import StoredFile
from zilu.screening.images import (
    DEFAULT_THRESHOLD,
    MIN_QUALITY,
    ImageEntry,
    ImageError,
    ImageHash,
    ImageLimits,
    ImageSignal,
    hash_image,
)
from zilu.screening.videos import VideoEntry, VideoSignal, hash_video

_lock = threading.Lock()
_signals: dict[str, tuple[int, Any]] = {}  # bank -> (version, signal)
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"})
_RANK = {"pass": 0, "review": 1, "block": 2}


def limits() -> ImageLimits:
    """The configured image limits (``ZILU_SCREEN_IMAGE_MAX_BYTES``, ``ZILU_SCREEN_IMAGE_MAX_PIXELS``)."""
    return ImageLimits(
        max_bytes=int(settings.ZILU_SCREEN_IMAGE_MAX_BYTES), max_pixels=int(settings.ZILU_SCREEN_IMAGE_MAX_PIXELS)
    )


def _threshold(bank: str) -> int:
    value = BankState.objects.filter(bank=bank).values_list("threshold", flat=True).first()
    return DEFAULT_THRESHOLD if value is None else int(value)


def _build(bank: str) -> Any:
    rows = Entry.objects.served().filter(bank=bank).values_list("pk", "data")
    if bank == Bank.IMAGES:
        return ImageSignal(
            (ImageEntry(str(pk), d["pdq"], d.get("label") or "image.harmful", d.get("severity", 3), d.get("quality"),
                        tuple(d.get("crops") or ())) for pk, d in rows),
            threshold=_threshold(bank),
        )  # fmt: skip
    return VideoSignal(
        [VideoEntry(str(pk), tuple(d["frames"]), d.get("label") or "video.harmful", d.get("severity", 3))
         for pk, d in rows],
        threshold=_threshold(bank),
    )  # fmt: skip


def signal(bank: str = Bank.IMAGES) -> Any:
    """The process's signal for the image (or video) bank at its current version. While one thread rebuilds it
    (seconds for a large bank: the index is built anew), the others keep matching with the previous one."""
    version = dict(current_bank_versions()).get(bank, 0)
    cached = _signals.get(bank)
    if cached is not None and cached[0] == version:
        return cached[1]
    if not _lock.acquire(blocking=cached is None):
        return cached[1]  # type: ignore[index]  (not None: a non-blocking acquire happens only then)
    try:
        cached = _signals.get(bank)
        if cached is None or cached[0] != version:
            cached = (version, _build(bank))
            _signals[bank] = cached
        return cached[1]
    finally:
        _lock.release()


def reset() -> None:
    """Forget the signals (tests)."""
    with _lock:
        _signals.clear()


def check_image(data: bytes, field: str) -> ImageHash:
    """The hash of an uploaded image, or the problem naming ``field``: 413 beyond the byte limit, 422 for what is
    not an image, a format not accepted, or a decompression bomb."""
    try:
        return hash_image(data, limits())
    except ImageError as exc:
        if exc.code == "too_large":
            raise PayloadTooLarge(
                _("The image has %(size)d bytes; the limit is %(limit)d.")
                % {"size": len(data), "limit": limits().max_bytes},
                field=field,
            ) from None
        reasons = {
            "not_image": _("This is not an image."),
            "format": _("This image format is not accepted: JPEG, PNG, GIF, WebP or BMP."),
            "bomb": _("The image has too many pixels (a decompression bomb, or too large)."),
            "unreadable": _("The image is damaged and cannot be decoded."),
        }
        raise ValidationFailed(errors=[{"field": field, "reason": reasons.get(exc.code, exc.message),
                                        "code": exc.code}]) from None  # fmt: skip


def _suggest(label: str, severity: int) -> str:
    return str(get_screener().policy.suggest((label,), severity))


def matches(image: ImageHash) -> list[dict[str, Any]]:
    """The image bank's entries within the bank's threshold of ``image``, nearest first, each with its distance,
    label, severity, the dihedral variant that matched and the policy's suggestion."""
    return [{**m.to_dict(), "suggestion": _suggest(m.entry.label, m.entry.severity)} for m in signal().match(image)]


def verdict(image: ImageHash) -> dict[str, Any]:
    """What the screening API answers for one image: the suggestion, labels, the hash and the matches."""
    found = matches(image)
    suggestion = max((m["suggestion"] for m in found), key=_RANK.__getitem__, default="pass")
    return {
        "suggestion": suggestion,
        "labels": list(dict.fromkeys(m["label"] for m in found)),
        "image": image.to_dict(),
        "low_quality": image.quality < MIN_QUALITY,
        "threshold": signal().threshold,
        "matches": found,
    }


def screen_image(data: bytes, field: str = "file") -> dict[str, Any]:
    """Hash and match one uploaded image (:func:`check_image`, :func:`verdict`)."""
    return verdict(check_image(data, field))


def image_hits(images: Iterable[ImageHash]) -> list[dict[str, Any]]:
    """The matches of several images as engine hits (``kind`` ``image``, ``field`` ``images[n]``, the PDQ hash as
    ``value``, the distance as ``score``), for the review queue's stored hits."""
    hits = []
    for number, image in enumerate(images):
        for m in matches(image):
            hits.append({
                "kind": "image", "label": m["label"], "labels": [m["label"]], "entry": m["entry"],
                "field": f"images[{number}]", "start": 0, "end": 0, "text": "", "severity": m["severity"],
                "form": m["variant"], "value": image.hash, "context": None, "suggestion": m["suggestion"],
                "score": m["distance"], "debunk": None, "source": None, "distance": m["distance"],
            })  # fmt: skip
    return hits


def hash_of(stored: StoredFile) -> MediaHash:
    """The PDQ hash of a stored image, computed on first use and kept by content (``MediaHash``)."""
    known = MediaHash.objects.filter(sha256=stored.sha256).first()
    if known is not None:
        return known
    pdq, quality, dihedral, error = "", 0, [], ""
    try:
        hashed = hash_image(path_of(stored).read_bytes(), limits())
        pdq, quality, dihedral = hashed.hash, hashed.quality, list(hashed.dihedral)
    except ImageError as exc:
        error = exc.message[:200]
    except OSError as exc:
        error = f"cannot read the file: {exc.strerror or exc}"[:200]
    known, _created = MediaHash.objects.get_or_create(
        sha256=stored.sha256, defaults={"pdq": pdq, "quality": quality, "dihedral": dihedral, "error": error}
    )
    return known


def stored_matches(files: Iterable[StoredFile]) -> list[dict[str, Any]]:
    """For each stored image among ``files``: the file, its hash and its matches in the image bank now (so an entry
    added after the upload is found too). Files that are not images are left out."""
    out = []
    for stored in files:
        if stored.content_type not in IMAGE_TYPES:
            continue
        known = hash_of(stored)
        found: list[dict[str, Any]] = []
        if known.pdq:
            image = ImageHash(known.pdq, known.quality, tuple(known.dihedral) or (known.pdq,), 0, 0, "")
            found = matches(image)
        out.append({"file": stored, "pdq": known.pdq, "quality": known.quality, "error": known.error,
                    "matches": found})  # fmt: skip
    return out


VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/x-matroska", "video/quicktime", "video/x-msvideo",
                         "video/x-flv", "video/mpeg", "video/3gpp"})  # fmt: skip


def screen_video(data: bytes, field: str = "file") -> dict[str, Any]:
    """Hash a video's frames with vPDQ (one a second) and match them against the video bank; 422 naming ``field``
    for what is not a video or cannot be decoded, 503 when the vPDQ bindings are not installed."""
    import filetype

    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in VIDEO_TYPES:
        raise ValidationFailed(errors=[{"field": field, "reason": _("This is not a video."), "code": "not_video"}])
    try:
        import vpdq  # noqa: F401  (the bindings need FFmpeg's libraries: the "video" extra)
    except ImportError:
        raise ServiceUnavailable(_("Video screening is not installed on this platform.")) from None
    with tempfile.NamedTemporaryFile(suffix=f".{kind.extension}") as stream:
        stream.write(data)
        stream.flush()
        try:
            frames = hash_video(stream.name)
        except Exception:  # the bindings raise whatever FFmpeg reports for a damaged file
            raise ValidationFailed(errors=[{"field": field, "reason": _("The video cannot be decoded."),
                                            "code": "unreadable"}]) from None  # fmt: skip
    usable = [h for h, quality in frames if quality >= MIN_QUALITY]
    found = [{**m.to_dict(), "suggestion": _suggest(m.entry.label, m.entry.severity)}
             for m in signal(Bank.VIDEOS).match(usable)]  # fmt: skip
    return {
        "suggestion": max((m["suggestion"] for m in found), key=_RANK.__getitem__, default="pass"),
        "labels": list(dict.fromkeys(m["label"] for m in found)),
        "frames": len(frames),
        "usable_frames": len(set(usable)),
        "threshold": signal(Bank.VIDEOS).threshold,
        "matches": found,
    }
