"""App configuration for members."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members of the convention."""

    name = "zilu.members"
    label = "members"
    verbose_name = _("Members")
