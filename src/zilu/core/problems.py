"""RFC 7807 problem details: the one place that turns errors into ``application/problem+json`` responses."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zilu.core.errors import UNSTORABLE_MESSAGE, DomainError
from zilu.core.requestid import current_request_id

PROBLEM_BASE = "urn:zilu:problem:"


def problem_response(
    request: HttpRequest, status: int, code: str, title: str, detail: str = "", **extra: Any
) -> HttpResponse:
    """A problem+json response. ``type`` is a stable URN per error code; ``instance`` is the request path."""
    body = {
        "type": PROBLEM_BASE + code,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "request_id": current_request_id(),
        **extra,
    }
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/problem+json; charset=utf-8",
    )


def _field_of(loc: list[Any]) -> str:
    # ninja locations look like ["body", "payload", "name"] or ["query", "since"]: keep the field path.
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "header", "cookie", "file"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in {"payload", "data", "body"}:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_of(list(error.get("loc", []))),
            "reason": str(error.get("msg", "")),
            "code": error.get("type", ""),
        }
        for error in exc.errors
    ]
    return problem_response(request, 422, "validation_error", _("The submitted data is not valid."), errors=errors)


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_response(request, exc.status, exc.code, str(exc.message), errors=exc.errors())


def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem_response(request, 401, "unauthenticated", _("Sign in or send a valid API key."))
    response["WWW-Authenticate"] = 'Bearer realm="zilu"'
    return response


def unstorable_text(request: HttpRequest, field: str) -> HttpResponse:
    """422 for text no database can store (a NUL, a lone surrogate), naming the field."""
    errors = [{"field": field, "reason": str(UNSTORABLE_MESSAGE), "code": "unstorable_text"}]
    return problem_response(request, 422, "validation_error", _("The submitted data is not valid."), errors=errors)


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    location = getattr(exc.__cause__, "location", None)  # zilu.core.apisite.UnstorableText, raised by the parser
    if location is not None:
        return unstorable_text(request, ".".join(map(str, location)) or "__all__")
    return problem_response(request, exc.status_code, f"http_{exc.status_code}", str(exc.message))


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(request, 404, "not_found", _("Not found."))


def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem_response(request, 403, "forbidden", _("You do not have permission to do this."))
