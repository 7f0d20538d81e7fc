"""``zilu calendar``: coverage of the holiday calendar, Civil Code periods and working-day deadlines."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core import deadlines
from zilu.core.management.dates import parse_date as _date


class Command(BaseCommand):
    help = "Show the calendar's coverage, or compute a period or a working-day deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("coverage", help="the dates the holiday calendar covers")
        period = sub.add_parser("period", help="last day of a period of N days from START (Civil Code 201-203)")
        period.add_argument("start")
        period.add_argument("days", type=int)
        work = sub.add_parser("workdays", help="the N-th working day after START")
        work.add_argument("start")
        work.add_argument("n", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "coverage":
                first, last = deadlines.coverage()
                extra = deadlines.supplemented_years()
                self.stdout.write(f"{first} .. {last}" + (f" (supplemented: {extra})" if extra else ""))
            elif options["subcommand"] == "period":
                self.stdout.write(str(deadlines.add_period(_date(options["start"]), options["days"])))
            else:
                self.stdout.write(str(deadlines.add_working_days(_date(options["start"]), options["n"])))
        except ValueError as exc:  # includes CalendarCoverageError
            raise CommandError(str(exc)) from exc
