"""``zilu banks import BANK FILE``, ``zilu banks list`` and ``zilu banks export BANK`` on the platform;
``zilu banks pull`` (a member's side, without Django) is handled by ``zilu.cli`` through ``zilu.banks.pull``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.banks import actions, sync
from zilu.banks.entries import FORMATS
from zilu.banks.models import Bank, BankState, Entry
from zilu.core.errors import DomainError
from zilu.core.system import SystemActor


class Command(BaseCommand):
    help = "Import entries into a shared bank, list the banks, or print a signed export."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="import a file into a bank (entries are active at once)")
        imp.add_argument("bank", choices=Bank.values)
        imp.add_argument("file", nargs="+", help="line format, CSV, JSON or JSON Lines (rumors: piyao/DXY/CHECKED)")
        imp.add_argument("--format", choices=FORMATS, default="", help="default: guessed from the name and content")
        imp.add_argument("--reason", default="", help="why these entries belong in the bank")
        imp.add_argument("--evidence", default="", help="evidence link")
        imp.add_argument("--json", action="store_true", help="print the full report as JSON")
        sub.add_parser("list", help="the banks, their versions and counts")
        exp = sub.add_parser("export", help="print the signed full export of a bank")
        exp.add_argument("bank", choices=Bank.values)
        sub.add_parser("public-key", help="print the platform's sync public key")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "list":
            for state in BankState.objects.order_by("bank"):
                active = Entry.objects.served().filter(bank=state.bank).count()
                pending = Entry.objects.filter(bank=state.bank, status=Entry.Status.PENDING).count()
                self.stdout.write(f"{state.bank}\tv{state.version}\tactive {active}\tpending {pending}")
            return
        if command == "export":
            self.stdout.write(json.dumps(sync.sign(sync.export(options["bank"])), ensure_ascii=False))
            return
        if command == "public-key":
            info = sync.public_key_info()
            self.stdout.write(f"{info['algorithm']} {info['public_key']} {info['key_id']}")
            return
        actor = SystemActor()
        for name in options["file"]:
            path = Path(name)
            try:
                content = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            try:
                report = actions.do_import(
                    actor, options["bank"], content, fmt=options["format"], name=path.name,
                    reason=options["reason"] or f"zilu banks import {path.name}", evidence_url=options["evidence"],
                )  # fmt: skip
            except DomainError as exc:
                raise CommandError(f"{path}: {exc.message}") from exc
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
                continue
            self.stdout.write(
                f"{path.name}: added {report.added}, duplicated {report.duplicated}, rejected {report.rejected}"
                + (f" (versions {report.first_version}-{report.last_version})" if report.added else "")
            )
            reasons: dict[str, int] = {}
            for row in report.rejections:
                reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
            for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
                self.stdout.write(f"  rejected {count}: {reason}")
