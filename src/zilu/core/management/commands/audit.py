"""``zilu audit verify`` and ``zilu audit head``."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core import audit, signing

HEX64 = re.compile(r"[0-9a-f]{64}")


class Command(BaseCommand):
    help = "Verify the audit hash chain, or print its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="walk the chain and report the first bad entry")
        verify.add_argument(
            "--head",
            help="a head kept outside the database that must still be in the chain: a hash noted earlier, or a file or "
            "http(s) URL of published heads (the JSON of GET /api/v1/oversight/published-heads); the heads the "
            "platform published are checked in any case",
        )
        verify.add_argument(
            "--public-key",
            help="the platform's public key (base64) to check the signatures of a --head file with; by default the "
            "key of this installation",
        )
        verify.add_argument(
            "--file", help="check a downloaded extract (zilu-audit-extract/1 JSON) offline, without the database"
        )
        sub.add_parser("head", help="print the current head (seq and hash)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            head = audit.head()
            self.stdout.write(f"{head.seq} {head.hash}")
            return
        if options.get("file"):
            self._verify_file(options["file"])
            return
        noted, anchors = self._head(options.get("head"), options.get("public_key"))
        result = audit.verify_chain(noted, anchors=[*audit.registered_anchors(), *anchors])
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN ({result.problem}): {result.detail}; checked {result.checked} entries"
            )
        unsigned = f", {result.unsigned} of them unsigned" if result.unsigned else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain OK: {result.checked} entries, head #{result.head.seq} {result.head.hash}; "
                f"{result.anchors} anchor head(s) checked{unsigned}"
            )
        )

    def _head(self, value: str | None, public_key: str | None) -> tuple[str | None, list[audit.Anchor]]:
        """A noted hash, or the anchors of a heads file or URL."""
        if not value:
            return None, []
        if HEX64.fullmatch(value):
            return value, []
        try:
            if value.startswith(("http://", "https://")):
                with urllib.request.urlopen(value, timeout=30) as response:  # noqa: S310  (http(s) only, checked above)
                    data = json.loads(response.read().decode("utf-8-sig"))
            else:
                data = json.loads(Path(value).read_text(encoding="utf-8-sig"))
            key = public_key or signing.public_key_info()["public_key"]
            return None, audit.anchors_from_document(data, Path(value).name or value, key)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the heads in {value}: {exc}") from exc

    def _verify_file(self, path: str) -> None:
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        result = audit.verify_extract(data)
        if not result.ok:
            raise CommandError(f"audit extract BROKEN ({result.problem}): {result.detail}; checked {result.checked}")
        self.stdout.write(
            self.style.SUCCESS(
                f"audit extract OK: {result.checked} entries, each matches its hash and consecutive entries link; "
                f"newest #{result.head.seq} {result.head.hash}"
            )
        )
