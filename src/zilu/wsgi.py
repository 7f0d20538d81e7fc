"""WSGI entry point (``zilu serve`` runs it under granian; any WSGI server can)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zilu.settings")
application = get_wsgi_application()

if os.environ.get("ZILU_IN_PROCESS_SCHEDULER") == "1":
    # Set by `zilu serve` for its workers: without a broker the periodic tasks run in the web tier, in whichever
    # worker holds the scheduler's file lock (with a broker, Celery beat sends them and this does nothing).
    from zilu.core.scheduler import start_in_process_scheduler

    start_in_process_scheduler(lock=True)
