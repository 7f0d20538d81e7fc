"""App configuration for filings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    """Members' websites and apps with their ICP and public-security filing numbers (Art. 12(5))."""

    name = "zilu.filings"
    label = "filings"
    verbose_name = _("Filings")
