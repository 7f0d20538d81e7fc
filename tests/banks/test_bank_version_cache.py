"""The screener's bank-version check is answered from the shared cache: no query per request, and a bank change made
anywhere is served on the next request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zilu.banks import service
from zilu.banks.actions import do_contribute, do_disable
from zilu.banks.models import BankState

pytestmark = pytest.mark.django_db

TEXT = "这里有人卖冰毒，快来看看。"


def screen(client, text: str = TEXT):
    response = client.post("/api/v1/screen", {"text": text}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def term_entries(verdict: dict) -> list[str]:
    return [hit["entry"] for hit in verdict["hits"] if hit["kind"] == "term"]


@pytest.fixture
def no_memo(settings):
    """As another process sees it: no local memo, only the shared cache tells it that a version moved (the process
    making a change also forgets its own memo; other processes keep theirs at most ZILU_BANK_VERSIONS_MEMO s)."""
    settings.ZILU_BANK_VERSIONS_MEMO = 0


@pytest.mark.parametrize("memo", [0, 1.0])
def test_a_bank_change_is_served_on_the_next_request(key_for, users, settings, memo):
    settings.ZILU_BANK_VERSIONS_MEMO = memo
    client = key_for("member")
    assert term_entries(screen(client)) == []
    assert term_entries(screen(client)) == []  # warm: versions from the cache (or the memo)

    # Made "elsewhere": the staff's entry through the action, not through this client.
    entry = do_contribute(
        users["staff"], "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="seen in posts"
    )
    assert term_entries(screen(client)) == ["冰毒"]

    do_disable(users["staff"], "terms", entry.pk, reason="too broad")
    assert term_entries(screen(client)) == []


def test_the_version_check_costs_no_query_once_warm(key_for, no_memo):
    client = key_for("member")
    screen(client)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            screen(client)
    assert [q["sql"] for q in queries.captured_queries] == []
    assert dict(service.current_bank_versions()) == dict(BankState.objects.values_list("bank", "version"))


def test_without_the_cache_entry_the_versions_come_from_the_database(key_for, users, no_memo):
    client = key_for("member")
    screen(client)
    cache.clear()  # evicted, or the cache restarted: the next request reads the database and caches again
    do_contribute(users["staff"], "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="seen in posts")
    cache.clear()
    assert term_entries(screen(client)) == ["冰毒"]
    assert service.current_bank_versions() == service.bank_versions()


def test_a_stale_read_stored_after_a_change_is_never_served(key_for, users, no_memo):
    """A process that read the versions just before a change committed, and stores them just after, must not hide
    the change: its entry carries the token of before."""
    from zilu.core import sharedcache

    client = key_for("member")
    screen(client)
    cache.clear()
    _, token = sharedcache.read(service.VERSIONS_KEY, service.VERSIONS_TOKEN_KEY)
    before = service.bank_versions()  # the slow reader's query
    do_contribute(users["staff"], "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="seen in posts")
    sharedcache.store(service.VERSIONS_KEY, token, before, service.VERSIONS_TIMEOUT)  # ... stored too late
    assert term_entries(screen(client)) == ["冰毒"]
