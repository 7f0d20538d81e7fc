"""Pages of the kernel: sign-in, account, inbox, API keys, audit chain head and log, protected files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zilu.core import audit, throttle
from zilu.core.actions import do_create_api_key, do_register_user, do_revoke_api_key
from zilu.core.errors import DomainError
from zilu.core.files import can_view, path_of
from zilu.core.forms import ApiKeyForm, RegistrationForm, ThrottledAuthenticationForm
from zilu.core.models import ApiKey, AuditEntry, StoredFile
from zilu.core.notify import do_mark_read
from zilu.core.roles import Perm, require, role_of, signed_in


def run_action(request: HttpRequest, action: Callable[..., Any], /, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call an action from a page; a refused action becomes an error message. Returns (ok, result)."""
    try:
        return True, action(*args, **kwargs)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False, exc


def run_form_action(
    request: HttpRequest, form: Any, action: Callable[..., Any], /, *args: Any, **kwargs: Any
) -> tuple[bool, Any]:
    """Like :func:`run_action`, but field-level errors land on the form's fields (others on the form itself)."""
    try:
        return True, action(*args, **kwargs)
    except DomainError as exc:
        field_errors = exc.errors()
        if not field_errors:
            form.add_error(None, str(exc.message))
        for error in field_errors:
            field = error.get("field")
            form.add_error(field if field in form.fields else None, error["reason"])
        return False, exc


# One step of a workflow page: (form class or None, action, form data -> action keyword arguments, success message).
Step = tuple[type | None, Callable[..., Any], Callable[[dict[str, Any]], dict[str, Any]], Any]


def run_step(request: HttpRequest, steps: dict[str, Step], step: str, record_id: int) -> bool:
    """Run the named step of a workflow page on record ``record_id``: validate its form (with files), call its action
    as the signed-in user, and turn the outcome into a message. Returns whether the action ran; unknown steps do
    nothing."""
    if step not in steps:
        return False
    form_class, action, arguments, success = steps[step]
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, request.FILES, prefix=step)
        if not form.is_valid():
            for error in form.errors.values():
                messages.error(request, " ".join(error))
            return False
        data = form.cleaned_data
    ok, _result = run_action(request, action, signed_in(request), record_id, **arguments(data))
    if ok:
        messages.success(request, success)
    return ok


class LoginView(auth_views.LoginView):
    """Sign-in with failed-attempt throttling."""

    authentication_form = ThrottledAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


def register(request: HttpRequest) -> HttpResponse:
    """Create a public account, then sign in."""
    if request.user.is_authenticated:
        return redirect("account")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and throttle.registrations_exhausted(request):
        form.is_valid()
        form.add_error(None, _("Too many accounts were created from your network recently. Please try again later."))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, user = run_form_action(
            request,
            form,
            do_register_user,
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
        )
        if ok:
            throttle.record_registration(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your account is created."))
            target = request.GET.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
            return redirect(target if safe and target else "account")
    return render(request, "core/register.html", {"form": form})


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home: role, member, links to what the role can do."""
    return render(request, "core/account.html", {"role": role_of(request.user)})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications."""
    require(request.user, Perm.USE_INBOX)
    if request.method == "POST":
        do_mark_read(signed_in(request), None)
        messages.success(request, _("All notifications are marked as read."))
        return redirect("inbox")
    page = Paginator(signed_in(request).notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "core/inbox.html", {"page": page})


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """A member representative's API keys: create (token shown once) and revoke."""
    require(request.user, Perm.MANAGE_API_KEYS)
    new_token = None
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, result = run_action(request, do_create_api_key, signed_in(request), form.cleaned_data["name"])
        if ok:
            new_token = result.token
            messages.success(request, _("Key created. Copy it now: it will not be shown again."))
            form = ApiKeyForm()
    keys = ApiKey.objects.restrict(request.user)
    return render(request, "core/api_keys.html", {"form": form, "keys": keys, "new_token": new_token})


@login_required
@require_POST
def revoke_api_key(request: HttpRequest, key_id: int) -> HttpResponse:
    """Revoke one key."""
    ok, _result = run_action(request, do_revoke_api_key, request.user, key_id)
    if ok:
        messages.success(request, _("The key is revoked."))
    return redirect("api_keys")


def audit_head(request: HttpRequest) -> HttpResponse:
    """Public page with the audit chain head, so anyone can note it and later check history was kept."""
    return render(request, "core/audit_head.html", {"head": audit.head()})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log for staff and the supervising department."""
    require(request.user, Perm.VIEW_AUDIT_LOG)
    qs = AuditEntry.objects.order_by("-seq")
    if action := request.GET.get("action", "").strip():
        qs = qs.filter(action__startswith=action)
        if not audit.sees_sealed(request.user):
            qs = audit.exclude_sealed(qs)  # a filter must not count sealed entries either
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    page.object_list = audit.present(page.object_list, request.user)
    return render(request, "core/audit_log.html", {"page": page, "action": action})


def protected_file(request: HttpRequest, file_id: str) -> FileResponse:
    """Serve an uploaded file to a user the owning record allows; everyone else gets 404 (not 403, which would
    confirm the file exists)."""
    stored = StoredFile.objects.select_related("owner_type").filter(pk=file_id).first()
    if stored is None or not can_view(request.user, stored):
        raise Http404
    path = path_of(stored)
    if not path.exists():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
