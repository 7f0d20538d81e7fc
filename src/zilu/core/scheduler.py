"""Periodic tasks: one schedule, run by Celery beat in production and by a thread of ``zilu serve`` otherwise.

The schedule names Celery tasks by name; with ``ZILU_BROKER_URL`` set, ``zilu worker --beat`` (or a separate
``celery -A zilu beat``) sends them. Without a broker, :func:`start_in_process_scheduler` runs each due task in the
serving process, so the embedded default keeps withdrawals and bulletins on time too.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# task (dotted path) -> seconds between runs. Each task is idempotent, so running it more often is harmless.
SCHEDULE: dict[str, float] = {
    # messages that did not reach the broker (it was down, or the process died after the commit)
    "zilu.core.tasks.drain_outbox_task": 15.0,
    "zilu.members.tasks.apply_due_withdrawals_task": 3600.0,
    "zilu.members.tasks.publish_due_bulletin_task": 6 * 3600.0,
    "zilu.governance.tasks.close_due_votes_task": 300.0,
    "zilu.core.tasks.clean_pending_uploads_task": 3600.0,
    # publishes the audit head once a day (hourly check; the first run of a day publishes)
    "zilu.oversight.tasks.publish_audit_head_task": 3600.0,
    "zilu.banks.tasks.enable_expired_entries_task": 300.0,
    "zilu.review.tasks.retry_due_webhooks_task": 60.0,
    # chunks of a takedown sweep whose worker died go back to the queue within ~30 s (zilu.review.sweeps)
    "zilu.review.tasks.resume_sweeps_task": 15.0,
    "zilu.reports.tasks.mark_overdue_task": 3600.0,
    # checks each registered site about once a day (sites checked in the last 20 hours are skipped)
    "zilu.filings.tasks.verify_due_sites_task": 3600.0,
    # discipline decisions not appealed in time become final (a revocation then takes effect)
    "zilu.discipline.tasks.finalize_due_cases_task": 3600.0,
    # respondents whose answer to a dispute is late are reminded (once, then every few days; idempotent)
    "zilu.disputes.tasks.remind_late_answers_task": 3600.0,
    # IP notices: measures end when the period after a declaration passes without a complaint or suit (zilu.notices)
    "zilu.notices.tasks.end_due_measures_task": 3600.0,
}


def beat_schedule() -> dict[str, dict[str, object]]:
    """The schedule in Celery beat's format."""
    return {path: {"task": import_string(path).name, "schedule": seconds} for path, seconds in SCHEDULE.items()}


def run_due(last_run: dict[str, float], now: float) -> list[str]:
    """Run, in this process, every task whose interval has passed. Returns the names run."""
    ran = []
    for name, seconds in SCHEDULE.items():
        if now - last_run.get(name, float("-inf")) < seconds:
            continue
        last_run[name] = now
        try:
            result = import_string(name).apply()
            if result.failed():
                logger.error("periodic task %s failed: %s", name, result.result)
        except Exception:  # a failing task must not stop the others or the server
            logger.exception("periodic task %s failed", name)
        ran.append(name)
    return ran


def _take_lock() -> object | None:
    """An exclusive, non-blocking lock on ``ZILU_VAR_DIR/scheduler.lock``: held by one process of an installation
    at a time, released by the operating system when that process dies. None if another process holds it."""
    import fcntl

    path = settings.VAR_DIR / "scheduler.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a")  # noqa: SIM115  (kept open for the life of the process: it is the lock)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def start_in_process_scheduler(tick: float = 60.0, *, lock: bool = False) -> threading.Thread | None:
    """Start the in-process scheduler thread unless a broker (and so Celery beat) is configured.

    With ``lock``, several processes of one installation (the workers of ``zilu serve``) each start the thread,
    and only the one holding the scheduler lock runs the tasks; the others try again every tick, so one takes over
    when the holder dies."""
    if settings.BROKER_URL:
        return None
    last_run: dict[str, float] = {}

    def loop() -> None:
        held = None
        while True:
            if lock and held is None:
                held = _take_lock()
            if not lock or held is not None:
                run_due(last_run, time.monotonic())
            time.sleep(tick)

    thread = threading.Thread(target=loop, name="zilu-scheduler", daemon=True)
    thread.start()
    return thread
