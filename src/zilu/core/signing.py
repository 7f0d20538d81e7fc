"""The platform's Ed25519 signing key: it signs the bank exports and change sets (``banks.sync``) and the audit
heads published each day (``oversight``), so that a member or an outside auditor can check both with one public key.

The key is read from ``ZILU_BANKS_SIGNING_KEY`` (a PEM file; default ``<ZILU_VAR_DIR>/banks-signing-key.pem``, the
name kept from when only the banks signed) and generated there, readable by the owner only, on first use.
"""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from zilu.core.signatures import canonical_bytes, key_id

_lock = threading.Lock()
_keys: dict[str, Ed25519PrivateKey] = {}


def signing_key() -> Ed25519PrivateKey:
    """The platform's private key, loaded once per process, generated on first use."""
    path = Path(settings.ZILU_BANKS_SIGNING_KEY)
    with _lock:
        cached = _keys.get(str(path))
        if cached is not None:
            return cached
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use theirs
                pass
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(pem)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        _keys[str(path)] = key
        return key


def public_key_info() -> dict[str, str]:
    """The public key anyone verifies with: base64 of the 32 raw bytes, and its id."""
    raw = signing_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"algorithm": "ed25519", "public_key": base64.b64encode(raw).decode("ascii"), "key_id": key_id(raw)}


def sign(payload: dict[str, Any]) -> dict[str, Any]:
    """The signed document: the payload and the Ed25519 signature over its canonical JSON."""
    info = public_key_info()
    value = base64.b64encode(signing_key().sign(canonical_bytes(payload))).decode("ascii")
    return {"payload": payload, "signature": {"algorithm": "ed25519", "key_id": info["key_id"], "value": value}}


__all__ = ["public_key_info", "sign", "signing_key"]
