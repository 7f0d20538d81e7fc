"""The OpenAPI schema is built once per process (per path prefix and language), not on every request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from zilu.api import api

pytestmark = pytest.mark.django_db


def test_the_schema_is_built_once_and_served_unchanged():
    first = Client().get("/api/v1/openapi.json")
    assert first.status_code == 200
    assert api.get_openapi_schema() is api.get_openapi_schema()  # memoised: the same object every time
    assert Client().get("/api/v1/openapi.json").json() == first.json()


def test_each_language_and_prefix_has_its_own_schema():
    with translation.override("en"):
        english = api.get_openapi_schema()
    with translation.override("zh-hans"):
        chinese = api.get_openapi_schema()
    assert english is not chinese
    assert api.get_openapi_schema(path_prefix="/elsewhere/") is not api.get_openapi_schema()
    assert "/elsewhere/screen" in api.get_openapi_schema(path_prefix="/elsewhere/")["paths"]
