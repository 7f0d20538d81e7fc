"""``zilu bulletins publish --period 2026Q4 [--corrects N --note TEXT]`` and ``zilu bulletins list``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core.errors import DomainError
from zilu.core.system import SystemActor
from zilu.members.actions import do_publish_bulletin
from zilu.members.models import Bulletin


class Command(BaseCommand):
    help = "Publish the join/withdraw bulletin of a period (Art. 23), or list the published ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        publish = sub.add_parser("publish", help="publish the bulletin of a period that has ended")
        publish.add_argument("--period", required=True, help="2026Q4, 2026-11 or 2026")
        publish.add_argument("--corrects", type=int, help="the number of the bulletin this one corrects")
        publish.add_argument("--note", default="", help="what the correction changes")
        publish.add_argument("--interim", action="store_true", help="the running period as it stands today")
        sub.add_parser("list", help="list published bulletins")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            for b in Bulletin.objects.order_by("number"):
                corrects = f"\tcorrects {b.corrects.number}" if b.corrects else ""
                self.stdout.write(
                    f"{b.number}\t{b.period}\t{b.published_on}\tjoins {len(b.entries['joins'])}\t"
                    f"withdrawals {len(b.entries['withdrawals'])}{corrects}"
                )
            return
        try:
            bulletin = do_publish_bulletin(
                SystemActor(), options["period"], corrects=options.get("corrects"), note=options["note"],
                interim=options.get("interim", False),
            )  # fmt: skip
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"published bulletin No. {bulletin.number} for {bulletin.period}: "
            f"{len(bulletin.entries['joins'])} joins, {len(bulletin.entries['withdrawals'])} withdrawals, "
            f"sha256 {bulletin.content_sha256}"
        )
