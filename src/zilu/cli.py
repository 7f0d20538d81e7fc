"""The ``zilu`` command.

``zilu demo`` and ``zilu serve`` prepare the database (migrations, convention version 1) and serve the site in one
process; the other subcommands hand over to Django management commands of the same name, so that
``zilu audit verify`` and ``zilu manage audit verify`` are the same thing.
"""

from __future__ import annotations

import argparse
import os
import sys

SCREEN_HELP = "screen JSON Lines posts against term, allow-list and domain banks (screen --help)"

PASSTHROUGH = {
    "audit": "verify the audit hash chain (audit verify [--head HASH]) or print its head (audit head)",
    "convention": "import, publish and list convention versions (convention import FILE)",
    "calendar": "the holiday calendar: coverage, Civil Code periods and working days",
    "votes": "verify a vote's tally against the audit log (votes verify VOTE_ID)",
    "bulletins": "publish the join/withdraw bulletin of a period (bulletins publish --period 2026Q4)",
    "supervisors": "the supervising department's accounts, kept out of the back office (supervisors add USERNAME)",
    "banks": "shared signal banks: import BANK FILE, list, export BANK; pull (a member's side, no database)",
    "review": "the review queue: sweep published items again after a bank update (review sweep)",
    "manage": "any Django management command (migrate, createsuperuser, check --deploy, ...)",
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zilu.settings")
    import django

    django.setup()


def _serve(host: str, port: int, threads: int) -> None:
    from waitress import serve

    from zilu.core.scheduler import start_in_process_scheduler
    from zilu.wsgi import application

    start_in_process_scheduler()

    print(f"Zilu is serving on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    serve(application, host=host, port=port, threads=threads, ident="zilu")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zilu",
        description="Zilu (自律): the Changping Internet Industry Self-Discipline Convention platform.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, text in (
        (
            "demo",
            "set up demo data and accounts (one per role), print the logins, and serve the site",
        ),
        ("serve", "apply migrations, load convention version 1 if missing, and serve the site"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--host", default="127.0.0.1")
        cmd.add_argument("--port", type=int, default=8000)
        cmd.add_argument("--threads", type=int, default=8)
        cmd.add_argument("--no-serve", action="store_true", help="prepare everything, then exit without serving")
    worker = sub.add_parser("worker", help="run a Celery worker (needs ZILU_BROKER_URL)")
    worker.add_argument("--concurrency", type=int, default=2)
    worker.add_argument("--beat", action="store_true", help="also send the periodic tasks (run one such worker)")
    for name, text in PASSTHROUGH.items():
        sub.add_parser(name, help=text, add_help=False)  # listed for --help; main() hands these to Django
    sub.add_parser("screen", help=SCREEN_HELP, add_help=False)  # listed for --help; main() runs the engine directly
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "screen":
        # The screening engine needs no Django: no settings, no database, no migrations.
        from zilu.screening.cli import main as screen_main

        return screen_main(argv[1:])
    if argv[:2] == ["banks", "pull"]:
        # A member's side of the bank sync: fetch, verify, write engine files; no Django, settings or database.
        from zilu.banks.pull import main as pull_main

        return pull_main(argv[2:])
    if argv and argv[0] in PASSTHROUGH:
        # Handed to Django untouched, so that the command's own --help and options work.
        _setup()
        from django.core.management import call_command, execute_from_command_line

        offline = argv[:2] == ["audit", "verify"] and any(a == "--file" or a.startswith("--file=") for a in argv)
        if argv[0] != "manage":
            if not offline:  # checking a downloaded extract needs no database
                call_command("migrate", interactive=False, verbosity=0)  # a fresh installation works at once
            execute_from_command_line(["zilu", *argv])
        else:
            execute_from_command_line(["zilu manage", *argv[1:]])
        return 0
    args = build_parser().parse_args(argv)
    _setup()
    from django.core.management import call_command

    if args.command == "worker":
        from django.conf import settings

        if not settings.BROKER_URL:
            print("zilu: set ZILU_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker", file=sys.stderr)
            return 2
        from zilu.celery import app

        argv_worker = ["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}"]
        app.worker_main([*argv_worker, "--beat"] if args.beat else argv_worker)
        return 0
    call_command("bootstrap", demo=args.command == "demo", host=args.host, port=args.port)
    if not args.no_serve:
        _serve(args.host, args.port, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
