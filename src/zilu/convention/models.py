"""Versions of the convention text, with their parsed structure and the Art. 21 publication rule."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.convention.parser import ParsedConvention
from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet

PUBLICATION_PERIOD_DAYS = 30  # Art. 21: published within 30 days of taking effect


class VersionQuerySet(RestrictedQuerySet["ConventionVersion"]):
    """Versions, restricted by who may see them (``restrict(actor)``); who may change one is the action's check."""

    def visible_to(self, user: Actor) -> VersionQuerySet:
        """Everyone sees published versions; staff and the supervising department also see drafts."""
        if has_perm(user, Perm.VIEW_DRAFT_CONVENTION):
            return self.all()
        return self.filter(status=ConventionVersion.Status.PUBLISHED)

    def current(self, today: date | None = None) -> ConventionVersion | None:
        """The version in force: the newest published version whose effective date has come."""
        today = today or timezone.localdate()
        return (
            self.filter(status=ConventionVersion.Status.PUBLISHED, effective_date__lte=today)
            .order_by("-effective_date", "-number")
            .first()
        )


class ConventionVersion(models.Model):
    """One version of the convention: canonical text, its SHA-256, parsed chapters/articles/items and dates."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.PUBLISHED, Status.WITHDRAWN},
        Status.PUBLISHED: set(),
        Status.WITHDRAWN: set(),
    }
    TRANSITION_ERROR = _("A version that is “%(status)s” cannot become “%(target)s”.")

    number = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("canonical text"))
    structure = models.JSONField(_("parsed structure"))
    sha256 = models.CharField(_("SHA-256 of the canonical text"), max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_date = models.DateField(_("effective date"))
    publication_deadline = models.DateField(_("publication deadline"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    source_name = models.CharField(_("source"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention version")
        verbose_name_plural = _("convention versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def parsed(self) -> ParsedConvention:
        return ParsedConvention.from_dict(self.structure)

    @property
    def art21_deadline(self) -> date | None:
        """The Art. 21 publication deadline: as stored at import, or computed now if the holiday calendar has
        since learned the period (a supplement loaded through ZILU_HOLIDAYS_FILE); None while it cannot be."""
        if self.publication_deadline is not None:
            return self.publication_deadline
        try:
            return deadlines.add_period(self.effective_date, PUBLICATION_PERIOD_DAYS)
        except deadlines.CalendarCoverageError:
            return None

    def publication_overdue(self, today: date | None = None) -> bool:
        """Art. 21: not yet published although the 30-day period after taking effect has ended."""
        today = today or timezone.localdate()
        deadline = self.art21_deadline
        return self.status == self.Status.DRAFT and deadline is not None and today > deadline

    @property
    def published_late(self) -> bool:
        """Published, but after the Art. 21 deadline."""
        return self.late_if_published_on(self.published_on)

    def late_if_published_on(self, day: date | None) -> bool:
        """Whether publishing on ``day`` misses the Art. 21 deadline."""
        deadline = self.art21_deadline
        return bool(day and deadline and day > deadline)
