"""Pages of the report entrance (Art. 17): the redirect, badge and script embedded on members' platforms, and the
member's page with the snippets to copy and what the last checks of its home pages found."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from zilu.core.roles import Perm, require, signed_in
from zilu.filings.models import Site
from zilu.members.models import Member
from zilu.reports.entrance import badge_svg, snippets_for

ENTRANCE_JS = Path(__file__).with_name("static") / "zilu" / "entrance.js"


def _registered(number: str) -> Member:
    member = Member.objects.in_registry().filter(number=number).first()
    if member is None:
        raise Http404()
    return member


@require_GET
def entrance(request: HttpRequest, number: str) -> HttpResponse:
    """The entrance on a member's platform: the report form with the member preset (the plain form once the member
    is no longer active: its reports go to the executing body)."""
    member = _registered(number)
    if member.status != Member.Status.ACTIVE:
        return redirect("portal:report")
    return redirect("/report/?" + urlencode({"member": member.pk}))


@require_GET
@cache_control(public=True, max_age=3600)
def badge(request: HttpRequest, number: str) -> HttpResponse:
    """The badge image (SVG), embedded cross-origin on members' pages."""
    response = HttpResponse(badge_svg(_registered(number)), content_type="image/svg+xml; charset=utf-8")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def entrance_js(request: HttpRequest) -> HttpResponse:
    """The tiny external script that draws the badge (no inline code: members' CSP allow it by origin)."""
    response = HttpResponse(ENTRANCE_JS.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@login_required
def member_entrance(request: HttpRequest) -> HttpResponse:
    """The member copies its snippet and sees whether each registered home page shows it."""
    require(request.user, Perm.RESPOND_TO_REPORTS)
    member = Member.objects.filter(pk=signed_in(request).member_id).first()
    if member is None or not member.number:
        raise Http404()
    sites = Site.objects.restrict(request.user).filter(member=member, status=Site.Status.ACTIVE)
    return render(
        request, "reports/entrance.html", {"member": member, "snippets": snippets_for(member), "sites": sites}
    )
