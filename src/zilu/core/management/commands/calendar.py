"""``zilu calendar``: coverage of the holiday calendar, loading a year from the State Council's notice, Civil Code
periods and working-day deadlines."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core import calendars, deadlines
from zilu.core.management.dates import parse_date as _date
from zilu.core.system import SystemActor


class Command(BaseCommand):
    help = "Show the calendar's coverage, load a year's holiday schedule, or compute a period or a deadline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("coverage", help="the dates the holiday calendar covers")
        load = sub.add_parser(
            "load",
            help="store the holiday schedule of one or more years (JSON, as for ZILU_HOLIDAYS_FILE) for every process "
            "and recompute the provisional deadlines it settles",
        )
        load.add_argument("file")
        holidays = sub.add_parser("holidays", help="the statutory holidays of YEAR (the rule used beyond the calendar)")
        holidays.add_argument("year", type=int)
        period = sub.add_parser("period", help="last day of a period of N days from START (Civil Code 201-203)")
        period.add_argument("start")
        period.add_argument("days", type=int)
        work = sub.add_parser("workdays", help="the N-th working day after START")
        work.add_argument("start")
        work.add_argument("n", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        calendars.sync(force=True)
        command = options["subcommand"]
        try:
            if command == "coverage":
                first, last = deadlines.coverage()
                extra = deadlines.supplemented_years()
                self.stdout.write(f"{first} .. {last}" + (f" (supplemented: {extra})" if extra else ""))
            elif command == "load":
                loaded = calendars.load(options["file"], SystemActor())
                self.stdout.write(
                    f"loaded {', '.join(map(str, loaded.years))}; "
                    f"{loaded.recomputed} provisional deadline(s) settled; "
                    f"covered until {deadlines.coverage()[1]}"
                )
            elif command == "holidays":
                for day, name in deadlines.statutory_holidays(options["year"]).items():
                    self.stdout.write(f"{day} {name}")
            else:
                n = options["days"] if command == "period" else options["n"]
                kind = "days" if command == "period" else "working_days"
                deadline = deadlines.compute(_date(options["start"]), **{kind: n})
                self.stdout.write(str(deadline.day) + (" (provisional)" if deadline.provisional else ""))
        except (OSError, ValueError) as exc:  # includes CalendarCoverageError
            raise CommandError(str(exc)) from exc
