"""The 403, 404, 500 and 503 pages: in the site's layout, with the reason and a way on, in Chinese."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from zilu import urls as site_urls
from zilu.core.errors import ServiceUnavailable


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _outage(request: HttpRequest) -> HttpResponse:
    raise OperationalError("could not connect to server")


def _part_down(request: HttpRequest) -> HttpResponse:
    raise ServiceUnavailable("筛查服务的信号库无法加载。")


# The site's own URL map, plus three views that fail: the error pages link to the site's pages.
urlpatterns = [path("boom/", _boom), path("outage/", _outage), path("part-down/", _part_down), *site_urls.urlpatterns]
handler500 = "zilu.core.middleware.server_error"


def in_layout(html: str) -> bool:
    return 'class="site-header"' in html and 'class="site-footer"' in html and 'class="error-page"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_403_explains_and_offers_a_way_on(client_for, role):
    response = client_for(role).get("/membership/apply/")
    assert response.status_code == 403
    html = response.content.decode()
    assert in_layout(html) and 'id="error-403"' in html
    assert "无权" in html or "Not allowed" in html
    assert 'class="error-reason"' in html
    assert 'href="/"' in html and 'href="/staff/"' in html and 'href="/account/"' in html  # home, dashboard, account


@pytest.mark.django_db
def test_403_in_english_names_the_role(client_for, settings):
    settings.LANGUAGE_CODE = "en"
    response = client_for("supervisor").get("/membership/apply/", headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "You are signed in as" in html and "Supervising department" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_404_shows_the_address_and_a_way_on(client_for, role):
    response = client_for(role).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert in_layout(html) and 'id="error-404"' in html
    assert "/no/such/page/" in html
    assert 'href="/registry/"' in html and 'href="/report/track/"' in html


@pytest.mark.django_db
def test_a_record_not_visible_is_the_same_404(client_for):
    response = client_for("public").get("/member/reports/999999/")
    assert response.status_code in (403, 404)
    assert in_layout(response.content.decode())


@pytest.mark.urls("tests.web.test_error_pages")
def test_500_is_chinese_in_the_site_layout():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert in_layout(html) and 'id="error-500"' in html
    assert "服务器错误" in html and "不会丢失" in html
    assert 'href="/report/track/"' in html


@pytest.mark.urls("tests.web.test_error_pages")
def test_503_on_an_outage_asks_to_retry():
    response = Client(raise_request_exception=False).get("/outage/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert in_layout(html) and 'id="error-503"' in html and "服务暂时不可用" in html and "30 秒" in html


@pytest.mark.django_db
@pytest.mark.urls("tests.web.test_error_pages")
def test_503_for_a_part_that_is_down_gives_the_reason():
    response = Client(raise_request_exception=False).get("/part-down/")
    assert response.status_code == 503
    html = response.content.decode()
    assert in_layout(html) and "筛查服务的信号库无法加载。" in html
