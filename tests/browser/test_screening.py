"""Screening in the browser: a member contributes a bank entry and the staff curate it; a member's reviewer works
the review queue; a member registers a website and checks its filing numbers (Art. 12, 15)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.browser.helpers import t
from tests.filings.servers import serve
from zilu.banks.actions import do_contribute
from zilu.banks.models import Entry
from zilu.banks.service import reset_screener
from zilu.core import signing
from zilu.core.actions import do_create_api_key
from zilu.core.system import SystemActor
from zilu.filings.models import Site
from zilu.review.models import ReviewItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_banks(settings, tmp_path):
    """A signing key of the test's own and a screener built from its database (as tests/bank_fixtures.py does,
    keeping the site's language)."""
    settings.ZILU_BANKS_SIGNING_KEY = str(tmp_path / "signing-key.pem")
    signing._keys.clear()
    reset_screener()
    yield
    reset_screener()


def test_bank_contribution_curated_by_the_staff(browse):
    member = browse("member").open("/banks/")
    member.open("/banks/terms/contribute")
    member.fill("value", "代开增值税发票").fill("labels", "fraud").fill("reason", "发票诈骗广告常用语。")
    member.click(t("Contribute"), exact=True)
    entry = Entry.objects.get(bank="terms", data__term="代开增值税发票")
    assert entry.status == "pending"
    member.sees(t("Thank you: the entry awaits curation by the staff."))

    staff = browse("staff").open("/banks/terms/?status=pending")
    staff.sees("代开增值税发票")
    staff.open(f"/banks/terms/{entry.pk}/")
    staff.fill("reason", "确认属于诈骗用语。")
    staff.click(t("Approve"), exact=True)
    staff.sees(t("Done."))
    entry.refresh_from_db()
    assert entry.status == "active"

    member.open(f"/banks/terms/{entry.pk}/")
    member.sees(entry.get_status_display())


def test_review_queue_claim_and_decide(browse, users):
    held_term = {"term": "代开发票", "labels": ["fraud"], "severity": 2}  # severity 2 holds for review
    do_contribute(SystemActor("cli:tests"), "terms", held_term, reason="invoice fraud ads")
    system = Client()
    system.defaults["HTTP_AUTHORIZATION"] = f"Bearer {do_create_api_key(users['member'], 'cms').token}"
    submitted = system.post(
        "/api/v1/review/items",
        {"external_id": "post-9", "text": "好消息：可以代开发票，联系我", "title": "好消息", "url": "https://a.cn/p/9"},
        content_type="application/json",
    )
    assert submitted.status_code == 201 and submitted.json()["status"] == "held", submitted.content
    item = ReviewItem.objects.get(external_id="post-9")

    reviewer = browse("member").open("/review/")
    reviewer.open("/review/queue/")
    reviewer.sees("post-9")
    reviewer.click(t("Claim the oldest item"))
    assert reviewer.path == f"/review/items/{item.pk}/"
    assert reviewer.page.locator("mark", has_text="代开发票").count() >= 1
    reviewer.fill("decision", "reject").fill("policy_label", "fraud").fill("rationale", "发票诈骗。")
    reviewer.click(t("Decide"), exact=True)
    reviewer.sees(t("Decided."))
    assert reviewer.path == "/review/queue/"
    item.refresh_from_db()
    assert item.status != "held"

    browse("other_member").open(f"/review/items/{item.pk}/", status=404)


def test_register_a_website_and_check_its_filing(browse, settings):
    settings.ZILU_FILINGS_FETCH_TIMEOUT = 2
    settings.ZILU_FILINGS_ALLOW_HOSTS = ["127.0.0.1"]
    with serve() as server:
        member = browse("member").open("/filings/")
        member.fill("kind", "website").fill("name", "示例新闻").fill("domains", "news.example.com.cn")
        member.fill("icp_number", "京ICP备20210001号-1").fill("psb_number", "京公网安备11011402000001号")
        member.fill("responsible_person", "张三").fill("responsible_phone", "010-69712345")
        member.fill("home_url", server + "/correct")
        member.click(t("Register"), exact=True)
        site = Site.objects.get()
        assert member.path == f"/filings/{site.pk}/"
        member.sees(t("The site is registered."), "news.example.com.cn")

        member.click(t("Check the home page now"))
        verification = site.verifications.latest("pk")
        assert verification.outcome == "ok", verification.outcome
        member.sees(t("Checked: %(outcome)s.") % {"outcome": verification.get_outcome_display()})

        Site.objects.filter(pk=site.pk).update(home_url=server + "/wrong")
        staff = browse("staff").open("/filings/")
        staff.sees("示例新闻")
        staff.open(f"/filings/{site.pk}/")
        staff.click(t("Check the home page now"))
        staff.sees("京ICP备20999999号-1")

        member.open(f"/filings/{site.pk}/")
        member.click(t("Close: we no longer run this site"))
        site.refresh_from_db()
        assert site.status == "closed"
        browse("other_member").open(f"/filings/{site.pk}/", status=404)
