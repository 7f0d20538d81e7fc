"""Versions of the convention text, with their parsed structure and the Art. 21 publication rule."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zilu.convention.parser import ParsedConvention
from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet

PUBLICATION_PERIOD_DAYS = 30  # Art. 21: published within 30 days of taking effect


def publication_deadline_for(effective_date: date) -> deadlines.Deadline:
    """The Art. 21 publication deadline of a version taking effect on ``effective_date`` (Civil Code counting);
    provisional beyond the official holiday calendar."""
    return deadlines.compute(effective_date, days=PUBLICATION_PERIOD_DAYS)


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


class ConventionVersion(ProvisionalDeadlines, models.Model):
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
    # Provisional beyond the official holiday calendar (recomputed by `zilu calendar load`); None for versions
    # imported beyond it before provisional deadlines existed, until that recompute (art21_deadline computes it).
    publication_deadline = models.DateField(_("publication deadline"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
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
    def art21_deadline(self) -> date:
        """The Art. 21 publication deadline: as stored at import (provisional while ``deadline_provisional``), or
        computed now for a version imported before deadlines beyond the calendar were stored."""
        if self.publication_deadline is not None:
            return self.publication_deadline
        return publication_deadline_for(self.effective_date).day

    def recompute_deadlines(self) -> list[str]:
        """The publication deadline again, from the effective date (``zilu calendar load``)."""
        deadline = publication_deadline_for(self.effective_date)
        self.publication_deadline, self.deadline_provisional = deadline.day, deadline.provisional
        return ["publication_deadline", "deadline_provisional"]

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
