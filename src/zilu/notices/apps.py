"""App configuration for intellectual-property notices and takedown."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """Notices of infringement and declarations of non-infringement (Art. 12(3); Civil Code arts. 1195-1196)."""

    name = "zilu.notices"
    label = "notices"
    verbose_name = _("Intellectual-property notices")

    def ready(self) -> None:
        from zilu.core.files import register_owner
        from zilu.notices.models import Notice

        # Proof of rights, the declaration's evidence, proof of a complaint or suit: whoever may see the notice (the
        # sender, the member concerned, staff, the supervising department). Each is forwarded by law (see the docs).
        register_owner(Notice, lambda user, notice: Notice.objects.restrict(user, "view").filter(pk=notice.pk).exists())
