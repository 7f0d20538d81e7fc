"""App configuration for the banks and the screening service."""

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
