"""Notices feed the member's evaluation (Art. 18): the staff's scoring page shows the member's notice record in the
round's period beside item A12-3 (Art. 12(3))."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.notices.helpers import API, client, filed, post_json

pytestmark = pytest.mark.django_db


def test_the_scoring_page_shows_the_members_notice_record(people):
    holder, member, staff = client(people["holder"]), client(people["member"]), client(people["staff"])
    for n in range(2):
        nid = filed(holder, location=f"https://video.example.com.cn/v/{n}")["id"]
        post_json(member, f"{API}/{nid}/measure", {"measure": "delete", "user_ref": "uid-9"})
    filed(holder, location="https://video.example.com.cn/v/open")
    opened = post_json(staff, "/api/v1/discipline/evaluations", {"year": timezone.localdate().year})
    assert opened.status_code == 201, opened.content
    participation = next(
        p for p in staff.get("/api/v1/discipline/participations").json() if p["member_id"] == people["member"].member_id
    )
    page = staff.get(f"/staff/discipline/participations/{participation['id']}/")
    assert page.status_code == 200
    figures = page.context["ip_notices"]
    assert (figures["received"], figures["measures_taken"], figures["unanswered"]) == (3, 2, 1)
    assert figures["repeat_infringers"] == 1
    assert 'id="ip-notices"' in page.content.decode()
