"""App configuration for the shared kernel and the themed back office."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared kernel."""

    default = True
    name = "zilu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings

        # Every process that sets Django up gets the one configured Celery app (see zilu.celery), so a task
        # enqueued from the web, a command or a shell goes to ZILU_BROKER_URL, never to Celery's default app.
        import zilu.celery  # noqa: F401
        from zilu.core import deadlines

        if settings.ZILU_HOLIDAYS_FILE:
            from zilu.environment import ConfigurationError

            try:
                deadlines.load_supplement(settings.ZILU_HOLIDAYS_FILE)
            except (OSError, ValueError) as exc:
                raise ConfigurationError(f"ZILU_HOLIDAYS_FILE cannot be loaded: {exc}") from exc

        # Years loaded with `zilu calendar load` are stored; every process picks them up (zilu.core.calendars).
        from zilu.core import calendars

        deadlines.set_refresher(calendars.sync)

        # Connects the receivers that invalidate cached API keys when a key, user or member changes, in every
        # process (a command revoking a membership must refuse the member's keys on the web processes too).
        from zilu.core import keycache  # noqa: F401
