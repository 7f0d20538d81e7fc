"""App configuration for the banks and the screening service."""

import logging

from celery.signals import worker_process_init
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BanksConfig(AppConfig):
    """Signal banks and the platform's screening service."""

    name = "zilu.banks"
    label = "banks"
    verbose_name = _("Signal banks")

    def ready(self) -> None:
        from zilu.banks.service import current_bank_versions, database_hashes
        from zilu.core.filescan import register_hash_source

        register_hash_source("banks", database_hashes, version=current_bank_versions)
        worker_process_init.connect(_warm_up, weak=False, dispatch_uid="zilu.banks.warm_up")


def _warm_up(**kwargs: object) -> None:
    """Build the screener when a Celery worker process starts rather than inside its first sweep chunk (the lexicon
    takes a moment to compile). A database that is not reachable yet only postpones it to the first task."""
    from django.db import connections

    from zilu.banks.service import get_screener

    try:
        get_screener()
    except Exception as exc:  # the worker must start all the same
        logging.getLogger(__name__).warning("screener not built at start: %s", exc)
    finally:
        connections.close_all()  # a fresh connection for the first task
