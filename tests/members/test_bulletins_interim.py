"""Art. 23 before the quarter ends: interim bulletins of the running period and the running quarter so far, through
the API, the pages and the command, for every role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.factories import MemberFactory
from tests.helpers import assert_problem
from zilu.core.models import AuditEntry
from zilu.members.bulletins import content_hash, current_quarter, integrity
from zilu.members.models import Bulletin

pytestmark = pytest.mark.django_db

API = "/api/v1/members/bulletins"


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def movements(today):
    """A join and a withdrawal today (the running quarter), and a join of last year."""
    return {
        "joined": MemberFactory(number="CP-2099-0001", name="本季加入公司", joined_on=today),
        "withdrew": MemberFactory(
            number="CP-2098-0002", name="本季退出公司", joined_on=today - timedelta(days=800), status="withdrawn",
            withdrawn_on=today,
        ),
        "old": MemberFactory(number="CP-2097-0003", name="早年加入公司", joined_on=today - timedelta(days=400)),
    }  # fmt: skip


def publish(client: Client, period: str, **extra: object):
    return client.post(API, {"period": period, **extra}, content_type="application/json")


def test_the_running_quarter_is_public_before_it_ends(movements, today, client_for):
    body = Client().get(f"{API}/current").json()
    assert (body["period"], body["as_of"]) == (current_quarter(today), today.isoformat())
    assert [e["number"] for e in body["joins"]] == ["CP-2099-0001"]
    assert [e["number"] for e in body["withdrawals"]] == ["CP-2098-0002"]
    page = Client().get("/registry/bulletins/").content.decode()
    assert 'id="running-period"' in page and "本季加入公司" in page and "本季退出公司" in page
    assert "早年加入公司" not in page
    assert "/feeds/registry.atom" in page and "/feeds/registry.json" in page


def test_staff_publish_an_interim_bulletin_of_the_running_quarter(movements, today, client_for, users):
    period = current_quarter(today)
    assert_problem(publish(client_for("staff"), period), 409)  # the final one waits for the end of the period
    response = publish(client_for("staff"), period, interim=True, note="季度中期公告")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["interim"], body["period"], body["period_end"]) == (True, period, today.isoformat())
    assert [e["number"] for e in body["joins"]] == ["CP-2099-0001"]
    assert [e["number"] for e in body["withdrawals"]] == ["CP-2098-0002"]
    bulletin = Bulletin.objects.get(number=body["number"])
    assert integrity(bulletin) == (bulletin.content_sha256, "")
    # The interim flag and the day are part of the hash: a final bulletin with the same rows hashes differently.
    assert bulletin.content_sha256 != content_hash(period, bulletin.entries, None, bulletin.note)
    entry = AuditEntry.objects.get(action="members.bulletin.publish")
    assert (entry.after["interim"], entry.after["joins"]) == (True, 1)
    # A second interim later in the period is fine; the page says what it is.
    assert publish(client_for("staff"), period, interim=True).status_code == 201
    page = Client().get(f"/registry/bulletins/{bulletin.number}/").content.decode()
    assert 'id="interim"' in page
    assert [b["interim"] for b in Client().get(API).json()] == [True, True]


def test_interim_bulletins_leave_the_final_one_to_publish(movements, today, client_for):
    last_quarter_day = today.replace(day=1, month=(today.month - 1) // 3 * 3 + 1) - timedelta(days=1)
    period = current_quarter(last_quarter_day)
    # An interim bulletin covers only the running period; it is not a correction.
    assert_problem(publish(client_for("staff"), period, interim=True), 409)
    final = publish(client_for("staff"), period)
    assert final.status_code == 201 and final.json()["interim"] is False
    running = current_quarter(today)
    interim = publish(client_for("staff"), running, interim=True).json()
    assert_problem(publish(client_for("staff"), running, interim=True, corrects=interim["number"]), 422)


@pytest.mark.parametrize(("role", "status"), [("public", 403), ("member", 403), ("supervisor", 403)])
def test_only_the_executing_body_publishes(movements, today, client_for, role, status):
    assert_problem(publish(client_for(role), current_quarter(today), interim=True), status)
    assert publish(client_for("anonymous"), current_quarter(today), interim=True).status_code == 401
    assert not Bulletin.objects.exists()


def test_the_staff_page_and_the_command_publish_interim_bulletins(movements, today, client_for):
    period = current_quarter(today)
    response = client_for("staff").post("/staff/bulletins/", {"period": period, "interim": "on", "note": ""})
    assert response.status_code == 302
    assert Bulletin.objects.get().interim is True
    call_command("bulletins", "publish", "--period", period, "--interim")
    assert list(Bulletin.objects.values_list("interim", flat=True)) == [True, True]
