"""Every link of the site's header and footer opens for the role it is shown to (no 403, no 404, no 5xx)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = ("anonymous", "public", "member", "staff", "supervisor")


@pytest.mark.parametrize("role", ROLES)
def test_header_and_footer_links_open_for_the_role(browse, role):
    visitor = browse(role).open("/")
    links = visitor.page.eval_on_selector_all(
        "header a[href], footer a[href], nav a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    local = sorted({href for href in links if href.startswith("/") and not href.startswith("/api/")})
    assert local, links
    broken = {}
    for href in local:
        response = visitor.page.request.get(visitor.base_url + href, max_redirects=5)
        visitor.recorder.visited(role, href)
        if response.status >= 400:
            broken[href] = response.status
    assert not broken, f"{role} is shown links that do not open: {broken}"
