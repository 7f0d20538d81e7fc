"""App configuration for discipline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from zilu.discipline.ladder import listing_months, strike_policy


class DisciplineConfig(AppConfig):
    """Supervision of the members (Art. 18): discipline cases and the sanctions ladder, evaluations, commendations."""

    name = "zilu.discipline"
    label = "discipline"
    verbose_name = _("Supervision and discipline")

    def ready(self) -> None:
        from zilu.core.files import register_owner
        from zilu.discipline.models import Case

        # A malformed ZILU_DISCIPLINE_WEIGHTS / _EXPIRY_MONTHS / _ESCALATION stops startup with its name.
        strike_policy()
        listing_months()  # and a malformed ZILU_DISCIPLINE_LISTING_MONTHS_BY_MEASURE
        # Evidence, answers and appeals: the staff, the supervising department and the member concerned (once a
        # measure is proposed to it); never other members or the public.
        register_owner(Case, lambda user, case: Case.objects.restrict(user, "view").filter(pk=case.pk).exists())
