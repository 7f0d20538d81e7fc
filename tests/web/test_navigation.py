"""Role-aware navigation: every link a role is shown opens for that role.

For each role, the main pages are fetched and every site link in their header, navigation and footer (and on the
role's own dashboard) is followed; none may answer 403 or 404 (nor 5xx). A link that would be refused is a link the
page should not have shown.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.factories import UserFactory
from tests.members.helpers import current_version, make_application
from zilu.core.roles import Role

# Not pages: the API explorer and the back office are their own sites, logout is a POST, and the language switch too.
SKIP_PREFIXES = ("/api/", "/backoffice/", "/static/", "/accounts/logout/", "/i18n/", "/files/")


class LinkParser(HTMLParser):
    """The ``href`` of every ``<a>``, split into those inside header/nav/footer and the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.chrome: list[str] = []
        self.body: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("header", "nav", "footer"):
            self._depth += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            (self.chrome if self._depth else self.body).append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("header", "nav", "footer") and self._depth:
            self._depth -= 1


def site_links(hrefs: list[str]) -> set[str]:
    links = set()
    for href in hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP_PREFIXES):
            continue
        links.add(href)
    return links


def parse(content: bytes) -> LinkParser:
    parser = LinkParser()
    parser.feed(content.decode())
    return parser


MAIN_PAGES = ["/", "/reports/statistics/", "/account/"]


def crawl(client, start: list[str]) -> dict[str, int]:
    """Fetch the start pages, then every link in their chrome (and every link on a dashboard); return url->status."""
    seen: dict[str, int] = {}
    to_visit: list[str] = []
    for page in start:
        response = client.get(page, follow=True)
        seen[page] = response.status_code
        parser = parse(response.content)
        to_visit += sorted(site_links(parser.chrome))
        if page in ("/staff/", "/member/", "/account/"):
            to_visit += sorted(site_links(parser.body))
    for url in to_visit:
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            # one level further: every link on a page the navigation leads to (a work area's own menu and actions)
            inner_parser = parse(response.content)
            for inner in sorted(site_links(inner_parser.chrome + inner_parser.body)):
                if inner not in seen:
                    seen[inner] = client.get(inner).status_code
    return seen


@pytest.fixture
def applicant(db):
    """An account of the public with a membership application under review."""
    user = UserFactory(role=Role.PUBLIC)
    make_application(user, status="submitted")
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "public", "member", "staff", "supervisor", "applicant"])
def test_every_link_shown_to_a_role_opens(client_for, applicant, role, settings):
    settings.BROKER_URL = None
    current_version()
    if role == "applicant":
        from django.test import Client

        client = Client()
        client.force_login(applicant)
    else:
        client = client_for(role)
    start = list(MAIN_PAGES)
    if role in ("staff", "supervisor"):
        start.append("/staff/")
    if role == "member":
        start.append("/member/")
    seen = crawl(client, start)
    broken = {url: status for url, status in seen.items() if status in (403, 404) or status >= 500}
    assert not broken, f"{role} is shown links that do not open: {broken}"
    assert len(seen) > 10


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_the_executing_body_and_the_department_are_not_offered_to_join(client_for, role):
    content = client_for(role).get("/").content.decode()
    assert "/membership/apply/" not in content


@pytest.mark.django_db
def test_the_supervisor_is_not_offered_to_nominate(client_for):
    client = client_for("supervisor")
    for url in ("/", "/staff/", "/commendations/", "/discipline/"):
        response = client.get(url)
        if response.status_code == 200:
            assert "/commendations/nominate" not in response.content.decode(), url
