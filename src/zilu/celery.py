"""The one Celery application of every Zilu process.

``zilu.core.apps.CoreConfig.ready()`` imports this module, so every process that sets Django up (the web
processes, ``zilu`` commands, ``zilu manage shell``, the test run) binds ``shared_task`` to this app, configured from
settings, and sends to ``ZILU_BROKER_URL``. ``celery -A zilu.celery`` and ``zilu worker`` use it too. Without a
broker, tasks run in-process after commit (``zilu.core.outbox.enqueue``) and the app is configured with the
in-memory transport, which nothing reads.
"""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zilu.settings")


class ZiluTask(Task):  # type: ignore[misc]
    """Every Zilu task retries, with backoff, when the database is unreachable for a moment: a notification or a
    webhook whose worker lost the database is sent once it is back, not dropped. (A task that sets its own
    ``autoretry_for`` keeps it.) Tasks are idempotent, so a retry after a partial run is safe."""

    autoretry_for = ()
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 12

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("autoretry_for"):
            from django.db import InterfaceError, OperationalError

            cls.autoretry_for = (OperationalError, InterfaceError)


app = Celery("zilu", task_cls=ZiluTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Celery's "current app" is thread-local; a web server's request threads would otherwise fall back to Celery's
# default app, which sends to amqp://guest@localhost// whatever the settings say. Make this app the default for
# every thread of the process.
app.set_default()


def _configure_beat() -> None:
    from zilu.core.scheduler import beat_schedule

    app.conf.beat_schedule = beat_schedule()


# After finalize, when every task module is imported and the tasks have their names (not at configure time,
# which a web process reaches before the task modules are loaded).
app.on_after_finalize.connect(lambda sender, **kwargs: _configure_beat(), weak=False)
