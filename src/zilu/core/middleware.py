"""Request-scoped context (a request id that the audit log records with every entry), the client's address and
scheme behind trusted proxies, and the error pages of the API and the site."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from zilu.core.errors import DomainError, Forbidden, NotFound, ServiceUnavailable
from zilu.core.problems import problem_response
from zilu.core.requestid import request_id_var

logger = logging.getLogger(__name__)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _is_trusted(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class TrustedProxyMiddleware:
    """Behind nginx: take the client's address from ``X-Forwarded-For`` and the scheme from ``X-Forwarded-Proto``,
    but only when the request comes from a proxy listed in ``ZILU_TRUSTED_PROXIES``.

    The client is the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy (anything left
    of it was written by the client and proves nothing). Rate limits, lock-outs and the report channel's abuse
    controls read ``REMOTE_ADDR``, so they see the real client; HTTPS redirects see the real scheme, so a site behind
    a TLS proxy does not redirect HTTPS to HTTPS forever. Headers from anyone else are ignored.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.networks = list(settings.TRUSTED_PROXY_NETWORKS)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.networks and _is_trusted(request.META.get("REMOTE_ADDR", ""), self.networks):
            forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            for candidate in reversed([part for part in forwarded if part]):
                if not _is_trusted(candidate, self.networks):
                    with contextlib.suppress(ValueError):  # garbage in the header: keep the proxy's address
                        request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(candidate))
                    break
            proto = request.META.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
            if proto in ("http", "https"):
                request.META["wsgi.url_scheme"] = proto
                request.environ["wsgi.url_scheme"] = proto  # type: ignore[attr-defined]
        return self.get_response(request)


access_logger = logging.getLogger("zilu.access")


class AccessLogMiddleware:
    """One line per request on the ``zilu.access`` logger: client, method, path, status, bytes, duration and the
    request id (JSON fields in production), written by the application rather than the server, so it is the same
    under any server and sees the client behind trusted proxies. ``ZILU_ACCESS_LOG=false`` turns it off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings
        from django.core.exceptions import MiddlewareNotUsed

        if not settings.ZILU_ACCESS_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        size = 0 if response.streaming else len(response.content)
        access_logger.info(
            '%s "%s %s" %s %s %sms',
            request.META.get("REMOTE_ADDR", "-"),
            request.method,
            request.path,
            response.status_code,
            size,
            duration_ms,
            extra={
                "request_id": getattr(request, "request_id", None) or response.get("X-Request-ID"),
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "bytes": size,
                "duration_ms": duration_ms,
                "client": request.META.get("REMOTE_ADDR", ""),
            },
        )
        return response


class RequestIdMiddleware:
    """Takes a well-formed ``X-Request-ID`` from the proxy or makes one, and echoes it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # for log lines written after the response
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
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

        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, Forbidden):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return permission_denied(request, PermissionDenied(str(exception.message)))
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(str(exception.message)))
        if isinstance(exception, ServiceUnavailable):  # a part the page needs is down: the 503 page, with the reason
            return outage_response(request, reason=str(exception.message))
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

            if response.status_code == 404:
                return problem_response(request, 404, "not_found", _("Not found."))
            problem = problem_response(request, 405, "method_not_allowed", _("This method is not allowed here."))
            if response.has_header("Allow"):
                problem["Allow"] = response["Allow"]
            return problem
        return response


def is_outage(exception: BaseException) -> bool:
    """Whether an exception means a service Zilu depends on is unreachable (the database, the cache's Redis), as
    opposed to a bug: those get 503 and ``Retry-After`` rather than a server error."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exception, OperationalError | InterfaceError):
        return True
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # pragma: no cover - redis is a dependency through celery[redis]
        return False
    return isinstance(exception, RedisConnectionError | RedisTimeoutError)


RETRY_AFTER_SECONDS = 30


def outage_response(request: HttpRequest, reason: str = "") -> HttpResponse:
    """503 for an outage: problem details under /api/, the Chinese "try again shortly" page elsewhere."""
    from django.template import loader
    from django.utils.translation import gettext as _

    if request.path.startswith("/api/"):
        response = problem_response(
            request,
            503,
            "service_unavailable",
            reason
            or _("The service is briefly unavailable. Nothing you sent before was lost; please try again shortly."),
        )
    else:
        body: str
        try:
            body = loader.render_to_string(
                "503.html", {"retry_after": RETRY_AFTER_SECONDS, "reason": reason}, request=None
            )
        except Exception:  # the page must render even when the template machinery needs the database
            body = "<h1>服务暂时不可用 / Service unavailable</h1>"
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceUnavailableMiddleware:
    """An unreachable database or cache while a view runs gives 503 with ``Retry-After`` (problem+json on the API, a
    page on the site) instead of a server error: clients and proxies retry, and monitoring sees an outage, not a
    bug. The request's transaction rolled back, so nothing half-done remains. An outage met outside the view (in
    the session or authentication middleware) reaches ``server_error`` below, which answers the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.error("service outage on %s %s: %s", request.method, request.path, exception)
        return outage_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: an outage (see :func:`is_outage`) is a 503 wherever it was raised; anything else the plain
    500 page, or problem details under /api/."""
    import sys

    from django.views.defaults import server_error as django_server_error

    exception = sys.exc_info()[1]
    if exception is not None and is_outage(exception):
        return outage_response(request)
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext as _

        return problem_response(request, 500, "server_error", _("Something went wrong on our side."))
    try:
        return django_server_error(request)
    except Exception:  # the page itself failed (e.g. a broken URL map): a bare page rather than no answer at all
        return HttpResponse(
            "<!doctype html><title>服务器错误</title><h1>服务器错误 / Server error</h1>",
            status=500,
            content_type="text/html; charset=utf-8",
        )
