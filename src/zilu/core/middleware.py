"""Request-scoped context: a request id that the audit log records with every entry."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str | None] = ContextVar("zilu_request_id", default=None)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return _request_id.get()


class RequestIdMiddleware:
    """Takes a well-formed ``X-Request-ID`` from the proxy or makes one, and echoes it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorMiddleware:
    """Pages: a refused action that escapes a view becomes the right page, not a server error.

    Anonymous visitors who hit a permission check are sent to sign in; signed-in users get 403; NotFound is 404.
    (The API has its own handlers that answer with problem details.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.contrib.auth.views import redirect_to_login
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.views.defaults import page_not_found, permission_denied

        from zilu.core.errors import DomainError, Forbidden, NotFound

        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, Forbidden):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return permission_denied(request, PermissionDenied(str(exception.message)))
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(str(exception.message)))
        return None


class ApiProblemMiddleware:
    """Under /api/, Django's own HTML or plain-text 404 and 405 answers (unknown path, wrong method) become
    problem details too, so API clients always get one error format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in (404, 405)
            and "json" not in response.get("Content-Type", "")
        ):
            from django.utils.translation import gettext as _

            from zilu.core.problems import problem_response

            if response.status_code == 404:
                return problem_response(request, 404, "not_found", _("Not found."))
            problem = problem_response(request, 405, "method_not_allowed", _("This method is not allowed here."))
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response
