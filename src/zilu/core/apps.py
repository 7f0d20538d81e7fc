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

        from zilu.core import deadlines

        if settings.ZILU_HOLIDAYS_FILE:
            from zilu.settings import ConfigurationError

            try:
                deadlines.load_supplement(settings.ZILU_HOLIDAYS_FILE)
            except (OSError, ValueError) as exc:
                raise ConfigurationError(f"ZILU_HOLIDAYS_FILE cannot be loaded: {exc}") from exc
