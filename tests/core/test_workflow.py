"""The workflow kernel: access() loads only what the queryset allows, transition() follows the table and audits."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from tests.factories import MemberFactory, SiteFactory, UserFactory
from zilu.core import workflow
from zilu.core.errors import InvalidTransition, NotFound
from zilu.core.models import AuditEntry, Notification
from zilu.core.notify import notify, site_language
from zilu.core.system import SystemActor
from zilu.filings.models import Site
from zilu.members.models import Member

pytestmark = pytest.mark.django_db


def test_access_returns_the_row_only_through_the_queryset():
    mine, other = SiteFactory(), SiteFactory()
    own = Site.objects.filter(member=mine.member)
    assert workflow.access(own, mine.pk) == mine
    with pytest.raises(NotFound):
        workflow.access(own, other.pk)  # exists, but not in the caller's view: the same answer as a missing row
    with pytest.raises(NotFound):
        workflow.access(own, 10**9)
    with pytest.raises(NotFound):
        workflow.access(own, "not-a-number")


def test_access_for_update_locks_the_row_of_a_joined_queryset():
    site = SiteFactory()
    joined = Site.objects.filter(member__name=site.member.name).distinct()  # DISTINCT cannot be locked as such
    with transaction.atomic():
        assert workflow.access(joined, site.pk, for_update=True) == site
    with transaction.atomic():
        assert workflow.access(joined, for_update=True, name=site.name) == site


def test_access_without_a_key_is_a_programming_error():
    with pytest.raises(TypeError):
        workflow.access(Site.objects.all())


def test_transition_sets_saves_only_the_named_fields_and_audits_old_and_new():
    site = SiteFactory(name="原名")
    Site.objects.filter(pk=site.pk).update(name="别处改过")  # a concurrent change the transition must not undo
    actor = SystemActor("cli:tests")
    with transaction.atomic():
        entry = workflow.transition(
            site, Site.Status.CLOSED, actor=actor, action="filings.site.close", extra_after={"reason": "停止运营"}
        )
    site.refresh_from_db()
    assert site.status == Site.Status.CLOSED
    assert site.name == "别处改过"
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.action == "filings.site.close"
    assert stored.before == {"status": "active"}
    assert stored.after == {"status": "closed", "reason": "停止运营"}


def test_transition_outside_the_table_is_refused_and_changes_nothing():
    site = SiteFactory(status=Site.Status.CLOSED)
    count = AuditEntry.objects.count()
    with translation.override("zh-hans"), transaction.atomic(), pytest.raises(InvalidTransition) as refused:
        workflow.transition(site, Site.Status.ACTIVE, actor=SystemActor("cli:tests"), action="filings.site.reopen")
    assert "“" in str(refused.value.message)
    site.refresh_from_db()
    assert site.status == Site.Status.CLOSED
    assert AuditEntry.objects.count() == count
    assert not workflow.can_transition(site, Site.Status.ACTIVE)


def test_restrict_rejects_an_unknown_action():
    class Plain(workflow.RestrictedQuerySet):
        def visible_to(self, actor):
            return self

    qs = Plain(model=Site)
    assert qs.restrict(None, "view") is qs
    assert qs.restrict(None, "change") is qs
    with pytest.raises(ValueError):
        qs.restrict(None, "delete")


def test_representatives_are_the_active_member_accounts():
    member, other = MemberFactory(), MemberFactory()
    rep = UserFactory(member=member, role="member")
    UserFactory(member=member, role="member", is_active=False)
    UserFactory(member=other, role="member")
    assert list(member.active_representatives()) == [rep]
    assert Member.objects.filter(pk__in=[member.pk, other.pk]).active_representatives().count() == 2


def test_notify_stores_lazy_text_in_the_site_language_whatever_the_request_language():
    from django.utils.translation import gettext_lazy

    user = UserFactory()
    with translation.override("en"), transaction.atomic():
        notify(user, gettext_lazy("Membership revoked"), url="/x")
        with site_language():
            assert translation.get_language() == "zh-hans"
    stored = Notification.objects.get(user=user)
    with translation.override("zh-hans"):
        assert stored.subject == str(gettext_lazy("Membership revoked"))
    assert stored.subject != "Membership revoked"


def test_transition_saves_unaudited_bookkeeping_and_can_record_the_outcome_only():
    site = SiteFactory()
    with transaction.atomic():
        entry = workflow.transition(
            site,
            Site.Status.CLOSED,
            actor=SystemActor("cli:tests"),
            action="filings.site.close",
            changes={"name": "已关闭的网站"},
            unaudited=["name"],
            record_before=False,
        )
    site.refresh_from_db()
    assert (site.status, site.name) == (Site.Status.CLOSED, "已关闭的网站")
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.before is None
    assert stored.after == {"status": "closed"}
