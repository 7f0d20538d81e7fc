"""State changes of filings: register, update and close a site; verify what its home page shows (Art. 12(5)).

``Site.objects.restrict(actor, "view"|"change")`` with :func:`zilu.core.workflow.access` loads and authorises,
``check_site`` validates the input, ``do_*`` mutate. A verification fetches
the page outside any transaction (network time never holds a database lock), then records the outcome, the
evidence and the site's new check status in one transaction with its audit entry, and tells the member of a
problem, with the working-day deadline to fix it, after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, calendars
from zilu.core.actors import StaffActor
from zilu.core.errors import Duplicate, InvalidTransition, ValidationFailed
from zilu.core.identifiers import IdentifierError, validate_icp_number, validate_phone, validate_psb_number
from zilu.core.models import User
from zilu.core.notify import notify, site_language
from zilu.core.roles import Perm, require
from zilu.core.system import SystemActor
from zilu.core.workflow import access, can_transition, transition
from zilu.filings.entrance import find_entrance
from zilu.filings.fetch import fetch, find_numbers, page_text_and_html
from zilu.filings.models import Site, SiteDomain, Verification, fix_deadline
from zilu.filings.resolve import candidate_domains, invalidate_domain_map, name_key, normalize_domain
from zilu.members.models import Member

MAX_DOMAINS = 20
EXCERPT_CHARS = 600
AUDITED_FIELDS = ["kind", "name", "home_url", "icp_number", "psb_number", "responsible_person", "responsible_phone"]


# --------------------------------------------------------------------------- access


def _own_site(actor: User, site_id: int) -> Site:
    """A site of the actor's own member, locked, for the member's changes."""
    require(actor, Perm.REGISTER_FILINGS)
    return access(Site.objects.restrict(actor, "change"), site_id, for_update=True)


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class SiteInput:
    kind: str
    name: str
    domains: list[str]
    home_url: str
    icp_number: str
    icp_key: str
    psb_number: str
    responsible_person: str
    responsible_phone: str


def _domains_of(raw: Any) -> list[str]:
    items = raw.replace("，", ",").replace("\n", ",").split(",") if isinstance(raw, str) else list(raw or [])
    return [str(item).strip() for item in items if str(item).strip()]


def check_site(data: dict[str, Any], *, member: Member, site: Site | None = None) -> SiteInput:
    """Validate a site's fields; raise ``ValidationFailed`` with every field error, or ``Duplicate`` when a filing
    number, domain or app name is already registered by another member."""
    errors: list[dict[str, str]] = []

    def fail(field: str, message: Any, code: str = "invalid") -> None:
        errors.append({"field": field, "reason": str(message), "code": code})

    kind = str(data.get("kind") or "").strip()
    if kind not in Site.Kind.values:
        fail("kind", _("Choose website or app."), "required")
    name = str(data.get("name") or "").strip()
    if not name:
        fail("name", _("Enter the website's or app's name."), "required")
    elif len(name) > 200:
        fail("name", _("The name is too long."), "length")

    domains: list[str] = []
    for raw in _domains_of(data.get("domains")):
        domain = normalize_domain(raw)
        if domain is None or not candidate_domains(domain):
            fail("domains", _("%(value)s is not a domain name.") % {"value": raw[:100]}, "format")
        elif domain not in domains:
            domains.append(domain)
    if len(domains) > MAX_DOMAINS:
        fail("domains", _("Register at most %(n)d domains per site.") % {"n": MAX_DOMAINS}, "length")
    if kind == Site.Kind.WEBSITE and not domains and not any(e["field"] == "domains" for e in errors):
        fail("domains", _("Enter the website's domain."), "required")

    home_url = str(data.get("home_url") or "").strip()
    if home_url:
        parts = urlsplit(home_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname or len(home_url) > 500:
            fail("home_url", _("Enter the home page as an http:// or https:// address."), "format")

    icp_number = icp_key = ""
    try:
        icp = validate_icp_number(str(data.get("icp_number") or ""))
        icp_number = icp.text
        icp_key = f"{icp.province}ICP{'备' if icp.kind == 'filing' else '证'}{icp.number}号"
    except IdentifierError as exc:
        fail("icp_number", exc.message, exc.code)

    psb_number = ""
    raw_psb = str(data.get("psb_number") or "").strip()
    if raw_psb:
        try:
            psb_number = validate_psb_number(raw_psb).text
        except IdentifierError as exc:
            fail("psb_number", exc.message, exc.code)
    elif kind == Site.Kind.WEBSITE:
        fail("psb_number", _("Enter the website's public security filing number."), "required")

    person = str(data.get("responsible_person") or "").strip()
    if not person:
        fail("responsible_person", _("Name the person responsible."), "required")
    elif len(person) > 100:
        fail("responsible_person", _("The name is too long."), "length")
    phone = str(data.get("responsible_phone") or "").strip()
    if phone:
        try:
            phone = validate_phone(phone)
        except IdentifierError as exc:
            fail("responsible_phone", exc.message, exc.code)
    if errors:
        raise ValidationFailed(errors=errors)

    others = Site.objects.active().exclude(member=member)
    if icp_key and others.filter(icp_key=icp_key).exists():
        raise Duplicate(
            _("The ICP number %(number)s is already registered by another member.") % {"number": icp_number},
            field="icp_number",
        )
    if psb_number and others.filter(psb_number=psb_number).exists():
        raise Duplicate(
            _("The public security filing number %(number)s is already registered by another member.")
            % {"number": psb_number},
            field="psb_number",
        )
    taken = SiteDomain.objects.filter(name__in=domains, active=True)
    if site is not None:
        taken = taken.exclude(site=site)
    clash = taken.select_related("site").first()
    if clash is not None:
        message = (
            _("The domain %(domain)s is already registered by another member.")
            if clash.site.member_id != member.pk
            else _("The domain %(domain)s is already registered for another of your sites.")
        )
        raise Duplicate(message % {"domain": clash.name}, field="domains")
    if kind == Site.Kind.APP and others.filter(kind=Site.Kind.APP, name_key=name_key(name)).exists():
        raise Duplicate(_("An app of this name is already registered by another member."), field="name")
    return SiteInput(kind, name, domains, home_url, icp_number, icp_key, psb_number, person, phone)


def _snapshot(site: Site) -> dict[str, Any]:
    return {**audit.changes(site, AUDITED_FIELDS), "domains": sorted(site.domains.values_list("name", flat=True))}


def _apply(site: Site, checked: SiteInput) -> None:
    for name in [*AUDITED_FIELDS, "icp_key"]:
        setattr(site, name, getattr(checked, name))
    site.name_key = name_key(checked.name)
    site.save()
    keep = set(checked.domains)
    site.domains.exclude(name__in=keep).delete()
    existing = set(site.domains.values_list("name", flat=True))
    SiteDomain.objects.bulk_create(
        [SiteDomain(site=site, name=name, active=True) for name in checked.domains if name not in existing]
    )
    invalidate_domain_map()  # bulk_create sends no signal; report targets resolve through these domains


# --------------------------------------------------------------------------- register, update, close


@transaction.atomic
def do_register_site(actor: User, data: dict[str, Any]) -> Site:
    """A member registers a website or app with its filing numbers (Art. 12(5))."""
    require(actor, Perm.REGISTER_FILINGS)
    member = Member.objects.select_for_update().filter(pk=getattr(actor, "member_id", None)).first()
    if member is None or member.status != Member.Status.ACTIVE:
        raise InvalidTransition(_("Only an active member can register websites and apps."))
    checked = check_site(data, member=member)
    site = Site(member=member)
    _apply(site, checked)
    audit.record(actor, "filings.site.register", site, after=_snapshot(site))
    return site


@transaction.atomic
def do_update_site(actor: User, site_id: int, data: dict[str, Any]) -> Site:
    """The member keeps a site's record true: new numbers, domains or responsible person. Changed filing numbers
    or domains put the site back to "not checked" until the next verification."""
    site = _own_site(actor, site_id)
    if not site.is_active:
        raise InvalidTransition(_("A closed site cannot be changed."))
    before = _snapshot(site)
    merged = {**before, **{k: v for k, v in data.items() if v is not None}}
    checked = check_site(merged, member=site.member, site=site)
    _apply(site, checked)
    after = _snapshot(site)
    if any(before[k] != after[k] for k in ("icp_number", "psb_number", "domains", "home_url")):
        site.check_status = Site.CheckStatus.UNCHECKED
        site.save(update_fields=["check_status", "updated_at"])
    audit.record(actor, "filings.site.update", site, before=before, after=after)
    return site


@transaction.atomic
def do_close_site(actor: User, site_id: int) -> Site:
    """The member tells the platform it no longer runs the site; its domains and numbers become free."""
    site = _own_site(actor, site_id)
    if not can_transition(site, Site.Status.CLOSED):  # the table's only way out of "active"; its own refusal
        raise InvalidTransition(_("This site is already closed."))
    transition(
        site, Site.Status.CLOSED, actor=actor, action="filings.site.close",
        changes={"closed_at": timezone.now(), "fix_by": None, "deadline_provisional": False},
        unaudited=("closed_at", "fix_by", "deadline_provisional"),
    )  # fmt: skip
    site.domains.update(active=False)
    invalidate_domain_map()  # QuerySet.update sends no signal; the domains no longer resolve to this member
    return site


# --------------------------------------------------------------------------- verification


def url_to_check(site: Site) -> str:
    """The address a verification fetches: the home page given, else https:// on the first domain."""
    if site.home_url:
        return site.home_url
    first = site.domains.order_by("id").first()
    return f"https://{first.name}/" if first else ""


@dataclass(frozen=True)
class Evidence:
    outcome: str
    url: str
    final_url: str
    http_status: int | None
    detail: str
    excerpt: str
    found: list[str]
    entrance: str = ""  # Art. 17: "shown", "missing", or "" when the page could not be read


def _excerpt(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text[-EXCERPT_CHARS:]  # the footer convention: the end of the page is the best evidence
    start = max(min(s for s, _e in spans) - 120, 0)
    end = min(max(e for _s, e in spans) + 120, len(text))
    return text[start:end][: EXCERPT_CHARS * 2]


def inspect(site: Site) -> Evidence:
    """Fetch the site's home page and judge it; no database writes, no transaction."""
    url = url_to_check(site)
    result = fetch(
        url,
        timeout=float(settings.ZILU_FILINGS_FETCH_TIMEOUT),
        max_bytes=int(settings.ZILU_FILINGS_MAX_BYTES),
        max_redirects=int(settings.ZILU_FILINGS_MAX_REDIRECTS),
        allow=settings.ZILU_FILINGS_ALLOW_HOSTS,
    )
    final_url = result.final_url or url
    if not result.ok:
        detail = result.error or f"HTTP {result.status}"
        return Evidence(Site.CheckStatus.UNREACHABLE, url, final_url, result.status, detail[:500], "", [])
    text, page_html = page_text_and_html(result)
    found = find_numbers(text)
    entrance = find_entrance(page_html, final_url, member_id=site.member_id, member_number=site.member.number)
    icp_keys = {key for key, _full in found.icp}
    shown = sorted({full for _key, full in found.icp} | set(found.psb))
    excerpt = _excerpt(text, found.spans)
    missing, wrong = [], []
    if site.icp_key not in icp_keys:
        (wrong if found.icp else missing).append("ICP")
    if site.psb_number and site.psb_number not in found.psb:
        (wrong if found.psb else missing).append("PSB")
    if wrong:
        outcome, detail = Site.CheckStatus.NUMBER_MISMATCH, f"other number shown: {', '.join(wrong)}"
    elif missing:
        outcome, detail = Site.CheckStatus.NUMBER_MISSING, f"not shown: {', '.join(missing)}"
    else:
        outcome, detail = Site.CheckStatus.OK, ""
    if result.truncated:
        detail = (detail + "; " if detail else "") + f"page cut at {len(result.body)} bytes"
    entrance_status = Site.EntranceStatus.SHOWN if entrance.shown else Site.EntranceStatus.MISSING
    return Evidence(outcome, url, final_url, result.status, detail, excerpt, shown, entrance_status)


def _problem_message(outcome: str) -> str:
    return {
        Site.CheckStatus.UNREACHABLE: _("The home page could not be reached."),
        Site.CheckStatus.NUMBER_MISSING: _("The home page does not show the registered filing numbers."),
        Site.CheckStatus.NUMBER_MISMATCH: _("The home page shows filing numbers other than the registered ones."),
    }.get(outcome, "")


def _record(actor: StaffActor, site_id: int, evidence: Evidence, requested_by: User | None) -> Verification:
    with transaction.atomic():
        site = Site.objects.select_for_update().select_related("member").get(pk=site_id)
        now = timezone.now()
        before = {"check_status": site.check_status, "fix_by": site.fix_by, "entrance_status": site.entrance_status}
        verification = Verification.objects.create(
            site=site,
            checked_at=now,
            outcome=evidence.outcome,
            url=evidence.url[:500],
            final_url=evidence.final_url[:500],
            http_status=evidence.http_status,
            detail=evidence.detail[:500],
            excerpt=evidence.excerpt,
            found_numbers=evidence.found,
            entrance=evidence.entrance,
            requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        )
        problem = evidence.outcome in Site.PROBLEMS
        newly_failing = problem and not site.has_problem
        changed = evidence.outcome != site.check_status
        site.check_status = evidence.outcome
        site.last_checked_at = now
        entrance_lost = evidence.entrance == Site.EntranceStatus.MISSING != site.entrance_status
        if evidence.entrance:  # an unreachable page says nothing about the entrance: keep the last finding
            site.entrance_status = evidence.entrance
        if problem:
            site.consecutive_failures += 1
            if newly_failing or site.fix_by is None:
                site.failing_since = now
                fix = fix_deadline(now)
                site.fix_by, site.deadline_provisional = fix.day, fix.provisional
        else:
            site.consecutive_failures = 0
            site.failing_since = None
            site.fix_by, site.deadline_provisional = None, False
        site.save(
            update_fields=[
                "check_status", "last_checked_at", "consecutive_failures", "failing_since", "fix_by",
                "deadline_provisional", "entrance_status", "updated_at",
            ]
        )  # fmt: skip
        audit.record(
            actor,
            "filings.site.verify",
            site,
            before=before,
            after={
                "check_status": site.check_status,
                "fix_by": site.fix_by,
                "entrance_status": site.entrance_status,
                "verification": verification.pk,
                "http_status": evidence.http_status,
                "final_url": evidence.final_url,
                "detail": evidence.detail,
            },
        )
        if problem and changed:
            _tell_member(site, evidence)
        if entrance_lost:
            _tell_member_entrance(site, evidence)
    return verification


def _tell_member(site: Site, evidence: Evidence) -> None:
    with site_language():
        subject = _("Filing check failed: %(name)s") % {"name": site.name}
        registered = " / ".join(filter(None, [site.icp_number, site.psb_number]))
        body = "\n".join(
            [
                _problem_message(evidence.outcome),
                _("Registered: %(numbers)s") % {"numbers": registered},
                _("Checked: %(url)s (%(detail)s)") % {"url": evidence.final_url, "detail": evidence.detail or "-"},
                _("Please fix the site or update its record by %(date)s.")
                % {"date": calendars.deadline_text(site.fix_by, site.deadline_provisional)},
            ]
        )
    notify(
        site.member.active_representatives(),
        subject,
        body,
        url=reverse("filings:detail", kwargs={"site_id": site.pk}),
        kind="filings.site.problem",
    )


def _tell_member_entrance(site: Site, evidence: Evidence) -> None:
    """Art. 17: the home page no longer shows (or never showed) the member's report entrance."""
    with site_language():
        subject = _("Report entrance missing: %(name)s") % {"name": site.name}
        body = _(
            "Art. 17 asks every member to show how to report harmful information in a prominent place. %(url)s does "
            "not show your report entrance; copy it from your report entrance page."
        ) % {"url": evidence.final_url}
    notify(
        site.member.active_representatives(),
        subject,
        body,
        url=reverse("filings:detail", kwargs={"site_id": site.pk}),
        kind="filings.site.entrance_missing",
    )


def do_verify_site(actor: User, site_id: int) -> Verification:
    """Check now what the site's home page shows (the member's or the staff's button)."""
    require(actor, Perm.VERIFY_FILINGS)
    site = access(Site.objects.restrict(actor).select_related("member"), site_id)
    if not site.is_active:
        raise InvalidTransition(_("A closed site is not checked."))
    if not url_to_check(site):
        raise InvalidTransition(_("This app has no home page or domain to check."))
    return _record(actor, site.pk, inspect(site), actor)


def verify_due_sites(*, older_than_hours: float = 20.0, now: datetime | None = None) -> int:
    """The periodic check: every active site with an address, not checked in the last ``older_than_hours``."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=older_than_hours)
    system = SystemActor("system:scheduler")
    due = (
        Site.objects.active()
        .filter(member__status=Member.Status.ACTIVE)
        .filter(Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=cutoff))
        .filter(Q(kind=Site.Kind.WEBSITE) | ~Q(home_url="") | Q(domains__isnull=False))
        .distinct()
        .order_by("last_checked_at", "pk")
    )
    done = 0
    for site in due:
        if url_to_check(site):
            _record(system, site.pk, inspect(site), None)
            done += 1
    return done


def overdue(site: Site, today: date | None = None) -> bool:
    """Whether the day to fix the site has passed. Never on a provisional day (beyond the official holiday
    calendar): an overdue site may be taken up in a discipline case, so it waits for the State Council's schedule."""
    if site.deadline_provisional:
        return False
    return bool(site.fix_by and site.has_problem and (today or timezone.localdate()) > site.fix_by)
