"""App configuration for filings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    """Members' websites and apps with their ICP and public-security filing numbers (Art. 12(5))."""

    name = "zilu.filings"
    label = "filings"
    verbose_name = _("Filings")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from zilu.filings.models import Site, SiteDomain
        from zilu.members.models import Member

        # The cached domain map (filings.resolve) holds active members, their sites and domains: any saved or
        # deleted row of those bumps it after commit, whichever code path (actions, admin, shell) made the change.
        # QuerySet.update() and bulk_create() send no signal: code that uses them on these tables calls
        # invalidate_domain_map() itself (see filings.actions).
        for model in (Member, Site, SiteDomain):
            post_save.connect(_changed, sender=model, dispatch_uid=f"filings.domain_map.save.{model.__name__}")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"filings.domain_map.delete.{model.__name__}")


# What a home-page check saves on a site (filings.actions._record): nothing resolution reads, and the hourly check
# saves many sites, so these saves leave the map alone.
_CHECK_FIELDS = frozenset(
    {
        "check_status",
        "last_checked_at",
        "consecutive_failures",
        "failing_since",
        "fix_by",
        "deadline_provisional",
        "updated_at",
    }
)


def _changed(sender: type, update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    from zilu.filings.resolve import invalidate_domain_map

    if sender.__name__ == "Site" and update_fields and update_fields <= _CHECK_FIELDS:
        return
    invalidate_domain_map()
