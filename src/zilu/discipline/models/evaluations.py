"""Evaluation rounds (评议, Art. 18): members self-assess against the checklist, the staff score each item, the
result combines the assessment with the member's report record and sanctions (see :mod:`zilu.discipline.checklist`),
and the banded list is published after a review window in which each member sees and may comment on its result."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet
from zilu.discipline.checklist import Band, items_for


def review_deadline(computed_on: date) -> deadlines.Deadline:
    """The members' last day to review results computed on ``computed_on`` (``ZILU_EVALUATION_REVIEW_DAYS`` working
    days); provisional beyond the official holiday calendar."""
    return deadlines.compute(computed_on, working_days=int(settings.ZILU_EVALUATION_REVIEW_DAYS))


class EvaluationRound(ProvisionalDeadlines, models.Model):
    """One round, yearly by default: the period it looks at and the checklist items, copied when it opens so that
    a later change of the checklist does not alter a past round."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open: members self-assess, staff score")
        REVIEW = "review", _("Results with the members for review")
        PUBLISHED = "published", pgettext_lazy("evaluation round status", "Published")

    TRANSITIONS: dict[str, set[str]] = {
        Status.OPEN: {Status.REVIEW},
        Status.REVIEW: {Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }
    TRANSITION_ERROR = _("An evaluation round that is “%(status)s” cannot become “%(target)s”.")

    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    items = models.JSONField(_("checklist"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    results_computed_on = models.DateField(_("results computed on"), null=True, blank=True)
    review_until = models.DateField(_("members review their results until"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Evaluation {self.number}"

    def recompute_deadlines(self) -> list[str]:
        """The end of the members' review again, from the day the results were computed (``zilu calendar load``)."""
        if self.results_computed_on is not None:
            review = review_deadline(self.results_computed_on)
            self.review_until, self.deadline_provisional = review.day, review.provisional
        else:
            self.deadline_provisional = False
        return ["review_until", "deadline_provisional"]


class ParticipationQuerySet(RestrictedQuerySet["Participation"]):
    def visible_to(self, user: Actor) -> ParticipationQuerySet:
        """Staff and the supervising department see all; a member's representatives its own; nobody else any."""
        if has_perm(user, Perm.VIEW_DISCIPLINE):
            return self.all()
        member_id = getattr(user, "member_id", None)
        if member_id and has_perm(user, Perm.SELF_ASSESS):
            return self.filter(member_id=member_id)
        return self.none()


class Participation(models.Model):
    """A member's part in a round: its service kinds, its answers, the staff's scores and the result."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="evaluations")
    service_kinds = models.JSONField(_("kinds of service"), default=list)
    answers = models.JSONField(_("answers"), default=dict)  # code -> {"answer": yes|partly|no, "note": str}
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("scores"), default=dict)  # code -> {"points": int, "note": str}
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    verified_reports = models.PositiveIntegerField(_("reports verified true in the period"), default=0)
    late_responses = models.PositiveIntegerField(_("reports answered late in the period"), default=0)
    sanction_points = models.PositiveIntegerField(_("sanction points in the period"), default=0)
    assessment = models.DecimalField(_("assessment"), max_digits=4, decimal_places=1, null=True, blank=True)
    report_deduction = models.PositiveIntegerField(_("report deduction"), default=0)
    sanction_deduction = models.PositiveIntegerField(_("sanction deduction"), default=0)
    total = models.DecimalField(_("result"), max_digits=4, decimal_places=1, null=True, blank=True)
    band = models.CharField(_("band"), max_length=20, choices=Band.choices, blank=True)
    member_comment = models.TextField(_("the member's comment on its result"), blank=True)
    commented_at = models.DateTimeField(_("commented at"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("participation in an evaluation")
        verbose_name_plural = _("participations in evaluations")
        ordering = ["round", "member__name"]
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="discipline_one_participation")]

    def __str__(self) -> str:
        return f"{self.round} · {self.member}"

    def items(self) -> list[dict[str, Any]]:
        """The round's items that apply to this member's kinds of service."""
        return items_for(self.round.items, self.service_kinds)

    @property
    def fully_scored(self) -> bool:
        return self.submitted_at is not None and all(i["code"] in self.scores for i in self.items())
