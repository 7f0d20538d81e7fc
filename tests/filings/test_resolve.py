"""Report targets and screening links resolve to members through registered domains and app names."""

from __future__ import annotations

import pytest

from tests.factories import MemberFactory, SiteFactory
from zilu.filings.resolve import candidate_domains, host_of, member_for_url, site_for_url
from zilu.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    news = MemberFactory(name="新闻公司")
    shop = MemberFactory(name="商城公司")
    SiteFactory(member=news, domains=["example.com.cn", "例子.中国"])
    SiteFactory(member=shop, domains=["shop.example.com.cn"])
    SiteFactory(member=shop, kind="app", name="Shop Helper", name_key="shophelper", domains=[])
    return {"news": news, "shop": shop}


@pytest.mark.parametrize(
    ("value", "who"),
    [
        ("https://example.com.cn/", "news"),
        ("http://www.example.com.cn/a/b?c=1#d", "news"),
        ("https://a.b.c.example.com.cn:8443/x", "news"),
        ("example.com.cn", "news"),
        ("EXAMPLE.COM.CN.", "news"),
        ("m.example.com.cn/path", "news"),
        ("https://例子.中国/", "news"),
        ("https://xn--fsqu00a.xn--fiqs8s/", "news"),
        # the longest registered domain wins: shop.example.com.cn belongs to another member
        ("https://shop.example.com.cn/item/1", "shop"),
        ("https://m.shop.example.com.cn/", "shop"),
        ("Shop Helper", "shop"),
        ("ｓｈｏｐ ｈｅｌｐｅｒ", "shop"),
    ],
)
def test_member_for_url_resolves(registered, value, who):
    assert member_for_url(value) == registered[who]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "https://example.com/",  # another registrable domain
        "https://notexample.com.cn/",
        "https://com.cn/",  # a public suffix only
        "http://127.0.0.1/",
        "Unknown App",
        "ftp://",
    ],
)
def test_member_for_url_unknown(registered, value):
    assert member_for_url(value) is None


def test_closed_sites_and_inactive_members_do_not_resolve(registered):
    site = site_for_url("https://shop.example.com.cn/")
    site.status = "closed"
    site.save()
    site.domains.update(active=False)
    # with the shop's own domain closed, the parent domain's member takes the URL
    assert member_for_url("https://shop.example.com.cn/") == registered["news"]
    Member.objects.filter(pk=registered["news"].pk).update(status=Member.Status.WITHDRAWN)
    assert member_for_url("https://www.example.com.cn/") is None


def test_same_app_name_at_two_members_is_ambiguous(registered):
    SiteFactory(member=registered["news"], kind="app", name="Shop Helper", name_key="shophelper", domains=[])
    assert member_for_url("Shop Helper") is None


def test_host_and_candidates():
    assert host_of("https://User@A.Example.COM.cn:80/x") == "a.example.com.cn"
    assert host_of("not a host") is None
    assert candidate_domains("a.b.example.com.cn") == ["a.b.example.com.cn", "b.example.com.cn", "example.com.cn"]
    assert candidate_domains("localhost") == []
