"""App configuration for the review queue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The pre-publication review queue, webhooks and takedown sweeps."""

    name = "zilu.review"
    label = "review"
    verbose_name = _("Review queue")

    def ready(self) -> None:
        from zilu.core.files import register_owner
        from zilu.review import sweeps  # noqa: F401  (connects the bank-update signal)
        from zilu.review.actions import can_download_attachment
        from zilu.review.models import ReviewItem

        register_owner(ReviewItem, can_download_attachment)
