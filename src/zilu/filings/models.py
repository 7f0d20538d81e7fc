"""Members' websites and apps, their filing numbers and the verification of those numbers (Art. 12(5))."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zilu.core import deadlines
from zilu.core.actors import Actor
from zilu.core.calendars import ProvisionalDeadlines
from zilu.core.roles import Perm, has_perm
from zilu.core.workflow import RestrictedQuerySet


class SiteQuerySet(RestrictedQuerySet["Site"]):
    """Sites, restricted by who may see them and who may change them (``restrict(actor, "view"|"change")``)."""

    def visible_to(self, actor: Actor) -> SiteQuerySet:
        """Staff and the supervising department see all; a member representative sees its member's sites."""
        if has_perm(actor, Perm.VIEW_FILINGS):
            return self.all()
        member_id = getattr(actor, "member_id", None)
        if getattr(actor, "is_authenticated", False) and member_id:
            return self.filter(member_id=member_id)
        return self.none()

    def changeable_by(self, actor: Actor) -> SiteQuerySet:
        """Only the member's own representatives change its sites' records (the staff see them, never edit them)."""
        member_id = getattr(actor, "member_id", None)
        if has_perm(actor, Perm.REGISTER_FILINGS) and member_id:
            return self.filter(member_id=member_id)
        return self.none()

    def active(self) -> SiteQuerySet:
        return self.filter(status=Site.Status.ACTIVE)


def fix_deadline(failing_since: date | datetime) -> deadlines.Deadline:
    """The day by which a site that started failing its check on ``failing_since`` must be fixed:
    ``ZILU_FILINGS_FIX_DAYS`` working days, provisional beyond the official holiday calendar."""
    return deadlines.compute(failing_since, working_days=int(settings.ZILU_FILINGS_FIX_DAYS))


class Site(ProvisionalDeadlines, models.Model):
    """A website or app a member runs, with the filing numbers it must show (ICP 备案 / 许可证, 公安备案)."""

    class Kind(models.TextChoices):
        WEBSITE = "website", _("Website")
        APP = "app", _("App")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Registered")
        CLOSED = "closed", _("Closed")

    class CheckStatus(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        OK = "ok", _("Filing numbers shown")
        UNREACHABLE = "unreachable", _("Unreachable")
        NUMBER_MISSING = "number_missing", _("Filing number missing")
        NUMBER_MISMATCH = "number_mismatch", _("Filing number mismatched")

    class EntranceStatus(models.TextChoices):
        """Art. 17: whether the home page shows the member's report entrance (see ``filings.entrance``)."""

        UNCHECKED = "unchecked", _("Not checked yet")
        SHOWN = "shown", _("Report entrance shown")
        MISSING = "missing", _("Report entrance missing")

    TRANSITIONS: dict[str, set[str]] = {
        Status.ACTIVE: {Status.CLOSED},
        Status.CLOSED: set(),
    }
    PROBLEMS = (CheckStatus.UNREACHABLE, CheckStatus.NUMBER_MISSING, CheckStatus.NUMBER_MISMATCH)

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="sites")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, help_text=_("The website's name, or the app's name."))
    # casefolded NFKC name without spaces: how an app name is looked up (member_for_url)
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    home_url = models.URLField(_("home page"), max_length=500, blank=True)
    icp_number = models.CharField(_("ICP filing or licence number"), max_length=40)
    # province + kind + digits, without the -N website suffix: one filing holder's number
    icp_key = models.CharField(max_length=40, db_index=True, editable=False)
    psb_number = models.CharField(_("public security filing number"), max_length=40, blank=True, db_index=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100)
    responsible_phone = models.CharField(_("responsible person's phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    check_status = models.CharField(
        _("verification"), max_length=20, choices=CheckStatus.choices, default=CheckStatus.UNCHECKED
    )
    entrance_status = models.CharField(
        _("report entrance"), max_length=20, choices=EntranceStatus.choices, default=EntranceStatus.UNCHECKED
    )
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failed checks"), default=0)
    fix_by = models.DateField(_("to be fixed by"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("registered site")
        verbose_name_plural = _("registered sites")
        ordering = ["member_id", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def has_problem(self) -> bool:
        return self.check_status in self.PROBLEMS

    @property
    def domain_names(self) -> list[str]:
        return [d.name for d in self.domains.all()]

    def recompute_deadlines(self) -> list[str]:
        """The day to fix by again, from the day the site started failing (``zilu calendar load``)."""
        if self.fix_by is not None and self.failing_since is not None:
            fix = fix_deadline(self.failing_since)
            self.fix_by, self.deadline_provisional = fix.day, fix.provisional
        else:
            self.deadline_provisional = False
        return ["fix_by", "deadline_provisional"]


class SiteDomain(models.Model):
    """A domain of a site (a URL on it or on any of its subdomains resolves to the site's member)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(_("domain"), max_length=253)
    # mirrors site.status == active, so that an active domain belongs to one site only (a closed site frees it)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(active=True), name="filings_one_active_domain"),
        ]

    def __str__(self) -> str:
        return self.name


class Verification(models.Model):
    """One check of a site's home page: what was fetched and what it showed."""

    Outcome = Site.CheckStatus

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="verifications")
    checked_at = models.DateTimeField(_("checked at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Site.CheckStatus.choices)
    url = models.CharField(_("address fetched"), max_length=500)
    final_url = models.CharField(_("final address"), max_length=500, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    found_numbers = models.JSONField(_("numbers found"), default=list, blank=True)
    # Art. 17: "shown" or "missing" when the page was read; empty when it could not be (unreachable).
    entrance = models.CharField(_("report entrance"), max_length=20, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.site} · {self.checked_at:%Y-%m-%d %H:%M} · {self.outcome}"

    @property
    def is_problem(self) -> bool:
        return self.outcome in Site.PROBLEMS
