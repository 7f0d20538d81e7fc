"""App configuration for disputes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    """Disputes between members and mediation by the executing body (Art. 19)."""

    name = "zilu.disputes"
    label = "disputes"
    verbose_name = _("Disputes and mediation")

    def ready(self) -> None:
        from zilu.core.files import register_owner
        from zilu.disputes.models import Dispute

        # Evidence: whoever may see the dispute (its parties; staff once mediation is requested).
        register_owner(
            Dispute, lambda user, dispute: Dispute.objects.restrict(user, "view").filter(pk=dispute.pk).exists()
        )
