"""``zilu manage bootstrap [--demo]``: what ``zilu serve`` and ``zilu demo`` do before serving."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError

from zilu.core.system import SystemActor
from zilu.portal.bootstrap import ensure_convention_v1, ensure_demo_accounts, ensure_demo_reports


class Command(BaseCommand):
    help = "Apply migrations, load convention version 1 if missing, and with --demo create demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        try:
            call_command("migrate", interactive=False, verbosity=0)
        except (OperationalError, InterfaceError) as exc:
            # One clear line and a non-zero exit, not a traceback: the usual cause is a wrong URL or a server down.
            print(_database_unreachable(exc), file=sys.stderr)
            raise SystemExit(3) from None
        actor = SystemActor("cli:bootstrap")
        version, created = ensure_convention_v1(actor)
        verb = "loaded" if created else "found"
        self.stdout.write(
            f"Convention: {verb} version {version.number} ({len(version.parsed.articles)} articles, "
            f"effective {version.effective_date})"
        )
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        if options["demo"]:
            logins = ensure_demo_accounts(actor)
            ensure_demo_reports(actor)
            base = f"http://{options['host']}:{options['port']}"
            self.stdout.write("Demo accounts (sign in at " + base + "/accounts/login/):")
            for login in logins:
                self.stdout.write(f"  {login.role:<11} {login.username:<11} password: {login.password}")
            self.stdout.write(f"Back office: {base}/backoffice/   API docs: {base}/api/v1/docs")
            # zilu demo sets ZILU_BASE_URL from its host and port: certificate QR codes and e-mails link there
            self.stdout.write(f"Links in certificates and e-mails: {settings.ZILU_BASE_URL}/")


def _database_unreachable(exc: BaseException) -> str:
    """A one-line explanation of a database that cannot be reached."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or '5432'}/{db.get('NAME')}"
    if db["ENGINE"].endswith("sqlite3"):
        where = str(db.get("NAME"))
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"zilu: cannot use the database at {where} (ZILU_DATABASE_URL): {reason}"
