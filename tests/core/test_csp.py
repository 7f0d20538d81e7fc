"""Content-Security-Policy (django-csp): every kind of page carries a policy that allows scripts and styles from this
origin only, the pages and templates hold no inline script or style that such a policy would block, and every file
the pages link is served. The API docs page alone may use inline styles (Swagger UI sets them as it renders)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

import zilu
from zilu.governance.views import _diff_table
from zilu.review.stats import chart_svg

pytestmark = pytest.mark.django_db

TEMPLATES_ROOT = Path(zilu.__file__).parent

# What a policy without 'unsafe-inline' blocks: an inline <script> body (JSON data blocks are not scripts), a
# <style> element, a style="" attribute, an on*="" event handler attribute and a javascript: URL.
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
INLINE_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """The inline scripts and styles in an HTML text (or template), each as a short excerpt."""
    found = []
    for match in SCRIPT_TAG.finditer(html):
        attributes, body = match.group(1), match.group(2)
        if "application/json" in attributes.lower():
            continue
        if not re.search(r"\ssrc\s*=", attributes) or body.strip():
            found.append(match.group(0)[:80])
    for pattern in (INLINE_STYLE_ELEMENT, STYLE_ATTRIBUTE, HANDLER_ATTRIBUTE, JAVASCRIPT_URL):
        found.extend(match.group(0)[-80:] for match in pattern.finditer(html))
    return found


def policy(response: HttpResponse) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response: HttpResponse, *, inline_styles: bool = False) -> dict[str, list[str]]:
    """The site's policy: scripts only from this origin, never inline or eval; styles likewise unless allowed."""
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == (["'self'", "'unsafe-inline'"] if inline_styles else ["'self'"])
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    return directives


def linked_files(html: str) -> list[str]:
    return re.findall(r"""<(?:script|link)\b[^>]*\s(?:src|href)=["']([^"']+)["']""", html)


def assert_linked_files_served(client: Client, html: str) -> None:
    """Every stylesheet and script the page links comes from /static/ on this site and is served (WhiteNoise)."""
    links = linked_files(html)
    assert links
    for url in links:
        assert url.startswith("/static/"), url
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


# ------------------------------------------------------------------------------------------ pages through HTTP


@pytest.mark.parametrize(
    "url, role, status",
    [
        ("/", "anonymous", 200),  # the public home
        ("/registry/", "anonymous", 200),
        ("/accounts/login/", "anonymous", 200),  # the sign-in form, also the back office's
        ("/report/", "anonymous", 200),  # a public form
        ("/membership/apply/", "public", 200),  # a form with its script
        ("/no/such/page/", "anonymous", 404),
        ("/backoffice/", "superuser", 200),  # Django admin
        ("/backoffice/core/user/", "superuser", 200),
        ("/backoffice/core/auditentry/", "superuser", 200),
    ],
)
def test_every_kind_of_page_has_a_strict_policy_and_no_inline_code(client_for, url, role, status):
    client = client_for(role)
    response = client.get(url)
    assert response.status_code == status
    assert_strict(response)
    html = response.content.decode()
    assert inline_code(html) == []
    assert_linked_files_served(client, html)


def test_an_admin_change_form_has_no_inline_code(client_for, users):
    client = client_for("superuser")
    response = client.get(f"/backoffice/core/user/{users['staff'].pk}/change/")
    assert response.status_code == 200
    assert_strict(response)
    assert inline_code(response.content.decode()) == []


def test_the_application_form_loads_its_script_from_a_static_file(client_for):
    client = client_for("public")
    html = client.get("/membership/apply/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("defer" in script and 'src="/static/' in script for script in scripts)  # the site's forms.js too
    scripts = [script for script in scripts if "/static/zilu/apply.js" in script]
    assert len(scripts) == 1
    source = b"".join(client.get("/static/zilu/apply.js").streaming_content).decode()
    assert 'getElementById("apply-form")' in source and 'id="apply-form"' in html
    names = re.findall(r'"([a-z_]+)"', " ".join(re.findall(r"Only = \[(.*?)\]", source)))
    assert "uscc" in names and "resident_id" in names
    for name in names:  # every field the script shows or hides is on the page
        assert f'class="field field-{name}"' in html, name


def test_the_api_docs_page_loads_swagger_ui_from_this_site_and_may_only_use_inline_styles(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict(response, inline_styles=True)  # script-src stays 'self'
    html = response.content.decode()
    assert "cdn.jsdelivr.net" not in html and "https://" not in html
    assert inline_code(html) == []  # the settings are a JSON data block, the start-up code a static file
    assert "/static/ninja/swagger-ui-bundle.js" in linked_files(html)
    assert_linked_files_served(client, html)


def test_the_api_answers_with_the_strict_policy_too(client):
    response = client.get("/api/v1/convention/versions")
    assert response.status_code == 200
    assert_strict(response)


# ------------------------------------------------------------------------------------------ the error pages


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _outage(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server")


urlpatterns = [path("boom/", _boom), path("outage/", _outage)]
handler500 = "zilu.core.middleware.server_error"


@pytest.mark.urls("tests.core.test_csp")
@pytest.mark.parametrize("url, status", [("/boom/", 500), ("/outage/", 503)])
def test_the_standalone_error_pages_have_the_policy_and_their_stylesheet(url, status):
    client = Client(raise_request_exception=False)
    response = client.get(url)
    assert response.status_code == status
    assert_strict(response)
    html = response.content.decode()
    assert 'class="error-page"' in html
    assert inline_code(html) == []
    assert linked_files(html) == ["/static/zilu/site.css"]
    css = b"".join(client.get("/static/zilu/site.css").streaming_content).decode()
    assert "body.error-page" in css


# ------------------------------------------------------------------------------------------ templates and markup


def test_no_template_holds_an_inline_script_style_or_handler():
    # E-mail bodies (templates/*/email/) are not served by the site: no policy applies, mail clients need inline styles.
    templates = sorted(t for t in TEMPLATES_ROOT.glob("**/templates/**/*.html") if "email" not in t.parent.parts)
    assert len(templates) > 50
    offenders = {
        str(template.relative_to(TEMPLATES_ROOT)): found
        for template in templates
        if (found := inline_code(template.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="/static/x.js">alert(1)</script>',
        "<style>p{}</style>",
        '<p style="color:red">',
        "<button\n  onclick='go()'>",
        '<a href="javascript:go()">',
    ],
)
def test_the_scanner_finds_inline_code(html):
    assert inline_code(html)


def test_the_scanner_lets_external_scripts_and_data_blocks_pass():
    html = (
        '<script src="/static/x.js" defer></script><script type="application/json" id="s">{"a": 1}</script>'
        '<p class="online">stylesheet, onward</p><a data-style="x" href="/">'
    )
    assert inline_code(html) == []


def test_markup_built_in_python_has_no_inline_style():
    """The review dashboard's chart and an amendment's side-by-side diff are built in Python, not in a template."""
    chart = chart_svg([{"day": "2026-01-01", "publishable": 3, "held": 2, "refused": 1}])
    version = SimpleNamespace(text="第一条 甲。\n第二条 乙。", number=1)
    amendment = SimpleNamespace(base_version=version, text="第一条 甲。\n第二条 丙。", number=2)
    assert inline_code(chart) == []
    assert inline_code(_diff_table(amendment)) == []
