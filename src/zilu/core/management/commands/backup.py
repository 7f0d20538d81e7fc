"""``zilu backup --output FILE.tar.gz``: the database, uploaded files, signing keys and a manifest in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a backup archive: a consistent database dump (pg_dump on PostgreSQL, the online backup API on "
        "SQLite), the uploaded files, the signing keys and a manifest with checksums and the audit head."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, help="the archive to write (FILE.tar.gz, mode 0600)")
        parser.add_argument("--force", action="store_true", help="replace the output file if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = create_backup(Path(options["output"]), force=options["force"], log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        head = result.manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {result.path} ({result.size} bytes, {len(result.manifest['files'])} files); "
                f"audit head #{head['seq']} {head['hash']}"
            )
        )
