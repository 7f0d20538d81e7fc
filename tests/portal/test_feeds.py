"""The public feed of joins, withdrawals, sanctions and commendations (Art. 23, 18): Atom parsed as XML and checked
against RFC 4287's required elements, JSON Feed checked against the 1.1 fields, and what never appears in it."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from django.test import Client

from tests.discipline.helpers import API as DISCIPLINE
from tests.discipline.helpers import PUBLISHED_FACTS, ok, open_case, post, propose
from tests.factories import MemberFactory, UserFactory
from tests.helpers import make_versions
from zilu.core.roles import Role

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.ZILU_BASE_URL = "https://zilu.example.cn"


@pytest.fixture
def history(users):
    """A join, a withdrawal, a published condemnation and a commendation, through the real workflows."""
    make_versions()
    target = users["member"].member
    target.number, target.joined_on = "CP-2026-0001", date(2026, 1, 5)
    target.save(update_fields=["number", "joined_on"])
    MemberFactory(number="CP-2024-0009", name="已退出公司", joined_on=date(2024, 2, 1), status="withdrawn",
                  withdrawn_on=date(2026, 2, 10))  # fmt: skip
    staff, staff2 = Client(), Client()
    staff.force_login(users["staff"])
    staff2.force_login(UserFactory(role=Role.STAFF))
    member = Client()
    member.force_login(users["member"])
    case_id = open_case(staff, target.pk)["id"]
    propose(staff, case_id, "condemnation")
    ok(member.post(f"{DISCIPLINE}/cases/{case_id}/answer", {"text": "我方已删除广告并整改。"}))
    ok(post(staff, f"/cases/{case_id}/consider", {"text": "整改属实，但不影响认定。"}))
    ok(post(staff, f"/cases/{case_id}/decide", {"published_facts": PUBLISHED_FACTS}))
    other = users["other_member"].member
    other.number = "CP-2026-0002"
    other.save(update_fields=["number"])
    nomination = ok(post(staff, "/nominations", {"nominee_kind": "unit", "member_id": other.pk,
                                                 "reasons": "积极践行公约。"}), 201)  # fmt: skip
    ok(post(staff2, f"/nominations/{nomination['id']}/decision", {"commend": True, "citation": "践行公约、审核到位。"}))
    return {"target": target, "other": other}


def test_the_atom_feed_is_valid_atom(history):
    response = Client().get("/feeds/registry.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    # RFC 4287 §4.1.1: a feed has exactly one id, title and updated; each entry one id, title, updated.
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "https://zilu.example.cn/feeds/registry.atom"
    entries = root.findall(f"{ATOM}entry")
    kinds = []
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)  # RFC 3339
        assert entry.find(f"{ATOM}id").text.startswith("tag:zilu.example.cn,2021:zilu/")
        assert entry.find(f"{ATOM}link").get("href").startswith("https://zilu.example.cn/")
        kinds.append(entry.find(f"{ATOM}category").get("term"))
    assert sorted(kinds) == ["commendation", "join", "join", "join", "sanction", "withdrawal"]
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids)
    text = response.content.decode()
    assert PUBLISHED_FACTS in text and "践行公约、审核到位。" in text and "已退出公司" in text


def test_the_json_feed_has_the_1_1_fields(history):
    response = Client().get("/feeds/registry.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"] == "https://zilu.example.cn/feeds/registry.json"
    assert feed["home_page_url"].startswith("https://zilu.example.cn/")
    assert feed["authors"] and all("name" in a for a in feed["authors"])
    assert "author" not in feed  # deprecated in 1.1
    items = feed["items"]
    for item in items:
        assert isinstance(item["id"], str) and item["id"]  # required
        assert item.get("content_text") is not None or item.get("content_html") is not None  # one is required
        datetime.fromisoformat(item["date_published"])  # RFC 3339
        assert item["url"].startswith("https://zilu.example.cn/")
        assert item["tags"] == [item["_zilu"]["kind"]]  # extensions start with an underscore
    dates = [i["date_published"] for i in items]
    assert dates == sorted(dates, reverse=True)
    by_kind = {i["_zilu"]["kind"]: i for i in items}
    assert by_kind["sanction"]["_zilu"]["member_number"] == "CP-2026-0001"
    assert by_kind["commendation"]["_zilu"]["member_number"] == "CP-2026-0002"
    assert by_kind["withdrawal"]["_zilu"] == {
        "kind": "withdrawal", "date": "2026-02-10", "member_number": "CP-2024-0009", "member_name": "已退出公司",
    }  # fmt: skip
    # The links work.
    for item in items:
        path = item["url"].removeprefix("https://zilu.example.cn").split("#")[0]
        assert Client().get(path).status_code == 200, path


def test_the_feed_filters_by_kind_and_shows_no_private_data(history, users):
    items = Client().get("/feeds/registry.json?kind=sanction,withdrawal").json()["items"]
    assert sorted(i["_zilu"]["kind"] for i in items) == ["sanction", "withdrawal"]
    body = Client().get("/feeds/registry.json").content.decode() + Client().get("/feeds/registry.atom").content.decode()
    target = history["target"]
    for private in (target.uscc, "我方已删除广告并整改。", "整改属实，但不影响认定。", "积极践行公约。"):
        assert private not in body  # the member's code, its answer, the staff's notes, the nomination's reasons


def test_a_notice_past_its_listing_leaves_the_feed(history):
    from zilu.discipline.models import Notice

    Notice.objects.update(listed_until=date(2000, 1, 1))  # past its listing period
    kinds = [i["_zilu"]["kind"] for i in Client().get("/feeds/registry.json").json()["items"]]
    assert "sanction" not in kinds


def test_an_empty_registry_gives_valid_empty_feeds(db):
    root = ET.fromstring(Client().get("/feeds/registry.atom").content)
    assert root.findall(f"{ATOM}entry") == [] and root.find(f"{ATOM}updated") is not None
    assert Client().get("/feeds/registry.json").json()["items"] == []
