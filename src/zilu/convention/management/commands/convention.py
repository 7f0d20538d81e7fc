"""``zilu convention import FILE`` / ``publish N`` / ``list``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.convention import actions
from zilu.convention.models import ConventionVersion
from zilu.core.errors import DomainError
from zilu.core.management.dates import parse_date as _date
from zilu.core.system import SystemActor


class Command(BaseCommand):
    help = "Import, publish and list versions of the convention."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="import a UTF-8 text file as a new draft version")
        imp.add_argument("file")
        imp.add_argument("--effective", help="effective date YYYY-MM-DD (default: the text's signing date)")
        imp.add_argument(
            "--publish",
            nargs="?",
            const="today",
            help="also publish it, on the given date (default today)",
        )
        pub = sub.add_parser("publish", help="publish a draft version")
        pub.add_argument("number", type=int)
        pub.add_argument("--on", help="publication date YYYY-MM-DD (default today)")
        sub.add_parser("list", help="list versions")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor()
        try:
            getattr(self, "_" + options["subcommand"])(actor, options)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc

    def _import(self, actor: SystemActor, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            raw = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        effective = _date(options["effective"]) if options.get("effective") else None
        version = actions.do_import_version(actor, raw, effective_date=effective, source_name=path.name)
        self.stdout.write(
            f"imported version {version.number}: {len(version.parsed.articles)} articles, "
            f"effective {version.effective_date}, sha256 {version.sha256}"
        )
        if options.get("publish"):
            on = None if options["publish"] == "today" else _date(options["publish"])
            actions.do_publish_version(actor, version.pk, published_on=on)
            self.stdout.write(f"published version {version.number}")

    def _publish(self, actor: SystemActor, options: dict[str, Any]) -> None:
        version = ConventionVersion.objects.filter(number=options["number"]).first()
        if version is None:
            raise CommandError(f"no version {options['number']}")
        on = _date(options["on"]) if options.get("on") else None
        actions.do_publish_version(actor, version.pk, published_on=on)
        self.stdout.write(f"published version {version.number}")

    def _list(self, actor: SystemActor, options: dict[str, Any]) -> None:
        for v in ConventionVersion.objects.order_by("number"):
            self.stdout.write(
                f"v{v.number}\t{v.status}\teffective {v.effective_date}\tdeadline {v.publication_deadline}\t"
                f"published {v.published_on}\t{v.sha256[:16]}"
            )
