"""App configuration for the convention text and its versions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConventionConfig(AppConfig):
    """Convention versions and their articles; amendments, annexes and interpretations are the governance app's."""

    name = "zilu.convention"
    label = "convention"
    verbose_name = _("Convention")

    def ready(self) -> None:
        from zilu.convention.models import ConventionVersion
        from zilu.core.files import register_owner
        from zilu.core.roles import Perm, has_perm

        register_owner(
            ConventionVersion,
            lambda user, version: version.is_public or has_perm(user, Perm.VIEW_DRAFT_CONVENTION),
        )
