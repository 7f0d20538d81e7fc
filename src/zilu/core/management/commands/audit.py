"""``zilu audit verify`` and ``zilu audit head``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core import audit


class Command(BaseCommand):
    help = "Verify the audit hash chain, or print its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="walk the chain and report the first bad entry")
        verify.add_argument("--head", help="a head hash noted earlier that must still be in the chain")
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
        result = audit.verify_chain(options.get("head"))
        if not result.ok:
            raise CommandError(
                f"audit chain BROKEN ({result.problem}): {result.detail}; checked {result.checked} entries"
            )
        self.stdout.write(
            self.style.SUCCESS(f"audit chain OK: {result.checked} entries, head #{result.head.seq} {result.head.hash}")
        )

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
