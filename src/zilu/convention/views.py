"""Pages of the convention: the public text with an anchor per article, and the staff's version management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.convention import actions
from zilu.convention.forms import AttachForm, ImportVersionForm, PublishForm, WithdrawForm
from zilu.convention.models import ConventionVersion
from zilu.core.files import files_of
from zilu.core.roles import Perm, require
from zilu.core.views import run_action


def convention_page(request: HttpRequest, number: int | None = None) -> HttpResponse:
    """The convention in force (or one published version), each article at ``#art-N``."""
    visible = ConventionVersion.objects.visible_to(request.user)
    version = visible.current() if number is None else visible.filter(number=number).first()
    if version is None and number is not None:
        raise Http404
    return render(
        request,
        "convention/convention.html",
        {
            "version": version,
            "parsed": version.parsed if version else None,
            "attachments": files_of(version) if version else [],
            "versions": visible.order_by("-number"),
        },
    )


def convention_text(request: HttpRequest, number: int) -> HttpResponse:
    """The canonical text of a version as UTF-8 plain text; its SHA-256 is in the ``X-Content-SHA256`` header."""
    version = ConventionVersion.objects.visible_to(request.user).filter(number=number).first()
    if version is None:
        raise Http404
    response = HttpResponse(version.text, content_type="text/plain; charset=utf-8")
    response["X-Content-SHA256"] = version.sha256
    return response


@login_required
def manage_versions(request: HttpRequest) -> HttpResponse:
    """Staff: every version, its Art. 21 status, and importing a new text."""
    require(request.user, Perm.MANAGE_CONVENTION)
    form = ImportVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, result = run_action(
            request,
            actions.do_import_version,
            request.user,
            data["text"],
            effective_date=data.get("effective_date"),
            source_name=data.get("source_name", ""),
            note=data.get("note", ""),
        )
        if ok:
            messages.success(request, _("Version %(n)d imported as a draft.") % {"n": result.number})
            return redirect("convention:manage_version", number=result.number)
    versions = ConventionVersion.objects.order_by("-number")
    return render(request, "convention/manage_versions.html", {"form": form, "versions": versions})


@login_required
def manage_version(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: one version with publish / withdraw / attach."""
    require(request.user, Perm.MANAGE_CONVENTION)
    version = ConventionVersion.objects.filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "convention/manage_version.html",
        {
            "version": version,
            "parsed": version.parsed,
            "attachments": files_of(version),
            "publish_form": PublishForm(),
            "withdraw_form": WithdrawForm(),
            "attach_form": AttachForm(),
        },
    )


@login_required
@require_POST
def publish_version(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: publish a draft."""
    require(request.user, Perm.MANAGE_CONVENTION)
    version = ConventionVersion.objects.filter(number=number).first()
    if version is None:
        raise Http404
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
    else:
        ok, _r = run_action(
            request,
            actions.do_publish_version,
            request.user,
            version.pk,
            published_on=form.cleaned_data["published_on"],
        )
        if ok:
            messages.success(request, _("Version %(n)d is published.") % {"n": number})
    return redirect("convention:manage_version", number=number)


@login_required
@require_POST
def withdraw_version(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: withdraw a draft."""
    require(request.user, Perm.MANAGE_CONVENTION)
    version = ConventionVersion.objects.filter(number=number).first()
    if version is None:
        raise Http404
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the draft is withdrawn."))
    else:
        ok, _r = run_action(
            request,
            actions.do_withdraw_draft,
            request.user,
            version.pk,
            reason=form.cleaned_data["reason"],
        )
        if ok:
            messages.success(request, _("The draft is withdrawn."))
    return redirect("convention:manage_version", number=number)


@login_required
@require_POST
def attach_signed_copy(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: attach scans of the signed original."""
    require(request.user, Perm.MANAGE_CONVENTION)
    version = ConventionVersion.objects.filter(number=number).first()
    if version is None:
        raise Http404
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose at least one file."))
    else:
        ok, stored = run_action(
            request,
            actions.do_attach_signed_copy,
            request.user,
            version.pk,
            form.cleaned_data["files"],
        )
        if ok:
            messages.success(request, _("%(n)d file(s) attached.") % {"n": len(stored)})
    return redirect("convention:manage_version", number=number)
