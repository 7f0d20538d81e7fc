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
    "banks": "shared signal banks: import BANK FILE, list, export BANK; pull (a member's side, no database); "
    "lint TERMS --corpus FILE (entries that fire on ordinary text)",
    "review": "the review queue: sweep published items again after a bank update (review sweep)",
    "backup": "write the database, uploaded files and signing keys to one archive (backup --output FILE.tar.gz)",
    "restore": "restore a backup archive into an empty database and verify the audit chain (restore FILE.tar.gz)",
    "manage": "any Django management command (migrate, createsuperuser, check --deploy, ...)",
}


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zilu.settings")
    import django

    django.setup()


def demo_base_url(host: str, port: int) -> str:
    """The address the demo serves on, for the absolute links it prints (certificate QR codes, e-mails): the demo's
    own host and port, with a wildcard host read as this machine. ``ZILU_BASE_URL`` set by the user wins."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - a wildcard to serve on, not an address to link to
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _serve(args: argparse.Namespace) -> int:
    """Prepare the database in a child process (this one never sets Django up, so that the server's workers import
    everything fresh and a HUP loads new code), then serve."""
    import subprocess

    from zilu.server import ServeOptions, serve

    prepare = [sys.executable, "-m", "zilu", "manage", "bootstrap", "--host", args.host, "--port", str(args.port)]
    status = subprocess.call([*prepare, "--demo"] if args.command == "demo" else prepare)  # noqa: S603
    if status != 0:
        return status
    serve(
        ServeOptions(
            host=args.host,
            port=args.port,
            workers=args.workers,
            threads=args.threads,
            graceful_timeout=args.graceful_timeout,
            access_log=args.access_log != "off",
            workers_lifetime=args.workers_lifetime or None,
            workers_max_rss=args.workers_max_rss or None,
        )
    )
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


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
        cmd.add_argument(
            "--workers",
            type=_positive,
            default=os.cpu_count() or 1,
            help="server processes (default: the number of cores, here %(default)s)",
        )
        cmd.add_argument("--threads", type=_positive, default=4, help="threads per process (default %(default)s)")
        cmd.add_argument(
            "--graceful-timeout", type=_positive, default=30, help="seconds to finish requests on stop or reload"
        )
        cmd.add_argument("--workers-lifetime", type=int, default=0, help="replace a process after this many seconds")
        cmd.add_argument("--workers-max-rss", type=int, default=0, help="replace a process above this many MiB")
        cmd.add_argument("--access-log", default="-", help="'-' (the log, default) or 'off'")
        cmd.add_argument("--no-serve", action="store_true", help="prepare everything, then exit without serving")
    worker = sub.add_parser("worker", help="run a Celery worker (needs ZILU_BROKER_URL)")
    worker.add_argument("--concurrency", type=_positive, default=2)
    worker.add_argument("--beat", action="store_true", help="also send the periodic tasks (run one such worker)")
    worker.add_argument("--queues", default="", help="comma-separated queues to consume (default: all of Zilu's)")
    worker.add_argument("--metrics-port", type=int, default=0, help="serve Prometheus metrics on this port")
    worker.add_argument("--hostname", default="", help="the worker's node name (default zilu-PID@HOST, unique)")
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
    if argv[:2] == ["banks", "lint"]:
        # Which lexicon entries fire on a benign corpus (the engine only; no Django, settings or database).
        from zilu.screening.lint import main as lint_main

        return lint_main(argv[2:])
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
            # checking a downloaded extract needs no database; a backup must not change what it copies; a restore
            # migrates after it has restored
            if not offline and argv[0] not in ("backup", "restore"):
                call_command("migrate", interactive=False, verbosity=0)  # a fresh installation works at once
            execute_from_command_line(["zilu", *argv])
        else:
            execute_from_command_line(["zilu manage", *argv[1:]])
        return 0
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        os.environ.setdefault("ZILU_BASE_URL", demo_base_url(args.host, args.port))
    if args.command in ("serve", "demo") and not args.no_serve:
        return _serve(args)
    _setup()
    from django.core.management import call_command

    if args.command == "worker":
        return _worker(args)
    call_command("bootstrap", demo=args.command == "demo", host=args.host, port=args.port)
    return 0


def _worker(args: argparse.Namespace) -> int:
    from django.conf import settings

    if not settings.BROKER_URL:
        print("zilu: set ZILU_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker", file=sys.stderr)
        return 2
    from zilu.celery import app

    if args.metrics_port:
        from zilu.core import metrics

        metrics.start_worker_metrics(args.metrics_port)
    hostname = args.hostname or f"zilu-{os.getpid()}@%h"  # two workers on one machine need two node names
    argv_worker = ["worker", "--loglevel=INFO", f"--concurrency={args.concurrency}", f"--hostname={hostname}"]
    if args.queues:
        argv_worker.append(f"--queues={args.queues}")
    if args.beat:
        # beat's schedule file goes under var/, not the current directory
        argv_worker += ["--beat", f"--schedule={settings.VAR_DIR / 'celerybeat-schedule'}"]
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    app.worker_main(argv_worker)
    return 0


if __name__ == "__main__":
    sys.exit(main())
