"""``zilu review sweep [--window DAYS] [--resume]`` and ``zilu review sweeps``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zilu.core.system import SystemActor
from zilu.review.models import Sweep
from zilu.review.sweeps import run_sweep, start_sweep


class Command(BaseCommand):
    help = "Re-screen recently published items against the current banks and create takedown notices."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sweep = sub.add_parser("sweep", help="run a sweep here, with a progress bar")
        sweep.add_argument("--window", type=int, help="days back (default ZILU_REVIEW_SWEEP_DAYS)")
        sweep.add_argument("--resume", action="store_true", help="finish the unfinished sweeps instead")
        sweep.add_argument(
            "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bar (default: on a tty)"
        )
        sub.add_parser("sweeps", help="list the latest sweeps")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sweeps":
            for s in Sweep.objects.all()[:20]:
                self.stdout.write(
                    f"#{s.pk}\t{s.status}\t{s.processed}/{s.total}\tnotices {s.notices}\t{s.created_at:%Y-%m-%d %H:%M}"
                    f"\t{s.reason}"
                )
            return
        show = sys.stderr.isatty() if options["progress"] is None else options["progress"]
        if options["resume"]:
            ids = list(Sweep.objects.filter(status=Sweep.Status.RUNNING).order_by("pk").values_list("pk", flat=True))
        else:
            ids = [start_sweep(SystemActor(), "zilu review sweep", window_days=options["window"]).pk]
        for sweep_id in ids:
            run_sweep(sweep_id, progress=self._bar if show else None)
            if show:
                sys.stderr.write("\n")
            s = Sweep.objects.get(pk=sweep_id)
            self.stdout.write(f"sweep #{s.pk}: {s.status}, screened {s.processed}/{s.total}, notices {s.notices}")

    def _bar(self, sweep: Sweep) -> None:
        width = 40
        done = int(width * sweep.percent / 100)
        sys.stderr.write(
            f"\rsweep #{sweep.pk} [{'#' * done}{'.' * (width - done)}] {sweep.percent:3d}% "
            f"{sweep.processed}/{sweep.total} notices {sweep.notices}"
        )
        sys.stderr.flush()
