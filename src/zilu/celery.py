"""The Celery application. Used only when ``ZILU_BROKER_URL`` is set; otherwise tasks run in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zilu.settings")

app = Celery("zilu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _configure_beat() -> None:
    from zilu.core.scheduler import beat_schedule

    app.conf.beat_schedule = beat_schedule()


app.on_after_configure.connect(lambda sender, **kwargs: _configure_beat(), weak=False)
