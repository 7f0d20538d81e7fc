"""App configuration for the portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Public pages and the staff dashboard."""

    name = "zilu.portal"
    label = "portal"
    verbose_name = _("Portal")
