"""What an entry of each bank is: checking one raw entry into its key and data, the form the sync serves, and the
import formats (the engine's simple line formats, CSV, and the rumor data sets' JSON shapes).

Pure functions, no database: the actions in ``banks.actions`` call them.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from zilu.screening import canonical_domain
from zilu.screening.images import MIN_QUALITY, ImageError, check_pdq, hash_entry_image

LABEL = re.compile(r"^[\w.\-]{1,40}$")
HEX = re.compile(r"^[0-9a-f]+$")
HASH_LENGTHS = {64: "sha256", 32: "md5"}
TERM_MAX = 100
CLAIM_MAX = 2000
FORMATS = ("lines", "csv", "json", "jsonl")
# Rumor data sets: which records are claims to match. piyao.org.cn titles are keyed 谣言 (a rumor) or 误区 (a
# misconception), both false claims; 辟谣 titles report a refutation (news, not the claim) and 事实 ones are facts.
# The DXY feed's rumorType 0 is a rumor, 1 true, 2 undetermined.
PIYAO_RUMOR_KEYWORDS = {"谣言", "误区"}


class EntryError(ValueError):
    """A raw entry that cannot become a bank entry; ``code`` is stable, the message translatable."""

    def __init__(self, message: str, code: str = "invalid", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


def _text(raw: dict[str, Any], *names: str) -> str:
    for name in names:
        value = raw.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _severity(raw: dict[str, Any], default: int) -> int:
    value = raw.get("severity")
    if value in (None, ""):
        return default
    try:
        severity = int(value)
    except (TypeError, ValueError):
        severity = 0
    if severity not in (1, 2, 3):
        raise EntryError(_("Severity must be 1, 2 or 3."), "severity", "severity")
    return severity


def _list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = re.split(r"[,;|，、]", value)
    if not isinstance(value, list | tuple):
        raise EntryError(_("A list of words is expected."), "format")
    return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))


def normalize_claim(claim: str) -> str:
    """The claim as compared for duplicates: NFKC, lower case, without spaces and punctuation."""
    folded = unicodedata.normalize("NFKC", claim).lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def check_entry(bank: str, raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``(key, data)`` for a raw entry of ``bank``, or :class:`EntryError`."""
    checker = _CHECKERS.get(bank)
    if checker is None:
        raise EntryError(_("Unknown bank."), "bank", "bank")
    return checker(raw)


def _check_term(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    term = _text(raw, "term", "value")
    if not term:
        raise EntryError(_("Give the term."), "required", "term")
    if len(term) > TERM_MAX or "\n" in term:
        raise EntryError(_("A term is one line of at most %(n)d characters.") % {"n": TERM_MAX}, "length", "term")
    labels = _list(raw.get("labels") or raw.get("label"))
    if not labels:
        raise EntryError(_("Give at least one label."), "required", "labels")
    if not all(LABEL.match(label) for label in labels):
        raise EntryError(_("Labels are words of letters, digits, dots, dashes or underscores."), "label", "labels")
    data: dict[str, Any] = {"term": term, "labels": labels, "severity": _severity(raw, 2)}
    context = _list(raw.get("context"))
    if context:
        data["context"] = context
    needs_context = raw.get("needs_context", False)
    if needs_context not in (True, False, "true", "false", "1", "0", 1, 0, "on", ""):
        raise EntryError(_("needs_context is true or false."), "boolean", "needs_context")
    if needs_context in (True, "true", "1", 1, "on"):
        data["needs_context"] = True  # an everyday word: counts only with a context term or another term nearby
    return term, data


def _check_allow(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    word = _text(raw, "term", "word", "value")
    if not word:
        raise EntryError(_("Give the word."), "required", "term")
    if len(word) > TERM_MAX or "\n" in word:
        raise EntryError(_("A word is one line of at most %(n)d characters.") % {"n": TERM_MAX}, "length", "term")
    return word, {"term": word}


def _check_domain(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    value = _text(raw, "value", "domain", "url", "prefix")
    if not value:
        raise EntryError(_("Give the domain or URL prefix."), "required", "value")
    host = canonical_domain(value)
    if host is None or "." not in host:
        raise EntryError(_("Not a domain name or URL."), "domain", "value")
    rest = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", value.strip())
    path = rest[len(rest.split("/", 1)[0]) :] if "/" in rest else ""
    path = path.split("#", 1)[0].rstrip("/")
    label = _text(raw, "label") or "link.blocked"
    if not LABEL.match(label):
        raise EntryError(_("Labels are words of letters, digits, dots, dashes or underscores."), "label", "label")
    key = host + path
    data = {"value": key, "kind": "prefix" if path else "domain", "label": label, "severity": _severity(raw, 3)}
    return key, data


def _check_rumor(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    claim = _text(raw, "claim", "text", "title")
    if not claim:
        raise EntryError(_("Give the claim."), "required", "claim")
    if len(claim) > CLAIM_MAX:
        raise EntryError(_("A claim has at most %(n)d characters.") % {"n": CLAIM_MAX}, "length", "claim")
    normalized = normalize_claim(claim)
    if len(normalized) < 4:
        raise EntryError(_("The claim is too short to match anything reliably."), "too_short", "claim")
    data = {
        "claim": claim,
        "debunk": _text(raw, "debunk")[: CLAIM_MAX * 2],
        "source": _text(raw, "source")[:200],
        "date": _text(raw, "date")[:10],
    }
    link = _text(raw, "link", "url")
    if link:
        data["link"] = link[:500]
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest(), data


def _check_hash(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    value = _text(raw, "hash", "value").lower()
    algorithm = _text(raw, "algorithm").lower().replace("-", "")
    if ":" in value:
        algorithm, value = value.split(":", 1)
    if not value or not HEX.match(value) or len(value) not in HASH_LENGTHS:
        raise EntryError(_("A hash is 64 hexadecimal digits (SHA-256) or 32 (MD5)."), "hash", "hash")
    expected = HASH_LENGTHS[len(value)]
    if algorithm and algorithm != expected:
        raise EntryError(_("The hash does not have the length of its algorithm."), "hash", "algorithm")
    label = _text(raw, "label") or "file.harmful"
    if not LABEL.match(label):
        raise EntryError(_("Labels are words of letters, digits, dots, dashes or underscores."), "label", "label")
    return f"{expected}:{value}", {"algorithm": expected, "value": value, "label": label, "severity": _severity(raw, 3)}


VIDEO_FRAMES_MAX = 10_000
CROPS_MAX = 64


def _quality(raw: dict[str, Any]) -> int | None:
    value = raw.get("quality")
    if value in (None, ""):
        return None
    try:
        quality = int(value)
    except (TypeError, ValueError):
        quality = -1
    if not 0 <= quality <= 100:
        raise EntryError(_("The quality is a whole number from 0 to 100."), "quality", "quality")
    if quality < MIN_QUALITY:
        raise EntryError(
            _("A hash of quality below %(q)d matches unreliably; give a clearer image.") % {"q": MIN_QUALITY},
            "low_quality", "quality",
        )  # fmt: skip
    return quality


def _media_label(raw: dict[str, Any], default: str) -> str:
    label = _text(raw, "label") or default
    if not LABEL.match(label):
        raise EntryError(_("Labels are words of letters, digits, dots, dashes or underscores."), "label", "label")
    return label


def _check_image(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """An image: its PDQ hash (``hash``, ``pdq`` or ``value``, 64 hex digits, optionally ``pdq:``-prefixed) with its
    quality (and ``crops``, as exports carry them), or the image itself (``image``, base64), hashed here with the
    hashes of its slight crops."""
    image = raw.get("image")
    quality: int | None
    if isinstance(image, str) and image.strip():
        try:
            hashed, crops = hash_entry_image(base64.b64decode(image.strip(), validate=True))
        except (ValueError, binascii.Error):
            raise EntryError(_("The image is not valid base64."), "base64", "image") from None
        except ImageError as exc:
            raise EntryError(_("Not an image that can be hashed: %(why)s") % {"why": exc.message}, exc.code,
                             "image") from None  # fmt: skip
        value, quality = hashed.hash, _quality({"quality": hashed.quality})
    else:
        try:
            value = check_pdq(_text(raw, "hash", "pdq", "value"))
        except ValueError:
            raise EntryError(_("A PDQ hash is 64 hexadecimal digits."), "hash", "hash") from None
        quality = _quality(raw)
        crops = _crops(raw.get("crops"))
    data: dict[str, Any] = {"pdq": value, "quality": quality, "label": _media_label(raw, "image.harmful"),
                            "severity": _severity(raw, 3)}  # fmt: skip
    if crops:
        data["crops"] = list(crops)
    return f"pdq:{value}", data


def _crops(value: Any) -> tuple[str, ...]:
    """The hashes of an image's slight crops, as an export carries them (``zilu.screening.images.crop_hashes``)."""
    if value in (None, "", []):
        return ()
    if not isinstance(value, list) or len(value) > CROPS_MAX:
        raise EntryError(_("At most %(n)d crop hashes.") % {"n": CROPS_MAX}, "length", "crops")
    try:
        return tuple(dict.fromkeys(check_pdq(str(v)) for v in value))
    except ValueError:
        raise EntryError(_("A PDQ hash is 64 hexadecimal digits."), "hash", "crops") from None


def _check_video(raw: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A video: the PDQ hashes of its frames (vPDQ), ``frames`` as a list of hex digests (or of objects with a
    ``hash``), or a string of them separated by commas, spaces or line breaks."""
    frames = raw.get("frames")
    if isinstance(frames, str):
        frames = [f for f in re.split(r"[\s,;]+", frames) if f]
    if not isinstance(frames, list) or not frames:
        raise EntryError(_("Give the PDQ hashes of the video's frames."), "required", "frames")
    if len(frames) > VIDEO_FRAMES_MAX:
        raise EntryError(_("At most %(n)d frame hashes.") % {"n": VIDEO_FRAMES_MAX}, "length", "frames")
    try:
        hashes = sorted({check_pdq(f.get("hash", "") if isinstance(f, dict) else str(f)) for f in frames})
    except ValueError:
        raise EntryError(_("A PDQ hash is 64 hexadecimal digits."), "hash", "frames") from None
    data = {"frames": hashes, "label": _media_label(raw, "video.harmful"), "severity": _severity(raw, 3)}
    return "vpdq:" + hashlib.sha256("".join(hashes).encode("ascii")).hexdigest(), data


_CHECKERS = {
    "terms": _check_term,
    "allow": _check_allow,
    "domains": _check_domain,
    "rumors": _check_rumor,
    "hashes": _check_hash,
    "images": _check_image,
    "videos": _check_video,
}


def sync_form(entry_id: int, key: str, data: dict[str, Any]) -> dict[str, Any]:
    """An entry as the sync serves it: its id, key and data."""
    return {"id": entry_id, "key": key, **data}


# ------------------------------------------------------------------------------------------ import formats


def guess_format(bank: str, name: str, content: str) -> str:
    """The format of an import file, from its name, then its first character."""
    lower = name.lower()
    for fmt, suffixes in (("csv", (".csv",)), ("jsonl", (".jsonl", ".ndjson")), ("json", (".json",))):
        if lower.endswith(suffixes):
            return fmt
    head = content.lstrip("\ufeff \r\n\t")[:1]
    if head == "[":
        return "json"
    if head == "{":
        return "jsonl"
    return "lines"


def parse_import(bank: str, content: str, fmt: str) -> Iterator[tuple[int, dict[str, Any] | EntryError]]:
    """``(line or record number, raw entry or the reason it is not one)`` for each record of an import."""
    content = content.lstrip("\ufeff")
    if fmt == "csv":
        yield from _parse_csv(content)
    elif fmt == "json":
        try:
            records = json.loads(content)
        except ValueError as exc:
            yield 0, EntryError(_("Not JSON: %(error)s") % {"error": exc}, "invalid_json")
            return
        if not isinstance(records, list):
            yield 0, EntryError(_("A JSON import is a list of objects."), "format")
            return
        for number, record in enumerate(records, 1):
            yield number, _record(bank, record)
    elif fmt == "jsonl":
        for number, line in enumerate(content.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                yield number, EntryError(_("Not a JSON line."), "invalid_json")
                continue
            yield number, _record(bank, record)
    else:
        for number, line in enumerate(content.splitlines(), 1):
            line = line.strip()
            if line and not line.startswith("#"):
                yield number, _line(bank, line)


def _parse_csv(content: str) -> Iterator[tuple[int, dict[str, Any] | EntryError]]:
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames:
        yield 0, EntryError(_("The CSV file has no header row."), "format")
        return
    for row in reader:
        yield reader.line_num, {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}


def _line(bank: str, line: str) -> dict[str, Any]:
    """The engine's line formats: ``term label[,label]``; one word; one domain or URL prefix; one hash (file hash or
    PDQ, optionally followed by a label); a video's frame hashes separated by commas."""
    if bank == "terms":
        parts = line.rsplit(maxsplit=1)
        return {"term": parts[0], "labels": parts[1] if len(parts) == 2 else "term"}
    if bank in ("hashes", "images"):
        parts = line.split()
        return {"hash": parts[0], "label": parts[1] if len(parts) > 1 else ""}
    if bank == "rumors":
        return {"claim": line}
    if bank == "videos":
        return {"frames": line}
    if bank == "domains":
        return {"value": line}
    return {"term": line}


def _record(bank: str, record: Any) -> dict[str, Any] | EntryError:
    if not isinstance(record, dict):
        return EntryError(_("A record is a JSON object."), "format")
    if bank != "rumors":
        return record
    if "rumorType" in record:  # the DXY rumor feed
        if record.get("rumorType") != 0:
            return EntryError(
                _("Not marked as a rumor (rumorType %(t)s).") % {"t": record.get("rumorType")}, "not_rumor"
            )
        return {
            "claim": record.get("title"),
            "debunk": " ".join(str(record.get(k) or "").strip() for k in ("mainSummary", "body")).strip(),
            "source": "dxy",
            "link": record.get("sourceUrl") or "",
        }
    if "keyword" in record and "title" in record:  # piyao.org.cn titles
        if record.get("keyword") not in PIYAO_RUMOR_KEYWORDS:
            return EntryError(_("Not marked as a rumor (%(k)s).") % {"k": record.get("keyword")}, "not_rumor")
        return {
            "claim": record.get("title"),
            "source": record.get("source") or "piyao.org.cn",
            "date": record.get("date") or "",
            "link": record.get("link") or "",
        }
    if "debunk" in record and "text" in record:  # CHECKED posts with the expert debunk
        return {"claim": record.get("text"), "debunk": record.get("debunk"), "date": record.get("date") or ""}
    return record
