"""One amendment vote at a time, always against the text in force, so that adopting one never undoes another."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.convention.helpers import V1_TEXT, published_v1
from zilu.convention import actions as convention_actions
from zilu.core.errors import InvalidTransition
from zilu.core.system import SystemActor
from zilu.governance import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the site's default language is Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _propose(marker: str):
    text = V1_TEXT.replace("本公约由昌平区互联网协会负责解释。", f"本公约由昌平区互联网协会负责解释（{marker}）。")
    return actions.do_propose_amendment(SystemActor(), title=marker, reasons="理由", text=text)


def test_second_vote_waits_for_the_first_and_for_publication():
    published_v1()
    actor = SystemActor()
    first, second = _propose("甲"), _propose("乙")
    vote = actions.do_open_amendment_vote(actor, first.number, closes_at=timezone.now() + timedelta(days=1))
    with pytest.raises(InvalidTransition, match="Another amendment"):
        actions.do_open_amendment_vote(actor, second.number, closes_at=timezone.now() + timedelta(days=1))
    # nobody voted: the vote fails, and the second may go ahead
    vote.closes_at = timezone.now()
    vote.save(update_fields=["closes_at"])
    actions.do_close_vote(actor, vote.pk)
    first.refresh_from_db()
    assert first.status == "rejected" and first.new_version is None
    actions.do_open_amendment_vote(actor, second.number, closes_at=timezone.now() + timedelta(days=1))


def test_a_proposal_drafted_on_an_older_version_cannot_go_to_the_vote():
    v1 = published_v1()
    stale = _propose("旧")
    newer = convention_actions.do_import_version(
        SystemActor(),
        V1_TEXT.replace("负责解释。", "负责解释（新）。"),
        effective_date=v1.effective_date + timedelta(days=1),
    )
    convention_actions.do_publish_version(SystemActor(), newer.pk)
    with pytest.raises(InvalidTransition, match="changed since"):
        actions.do_open_amendment_vote(SystemActor(), stale.number, closes_at=timezone.now() + timedelta(days=1))
