"""``zilu restore FILE.tar.gz``: check an archive's checksums, restore it into an empty database, then verify the
audit chain against the head the archive recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core.backup import BackupError
from zilu.core.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive made by `zilu backup`: every checksum is checked first, the database must be "
        "empty (or --force), and the audit chain is verified against the head recorded in the archive."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the archive written by zilu backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already has data, and key files that differ from the archive's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(Path(options["archive"]), force=options["force"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            raise CommandError(f"restored, but {result.message}")
        self.stdout.write(self.style.SUCCESS(result.message))
