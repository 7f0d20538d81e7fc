"""App configuration for oversight."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """Complaints about the executing body to its supervising department (Art. 20), and the published audit heads."""

    name = "zilu.oversight"
    label = "oversight"
    verbose_name = _("Oversight of the executing body")

    def ready(self) -> None:
        from zilu.core import audit
        from zilu.core.files import register_owner
        from zilu.oversight.models import Complaint, published_anchors

        # Evidence of a complaint: the complainant's representatives and the supervising department, nobody else.
        register_owner(
            Complaint, lambda user, complaint: Complaint.objects.restrict(user, "view").filter(pk=complaint.pk).exists()
        )
        # `zilu audit verify` checks the chain against every head published here, signatures included.
        audit.register_anchor_source("published heads", published_anchors)
