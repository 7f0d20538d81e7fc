"""App configuration for members."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    """Members of the convention."""

    name = "zilu.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from zilu.core.files import register_owner
        from zilu.core.roles import Perm, has_perm
        from zilu.members.models import Signature

        # Seal images and letters of authorisation: the member's own representatives and the staff.
        register_owner(
            Signature,
            lambda user, signature: (
                getattr(user, "member_id", None) == signature.member_id or has_perm(user, Perm.VIEW_MEMBER_PRIVATE)
            ),
        )
