"""Members of the convention. The application and signing workflows extend this (membership issue)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Member(models.Model):
    """A signatory of the convention: a unit (Art. 5: association member units and institutions registered in
    Changping) or an individual devoted to the district's industry self-regulation."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Member unit")
        INDIVIDUAL = "individual", _("Individual member")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", pgettext_lazy("member status", "Withdrawn")
        REVOKED = "revoked", _("Membership revoked")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    joined_on = models.DateField(_("joined on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"],
                condition=Q(status="active") & ~Q(uscc=""),
                name="members_one_active_member_per_uscc",
            ),
            models.CheckConstraint(
                name="members_unit_has_uscc",
                condition=Q(kind="individual") | ~Q(uscc=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name
