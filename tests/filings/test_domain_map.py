"""The cached domain map: report targets resolve without a query, and every change to a site, a domain or a member's
status is seen by the next report (the map is rebuilt after the change commits).

These tests commit (``transaction=True``) because the map is only read and filled outside a transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.reports.helpers import submit_api, submit_ok
from zilu.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)
SITES = "/api/v1/filings/sites"


@pytest.fixture(autouse=True)
def _open_intake(settings):
    """All reports here come from one address: no CAPTCHA, no rate limit."""
    settings.ZILU_REPORT_CAPTCHA_AFTER = -1
    settings.ZILU_REPORT_RATE_LIMIT = 0


def register(client: Client, name: str, domain: str) -> dict:
    response = client.post(
        SITES,
        {
            "kind": "website",
            "name": name,
            "domains": [domain],
            "icp_number": f"京ICP备{20210000 + len(name)}号-1",
            "psb_number": f"京公网安备{11011402000000 + len(name)}",
            "responsible_person": "张三",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def resolution_queries(captured: CaptureQueriesContext) -> list[str]:
    tables = ('"filings_sitedomain"', '"filings_site"', '"members_member"')
    return [q["sql"] for q in captured.captured_queries if any(t in q["sql"] for t in tables)]


def test_targets_resolve_from_the_cache_and_follow_every_change(client_for, users):
    member = users["member"].member
    representative = client_for("member")
    site = register(representative, "示例新闻", "news.example.com.cn")

    first = submit_ok(Client(), target="https://m.news.example.com.cn/a/1")
    assert first["status"] == "with_member"
    with CaptureQueriesContext(connection) as captured:
        again = submit_ok(Client(), target="https://news.example.com.cn/b/2", description="另一条完全不同的举报内容。")
        chosen = submit_ok(Client(), target="", member=str(member.pk), description="第三条举报，举报人选择了会员。")
    assert again["status"] == "with_member" and chosen["status"] == "with_member"
    assert resolution_queries(captured) == []  # both resolved from the cached map
    assert Report.objects.filter(member=member).count() == 3

    # a closed site's domain no longer resolves (filings.actions.do_close_site)
    assert representative.post(f"{SITES}/{site['id']}/close").status_code == 200
    closed = submit_ok(Client(), target="https://news.example.com.cn/c/3", description="网站关闭之后提交的举报。")
    assert closed["status"] == "staff_queue"

    # a newly registered domain resolves at once
    register(representative, "示例商城", "shop.example.com.cn")
    routed = submit_ok(Client(), target="shop.example.com.cn/item/9", description="新登记的网站上的诈骗页面。")
    assert routed["status"] == "with_member"

    # a member that withdrew is no member to route to, by its domain or by choice (members.actions.membership)
    response = representative.post(
        "/api/v1/members/me/withdraw", {"effective_on": date.today().isoformat()}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    gone = submit_ok(Client(), target="https://shop.example.com.cn/", description="会员退出之后提交的举报。")
    assert gone["status"] == "staff_queue"
    refused = submit_api(Client(), target="", member=str(member.pk), description="会员退出之后选择该会员的举报。")
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["member"]
