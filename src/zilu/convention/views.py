"""Pages of the convention: the public text with an anchor per article, and the staff's version management."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.convention import actions
from zilu.convention.forms import AttachForm, ImportVersionForm, PublishForm, WithdrawForm
from zilu.convention.models import ConventionVersion
from zilu.core.files import files_of
from zilu.core.roles import Perm, require
from zilu.core.views import run_action
from zilu.core.workflow import access

PageContext = Callable[[HttpRequest, ConventionVersion | None], dict[str, Any]]
_page_context: list[PageContext] = []


def add_page_context(provider: PageContext) -> None:
    """Let an app built on the convention add to its public page: ``provider(request, version)`` returns context
    (governance adds the interpretations and the prompt to acknowledge a new version). Apps register in their
    ``AppConfig.ready()``, so that the convention app imports none of them."""
    if provider not in _page_context:
        _page_context.append(provider)


def convention_page(request: HttpRequest, number: int | None = None) -> HttpResponse:
    """The convention in force (or one published version), each article at ``#art-N``."""
    visible = ConventionVersion.objects.restrict(request.user)
    version = visible.current() if number is None else access(visible, number=number)
    context: dict[str, Any] = {
        "version": version,
        "parsed": version.parsed if version else None,
        "attachments": files_of(version) if version else [],
        "versions": visible.order_by("-number"),
    }
    for provider in _page_context:
        context.update(provider(request, version))
    return render(request, "convention/convention.html", context)


def convention_text(request: HttpRequest, number: int) -> HttpResponse:
    """The canonical text of a version as UTF-8 plain text; its SHA-256 is in the ``X-Content-SHA256`` header."""
    version = access(ConventionVersion.objects.restrict(request.user), number=number)
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
    version = access(ConventionVersion.objects.restrict(request.user), number=number)
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


def _version_form_action(
    request: HttpRequest,
    number: int,
    form: forms.Form,
    invalid_message: str,
    call: Callable[[ConventionVersion, dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    """The shape every staff POST on a version shares: check the role, load, validate, call the action, report."""
    require(request.user, Perm.MANAGE_CONVENTION)
    version = access(ConventionVersion.objects.restrict(request.user), number=number)
    if not form.is_valid():
        messages.error(request, invalid_message)
    else:
        ok, result = run_action(request, call, version, form.cleaned_data)
        if ok:
            messages.success(request, success(result))
    return redirect("convention:manage_version", number=number)


@login_required
@require_POST
def publish_version(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: publish a draft."""
    return _version_form_action(
        request,
        number,
        PublishForm(request.POST),
        _("Enter a valid date."),
        lambda v, data: actions.do_publish_version(request.user, v.pk, published_on=data["published_on"]),
        lambda _result: _("Version %(n)d is published.") % {"n": number},
    )


@login_required
@require_POST
def withdraw_version(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: withdraw a draft."""
    return _version_form_action(
        request,
        number,
        WithdrawForm(request.POST),
        _("Say why the draft is withdrawn."),
        lambda v, data: actions.do_withdraw_draft(request.user, v.pk, reason=data["reason"]),
        lambda _result: _("The draft is withdrawn."),
    )


@login_required
@require_POST
def attach_signed_copy(request: HttpRequest, number: int) -> HttpResponse:
    """Staff: attach scans of the signed original."""
    return _version_form_action(
        request,
        number,
        AttachForm(request.POST, request.FILES),
        _("Choose at least one file."),
        lambda v, data: actions.do_attach_signed_copy(request.user, v.pk, data["files"]),
        lambda stored: _("%(n)d file(s) attached.") % {"n": len(stored)},
    )
