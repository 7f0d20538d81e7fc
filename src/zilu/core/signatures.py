"""Ed25519 signed documents, without Django: the platform signs bank exports and published audit heads, and anyone
(a member's ``zilu banks pull``, ``zilu audit verify``, an outside auditor) checks them with its public key.

A document is ``{"payload": {...}, "signature": {"algorithm": "ed25519", "key_id": ..., "value": <base64>}}``; the
signature covers the canonical JSON of the payload (sorted keys, no spaces, UTF-8). The platform's key itself is
kept by :mod:`zilu.core.signing`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class SignatureError(Exception):
    """A document that is not signed by the expected key, or was altered."""


def canonical_bytes(payload: Any) -> bytes:
    """The bytes a signature covers: canonical JSON, sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def key_id(public_raw: bytes) -> str:
    """A short name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def verify(document: Any, public_key_b64: str) -> dict[str, Any]:
    """The payload of a signed document if the signature is right for the key, else :class:`SignatureError`."""
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        raise SignatureError("not a signed document")
    signature = document.get("signature") or {}
    if signature.get("algorithm") != "ed25519" or not isinstance(signature.get("value"), str):
        raise SignatureError("the document is not signed with Ed25519")
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
        public.verify(base64.b64decode(signature["value"], validate=True), canonical_bytes(document["payload"]))
    except InvalidSignature:
        raise SignatureError(
            "bad signature: the document was not signed by the platform's key or was altered"
        ) from None
    except ValueError as exc:
        raise SignatureError(f"malformed key or signature: {exc}") from None
    return document["payload"]


__all__ = ["SignatureError", "canonical_bytes", "key_id", "verify"]
