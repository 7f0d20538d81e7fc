"""The HTTP API at /api/v1/: mounts the apps' routers and the problem-details error handlers."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from zilu import __version__
from zilu.banks.api import router as screening_router
from zilu.convention.api import router as convention_router
from zilu.convention.governance_api import router as governance_router
from zilu.core import problems
from zilu.core.api import router as core_router
from zilu.core.errors import DomainError
from zilu.members.api import router as members_router


class Utf8Renderer(JSONRenderer):
    """JSON with Chinese text as UTF-8 rather than \\u escapes (the problem responses do the same)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8Renderer(),
    title="Zilu API",
    version=__version__,
    description=(
        "The API of Zilu, the platform of the Changping District Internet Industry Self-Discipline Convention. "
        "Member systems authenticate with `Authorization: Bearer <API key>`; errors are RFC 7807 problem details."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_exception_handler(NinjaValidationError, problems.on_validation_error)
api.add_exception_handler(DomainError, problems.on_domain_error)
api.add_exception_handler(AuthenticationError, problems.on_authentication_error)
api.add_exception_handler(HttpError, problems.on_http_error)
api.add_exception_handler(Http404, problems.on_not_found)
api.add_exception_handler(PermissionDenied, problems.on_permission_denied)

api.add_router("/", core_router)
api.add_router("/convention", convention_router)
api.add_router("/convention", governance_router)
api.add_router("/members", members_router)
api.add_router("/", screening_router)
