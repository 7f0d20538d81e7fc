"""Filings pages: a member's websites and apps, their record, checks and the verify button; the staff's list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.core.errors import Forbidden
from zilu.core.roles import Perm, has_perm, signed_in
from zilu.core.views import run_action, run_form_action
from zilu.core.workflow import access
from zilu.filings import actions
from zilu.filings.forms import SiteForm
from zilu.filings.models import Site
from zilu.filings.selectors import repeated_failures

FILTERS = {"problem": Site.PROBLEMS, **{value: (value,) for value in Site.CheckStatus.values}}


def _may_list(user: object) -> bool:
    return has_perm(user, Perm.VIEW_FILINGS) or has_perm(user, Perm.REGISTER_FILINGS)


@login_required
def site_list(request: HttpRequest) -> HttpResponse:
    """A member's registered sites (with the form to add one), or every site for the staff."""
    user = request.user
    if not _may_list(user):
        raise Forbidden()
    sites = Site.objects.restrict(user).select_related("member").prefetch_related("domains")
    check = request.GET.get("check", "")
    if check in FILTERS:
        sites = sites.filter(check_status__in=FILTERS[check], status=Site.Status.ACTIVE)
    form = SiteForm(request.POST or None) if has_perm(user, Perm.REGISTER_FILINGS) else None
    if form is not None and request.method == "POST" and form.is_valid():
        ok, site = run_form_action(request, form, actions.do_register_site, signed_in(request), form.cleaned_data)
        if ok:
            messages.success(request, _("The site is registered."))
            return redirect("filings:detail", site_id=site.pk)
    return render(
        request,
        "filings/site_list.html",
        {
            "sites": sites[:500],
            "form": form,
            "check": check,
            "checks": Site.CheckStatus.choices,
            "is_staff_view": has_perm(user, Perm.VIEW_FILINGS),
            "repeated": repeated_failures() if has_perm(user, Perm.VIEW_FILINGS) else None,
        },
    )


@login_required
def site_detail(request: HttpRequest, site_id: int) -> HttpResponse:
    """One site: its record, the latest checks with their evidence, the verify button, the edit form."""
    site = access(Site.objects.restrict(request.user).select_related("member"), site_id)
    is_owner = has_perm(request.user, Perm.REGISTER_FILINGS) and site.member_id == request.user.member_id
    initial = {**{f: getattr(site, f) for f in actions.AUDITED_FIELDS}, "domains": "\n".join(site.domain_names)}
    form = SiteForm(request.POST or None, initial=initial) if is_owner and site.is_active else None
    if form is not None and request.method == "POST" and form.is_valid():
        ok, _r = run_form_action(request, form, actions.do_update_site, signed_in(request), site.pk, form.cleaned_data)
        if ok:
            messages.success(request, _("The site's record is updated."))
            return redirect("filings:detail", site_id=site.pk)
    return render(
        request,
        "filings/site_detail.html",
        {
            "site": site,
            "form": form,
            "is_owner": is_owner,
            "may_verify": has_perm(request.user, Perm.VERIFY_FILINGS) and site.is_active,
            "verifications": site.verifications.all()[:20],
            "overdue": actions.overdue(site),
        },
    )


@login_required
@require_POST
def verify(request: HttpRequest, site_id: int) -> HttpResponse:
    """The verify button: fetch the home page now and record what it shows."""
    ok, verification = run_action(request, actions.do_verify_site, signed_in(request), site_id)
    if ok:
        if verification.is_problem:
            messages.warning(request, _("Checked: %(outcome)s.") % {"outcome": verification.get_outcome_display()})
        else:
            messages.success(request, _("Checked: %(outcome)s.") % {"outcome": verification.get_outcome_display()})
    return redirect("filings:detail", site_id=site_id)


@login_required
@require_POST
def close(request: HttpRequest, site_id: int) -> HttpResponse:
    """The member no longer runs the site."""
    ok, _r = run_action(request, actions.do_close_site, signed_in(request), site_id)
    if ok:
        messages.success(request, _("The site is closed."))
    return redirect("filings:detail", site_id=site_id)
