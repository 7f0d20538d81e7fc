"""The django-ninja API object behind /api/v1/: the UTF-8 renderer, the problem responses declared on every
operation, the hot paths first, and the problem-details error handlers. ``zilu/api.py`` only mounts the apps'
routers on it."""

from __future__ import annotations

import functools
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from zilu import __version__
from zilu.core import problems
from zilu.core.errors import PROBLEM_SCHEMA, PROBLEMS, UNSTORABLE_MESSAGE, DomainError


class Utf8Renderer(JSONRenderer):
    """JSON with Chinese text as UTF-8 rather than \\u escapes (the problem responses do the same)."""

    json_dumps_params = {"ensure_ascii": False}


# Paths of the member platforms' hot path, matched first: Django tries URL patterns in order, and ~100 other API
# patterns come before them in router order (a tenth of a millisecond a request).
HOT_PATHS = ("screen", "screen/batch")


# django-ninja answers a JSON body it cannot parse with 400 before any validation (ninja.params.models.BodyModel).
UNPARSABLE_BODY = "The request body is not valid JSON"


class ZiluAPI(NinjaAPI):
    """The API, whose OpenAPI schema also declares the problem responses every operation can give."""

    def _get_urls(self) -> list[Any]:
        """The URL patterns, the hot paths first. A hot pattern moves only if no pattern before it would have
        answered its path, so no request resolves differently. (The schema and docs keep router order.)"""
        urls = super()._get_urls()
        for hot in reversed(HOT_PATHS):
            index = next((i for i, url in enumerate(urls) if str(url.pattern) == hot), None)
            if index is not None and not any(url.pattern.match(hot) for url in urls[:index]):
                urls.insert(0, urls.pop(index))
        for url in urls:
            url.callback = _refusing_unstorable_path(url.callback)
        return urls

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """The schema, built once per process, path prefix and language (building it takes a third of a second and
        it changes only with the code). Callers must not modify the returned dict."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        memo = self.__dict__.setdefault("_schema_memo", {})
        key = (path_prefix, get_language())
        if key not in memo:
            memo[key] = self._build_openapi_schema(path_prefix)
        return memo[key]

    def _build_openapi_schema(self, path_prefix: str) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = {str(code): value for code, value in operation.get("responses", {}).items()}
                operation["responses"] = responses
                if "application/json" in operation.get("requestBody", {}).get("content", {}):
                    responses.setdefault("400", {"description": UNPARSABLE_BODY, "content": problem})
                for code, description in PROBLEMS.items():
                    if code in {"401", "403"} and not operation.get("security"):
                        continue  # public operations answer neither
                    responses.setdefault(code, {"description": description, "content": problem})
        return schema


class UnstorableText(ValueError):
    """A JSON string that no database can store: a lone surrogate (not UTF-8) or NUL (refused by PostgreSQL)."""

    def __init__(self, location: list[str | int]) -> None:
        self.location = location
        super().__init__(".".join(map(str, location)))


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _check_text(value: Any, location: list[str | int]) -> None:
    if isinstance(value, str):
        if _unstorable(value):
            raise UnstorableText(location)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, [*location, str(key)])
            _check_text(item, [*location, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_text(item, [*location, index])


def _refusing_unstorable_path(view: Any) -> Any:
    """The view, refusing a path parameter no database can store before it runs: a URL may carry ``%00``, which
    PostgreSQL cannot take in a query. (Bodies and query strings are checked by :class:`TextGuardParser`.)"""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            if isinstance(value, str) and _unstorable(value):
                return problems.unstorable_text(request, name)
        return view(request, *args, **kwargs)

    return guarded


class TextGuardParser(Parser):
    """JSON and form parsing that refuses text no database can store, naming the field, before it reaches an
    action: a lone surrogate (``"\\ud800"`` is valid JSON but not UTF-8) or NUL. django-ninja turns a body parser
    error into a 400; :func:`zilu.core.problems.on_http_error` makes this one a 422 with the field."""

    def parse_body(self, request: Any) -> Any:
        data = super().parse_body(request)
        _check_text(data, [])
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: Any) -> Any:
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            try:
                _check_text(value, [key])
            except UnstorableText as exc:
                raise NinjaValidationError(
                    [{"loc": ["query", *exc.location], "msg": str(UNSTORABLE_MESSAGE), "type": "unstorable_text"}]
                ) from None
        return result


def make_api() -> ZiluAPI:
    """The API with its error handlers; the caller mounts the routers."""
    api = ZiluAPI(
        renderer=Utf8Renderer(),
        parser=TextGuardParser(),
        title="Zilu API",
        version=__version__,
        description=(
            "The API of Zilu, the platform of the Changping District Internet Industry Self-Discipline Convention. "
            "Member systems authenticate with `Authorization: Bearer <API key>`; errors are RFC 7807 problem details."
        ),
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
        # The docs page is django-ninja's bundled Swagger UI ("ninja" in INSTALLED_APPS: scripts from /static/, none
        # inline), which sets inline styles as it renders: this page alone may use them. It shows only the schema.
        docs_decorator=csp_update({"style-src": [UNSAFE_INLINE]}),
    )
    handlers: list[tuple[type[Exception], Any]] = [
        (NinjaValidationError, problems.on_validation_error),
        (DomainError, problems.on_domain_error),
        (AuthenticationError, problems.on_authentication_error),
        (HttpError, problems.on_http_error),
        (Http404, problems.on_not_found),
        (PermissionDenied, problems.on_permission_denied),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
    return api
