"""``zilu supervisors add USERNAME``, ``list``, ``deactivate USERNAME``, ``activate USERNAME``: the supervising
department's accounts, managed apart from the executing body's back office (Art. 20)."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zilu.core.errors import DomainError
from zilu.core.models import User
from zilu.core.roles import Role
from zilu.core.system import SystemActor
from zilu.oversight.actions import do_add_supervisor, do_set_supervisor_active


class Command(BaseCommand):
    help = "Manage the supervising department's accounts (not possible from the back office)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        add = sub.add_parser("add", help="create a supervising department account and print its password")
        add.add_argument("username")
        add.add_argument("--name", default="")
        add.add_argument("--email", default="")
        add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        sub.add_parser("list", help="list the supervising department's accounts")
        for name in ("deactivate", "activate"):
            cmd = sub.add_parser(name, help=f"{name} an account")
            cmd.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["subcommand"]
        if command == "list":
            for user in User.objects.filter(role=Role.SUPERVISOR).order_by("username"):
                state = "active" if user.is_active else "inactive"
                self.stdout.write(f"{user.username}\t{user.get_full_name()}\t{user.email}\t{state}")
            return
        actor = SystemActor()
        try:
            if command == "add":
                generated = not options["password_stdin"]
                password = secrets.token_urlsafe(12) if generated else sys.stdin.readline().rstrip("\n")
                if len(password) < 12:
                    raise CommandError("the password must have at least 12 characters")
                user = do_add_supervisor(
                    actor, options["username"], name=options["name"], email=options["email"], password=password
                )
                self.stdout.write(f"supervising department account {user.username} created")
                if generated:
                    self.stdout.write(f"password: {password}")
                return
            user = do_set_supervisor_active(actor, options["username"], active=command == "activate")
            self.stdout.write(f"{user.username} is {'active' if user.is_active else 'inactive'}")
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
