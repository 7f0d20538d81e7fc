"""A member's side of the bank sync: fetch, verify the platform's Ed25519 signature, apply, write engine files.

No Django here: ``zilu banks pull`` runs this in a member's own installation, without settings or a database::

    zilu banks pull --url https://zilu.example.cn --token zilu_... --out /etc/zilu-banks

Documents are ``{"payload": {...}, "signature": {"algorithm": "ed25519", "key_id": ..., "value": <base64>}}``; the
signature covers the canonical JSON of the payload (sorted keys, no spaces, UTF-8). The first pull pins the
platform's public key in ``<out>/platform-key.json`` (or takes it from ``--public-key``); later pulls refuse a
document signed by another key. State (each bank's version and entries) lives in ``<out>/state.json``; the engine
reads ``terms.json``, ``allow.json``, ``domains.json`` and ``rumors.json`` (``zilu-bank/1`` exports, see
docs/screening.md); ``hashes.json`` feeds the file scanner's ``HashBank``; ``domains.json`` holds the harmful
domains and URL prefixes (the engine matches both), and ``url-prefixes.json`` lists the URL prefixes alone;
``images.json`` and ``videos.json`` hold the PDQ and vPDQ entries with the bank's match threshold, for
``zilu.screening.images.load_image_bank``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zilu.core import signatures
from zilu.core.signatures import key_id

SYNC_FORMAT = "zilu-bank-sync/1"
BANKS = ("terms", "allow", "domains", "rumors", "hashes", "images", "videos")

Fetch = Callable[[str], bytes]


class SyncError(Exception):
    """A sync document that cannot be trusted or applied."""


def verify(document: Any, public_key_b64: str) -> dict[str, Any]:
    """The payload of a signed sync document if the signature is the platform's, else :class:`SyncError`."""
    try:
        payload = signatures.verify(document, public_key_b64)
    except signatures.SignatureError as exc:
        raise SyncError(str(exc).replace("not a signed document", "not a signed sync document")) from None
    if payload.get("format") != SYNC_FORMAT:
        raise SyncError(f"unknown format {payload.get('format')!r}")
    return payload


def apply(entries: dict[str, dict[str, Any]], payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The bank's entries (by id) after an export or a change set."""
    if payload.get("type") == "export":
        return {str(e["id"]): e for e in payload["entries"]}
    out = dict(entries)
    for entry in [*payload.get("additions", []), *payload.get("changes", [])]:
        out[str(entry["id"])] = entry
    for removal in payload.get("removals", []):
        out.pop(str(removal["id"]), None)
    return out


def engine_document(bank: str, version: int, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """What the engine loads for ``bank``: a ``zilu-bank/1`` export for terms, allow-list, domains (with the URL
    prefixes, which the engine matches too) and rumors; the file hashes as a list (``HashBank`` takes a mapping)."""
    if bank == "terms":
        items = []
        for e in entries:
            item = {"id": str(e["id"]), "term": e["term"], "labels": e["labels"], "severity": e["severity"]}
            if e.get("context"):
                item["context"] = e["context"]
            if e.get("needs_context"):
                item["needs_context"] = True
            items.append(item)
        return {"format": "zilu-bank/1", "kind": "terms", "version": version, "entries": items}
    if bank == "allow":
        return {"format": "zilu-bank/1", "kind": "allow", "version": version, "entries": [e["term"] for e in entries]}
    if bank == "domains":
        items = [{"domain": e["value"], "label": e["label"], "severity": e["severity"]} for e in entries]
        return {"format": "zilu-bank/1", "kind": "domains", "version": version, "entries": items}
    if bank == "rumors":
        claims = [
            {"id": str(e["id"]), "text": e["claim"], "debunk": e.get("debunk", ""), "source": e.get("source") or None,
             "date": e.get("date") or None}
            for e in entries
        ]  # fmt: skip
        return {"format": "zilu-bank/1", "kind": "rumors", "version": version, "entries": claims}
    if bank == "images":
        images = [{"id": str(e["id"]), "pdq": e["pdq"], "quality": e.get("quality"), "label": e["label"],
                   "severity": e["severity"], **({"crops": e["crops"]} if e.get("crops") else {})}
                  for e in entries]  # fmt: skip
        return {"format": "zilu-bank/1", "kind": "images", "version": version, "entries": images}
    if bank == "videos":
        videos = [{"id": str(e["id"]), "frames": e["frames"], "label": e["label"], "severity": e["severity"]}
                  for e in entries]  # fmt: skip
        return {"format": "zilu-bank/1", "kind": "videos", "version": version, "entries": videos}
    return {"format": SYNC_FORMAT, "kind": bank, "version": version, "entries": entries}


def http_fetch(base_url: str, token: str | None, timeout: float = 30.0) -> Fetch:
    """A fetcher for ``base_url`` (the platform's address) with the member's API key."""

    def fetch(path: str) -> bytes:
        url = base_url.rstrip("/") + path
        if not url.startswith(("https://", "http://")):
            raise SyncError(f"not an http(s) address: {url}")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (checked above)
            return response.read()

    return fetch


def _write(path: Path, value: Any) -> None:
    """Write JSON atomically (a reader never sees half a file)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def pull(fetch: Fetch, out: Path, banks: tuple[str, ...] = BANKS, public_key: str | None = None) -> dict[str, Any]:
    """Bring the banks in ``out`` up to date; returns ``{bank: {"from": v, "to": v, "entries": n, "kind": ...}}``.

    Nothing is written unless every document verifies.
    """
    out.mkdir(parents=True, exist_ok=True)
    pinned_file = out / "platform-key.json"
    pinned = json.loads(pinned_file.read_text(encoding="utf-8")) if pinned_file.exists() else None
    served = json.loads(fetch("/api/v1/banks/public-key"))
    key = public_key or (pinned or {}).get("public_key") or served["public_key"]
    if served.get("public_key") != key:
        raise SyncError(f"the platform now publishes key {served.get('key_id')}, not the pinned {key_id(_raw(key))}")
    state_file = out / "state.json"
    state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.exists() else {}
    summary: dict[str, Any] = {}
    results: dict[str, Any] = {}
    for bank in banks:
        had = state.get(bank)
        path = f"/api/v1/banks/{bank}/changes?since={had['version']}" if had else f"/api/v1/banks/{bank}/export"
        payload = verify(json.loads(fetch(path)), key)
        if payload.get("bank") != bank:
            raise SyncError(f"asked for bank {bank}, got {payload.get('bank')!r}")
        if had and payload.get("type") == "changes" and payload.get("since") != had["version"]:
            raise SyncError(f"asked for changes since {had['version']}, got since {payload.get('since')}")
        entries = apply(had["entries"] if had else {}, payload)
        results[bank] = {"version": payload["version"], "entries": entries}
        if "threshold" in payload:  # image and video banks: the platform's match threshold travels with them
            results[bank]["threshold"] = payload["threshold"]
        summary[bank] = {
            "from": had["version"] if had else None,
            "to": payload["version"],
            "entries": len(entries),
            "kind": payload["type"],
        }
    state.update(results)
    for bank, value in results.items():
        ordered = sorted(value["entries"].values(), key=lambda e: e["id"])
        document = engine_document(bank, value["version"], ordered)
        if "threshold" in value:
            document["threshold"] = value["threshold"]
        _write(out / f"{bank}.json", document)
        if bank == "domains":
            prefixes = [e for e in ordered if e.get("kind") == "prefix"]
            _write(out / "url-prefixes.json", {"format": SYNC_FORMAT, "kind": "url-prefixes", "entries": prefixes})
    _write(state_file, state)
    if pinned is None:
        _write(pinned_file, {"public_key": key, "key_id": key_id(_raw(key))})
    return summary


def _raw(key_b64: str) -> bytes:
    try:
        return base64.b64decode(key_b64, validate=True)
    except ValueError as exc:
        raise SyncError(f"malformed public key: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    """``zilu banks pull``: see the module docstring."""
    parser = argparse.ArgumentParser(prog="zilu banks pull", description="Fetch, verify and write the shared banks.")
    parser.add_argument("--url", required=True, help="the platform's address, e.g. https://zilu.example.cn")
    parser.add_argument("--token", default=os.environ.get("ZILU_API_KEY"), help="member API key (or ZILU_API_KEY)")
    parser.add_argument("--out", required=True, type=Path, help="folder for the engine's bank files and the state")
    parser.add_argument("--bank", action="append", choices=BANKS, help="only these banks (repeatable)")
    parser.add_argument("--public-key", help="the platform's public key (base64), instead of trusting on first use")
    args = parser.parse_args(argv)
    try:
        summary = pull(http_fetch(args.url, args.token), args.out, tuple(args.bank or BANKS), args.public_key)
    except (SyncError, OSError, ValueError, KeyError) as exc:
        print(f"zilu banks pull: {exc}", file=sys.stderr)
        return 1
    for bank, row in summary.items():
        print(f"{bank}\t{row['kind']}\t{row['from']} -> {row['to']}\t{row['entries']} entries")
    return 0
