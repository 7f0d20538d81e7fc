"""Every operation that needs credentials answers a request without them, or with a bad API key, with 401 problem
details and ``WWW-Authenticate`` — on every method, not only GET (a POST once got django-ninja's CSRF 403)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.helpers import assert_problem

pytestmark = pytest.mark.django_db


def _secured_operations() -> list[tuple[str, str]]:
    from zilu.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(found)


def test_the_check_sees_every_method():
    methods = {method for method, _ in _secured_operations()}
    assert {"get", "post"} <= methods and len(_secured_operations()) > 80


@pytest.mark.parametrize("authorization", [None, "Bearer zilu_000000000000_not-a-key"])
def test_every_secured_operation_answers_401_with_www_authenticate(authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    client = Client(enforce_csrf_checks=True, **headers)
    wrong = []
    for method, path in _secured_operations():
        call = getattr(client, method)
        response = call(path) if method == "get" else call(path, data="{}", content_type="application/json")
        if response.status_code != 401 or response.get("WWW-Authenticate") != 'Bearer realm="zilu"':
            wrong.append((method.upper(), path, response.status_code))
            continue
        assert_problem(response, 401, "unauthenticated")
    assert wrong == []
