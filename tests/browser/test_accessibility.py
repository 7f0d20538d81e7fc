"""Accessibility of the main pages, checked by axe-core (vendored in tests/browser/vendor/axe-core, MPL-2.0) in
Chromium: no serious or critical violation of the WCAG 2.1 A/AA rules, for each role's main pages, at the desktop
width, and the busiest ones at 390 px, where nothing may be wider than the screen."""

from __future__ import annotations

import pytest

from tests.helpers import make_versions

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "anonymous": [
        "/",
        "/report/",
        "/report/track/",
        "/convention",
        "/registry/",
        "/registry/verify/",
        "/sanctions/",
        "/evaluations/",
        "/commendations/",
        "/reports/statistics/",
        "/transparency/",
        "/transparency/audit-head",
        "/accounts/login/",
        "/accounts/register/",
        "/convention/amendments/",
    ],
    "public": ["/account/", "/membership/apply/", "/account/reports/"],
    "member": [
        "/member/reports/",
        "/account/member/",
        "/account/discipline/",
        "/disputes/",
        "/disputes/new",
        "/oversight/complaints/new",
        "/review/",
        "/review/queue/",
        "/filings/",
        "/banks/",
        "/banks/terms/contribute",
        "/account/inbox/",
        "/account/api-keys/",
    ],
    "staff": [
        "/staff/",
        "/staff/reports/",
        "/staff/applications/",
        "/staff/discipline/",
        "/staff/discipline/cases/new",
        "/staff/disputes/",
        "/staff/explanations/",
        "/staff/convention/",
        "/banks/terms/",
    ],
    "supervisor": ["/oversight/complaints/", "/staff/explanations/"],
}
# the pages also checked at the phone width
NARROW = {"/", "/report/", "/report/track/", "/reports/statistics/", "/member/reports/", "/staff/", "/staff/reports/"}


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violations(browse, role):
    make_versions()
    found = {}
    for width in (1280, 390):
        visitor = browse(role, width=width, axe=True)
        for path in PAGES[role] if width > 500 else [p for p in PAGES[role] if p in NARROW]:
            visitor.open(path)
            violations = visitor.axe()
            if violations:
                found[f"{path} @{width}px"] = violations
            if width < 500:  # the phone layout: nothing wider than the screen (no sideways scrolling)
                scroll_width = visitor.page.evaluate("() => document.documentElement.scrollWidth")
                assert scroll_width <= width, f"{path} is {scroll_width}px wide at {width}px"
    assert not found, "\n".join(
        f"{page}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for page, vs in found.items() for v in vs
    )
