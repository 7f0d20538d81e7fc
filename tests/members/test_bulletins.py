"""Join and withdrawal bulletins (Art. 23): periods, publication, corrections, immutability and the downloads."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from tests.factories import MemberFactory
from tests.helpers import assert_problem
from tests.members.helpers import problem_fields
from zilu.core.errors import ValidationFailed
from zilu.core.models import AuditEntry
from zilu.core.system import SystemActor
from zilu.members.actions import publish_due_bulletin
from zilu.members.bulletins import TAMPERED, content_hash, parse_period, previous_quarter
from zilu.members.models import Bulletin

pytestmark = pytest.mark.django_db

API = "/api/v1/members/bulletins"
PERIOD = "2025Q3"


def publish(client: Client, period: str = PERIOD, **extra: object):
    return client.post(API, {"period": period, **extra}, content_type="application/json")


@pytest.fixture
def movements(db):
    """Members who joined and withdrew in and around 2025Q3."""
    return {
        "joined": MemberFactory(number="CP-2025-0002", name="七月加入公司", joined_on=date(2025, 7, 1)),
        "joined_late": MemberFactory(
            number="CP-2025-0005",
            kind="individual",
            uscc="",
            name="九月加入个人",
            joined_on=date(2025, 9, 30),
            resident_id="110114198501010012",
            contact_phone="13800138000",
        ),
        "withdrew": MemberFactory(
            number="CP-2024-0003",
            name="八月退出公司",
            joined_on=date(2024, 3, 1),
            status="withdrawn",
            withdrawn_on=date(2025, 8, 15),
        ),
        "joined_and_withdrew": MemberFactory(
            number="CP-2025-0003",
            name="进出公司",
            joined_on=date(2025, 7, 20),
            status="withdrawn",
            withdrawn_on=date(2025, 9, 1),
        ),
        "before": MemberFactory(number="CP-2025-0001", name="六月加入公司", joined_on=date(2025, 6, 30)),
        "after": MemberFactory(number="CP-2025-0009", name="十月加入公司", joined_on=date(2025, 10, 1)),
        "revoked": MemberFactory(
            number="CP-2024-0004",
            name="撤销公司",
            joined_on=date(2024, 1, 1),
            status="revoked",
            revoked_on=date(2025, 8, 1),
        ),
        "unnumbered": MemberFactory(number=None, name="无编号公司", joined_on=date(2025, 8, 1)),
    }


# ------------------------------------------------------------------------------------------ periods


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31)),
        (" 2025Q2 ", date(2025, 4, 1), date(2025, 6, 30)),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_parse_period(text, start, end):
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize("text", ["", "garbage", "2026Q5", "2026Q0", "2026-13", "2026-00", "2026-1", "26Q4", "Q4-2026",
                                  "2026 Q4", "2026-11-01", None])  # fmt: skip
def test_parse_period_refuses_garbage(text):
    with pytest.raises(ValidationFailed) as refused:
        parse_period(text)
    assert refused.value.errors()[0]["field"] == "period"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 29), "2026Q3"),
        (date(2026, 1, 1), "2025Q4"),
        (date(2026, 4, 1), "2026Q1"),
        (date(2026, 6, 30), "2026Q1"),
    ],
)
def test_previous_quarter(today, expected):
    assert previous_quarter(today) == expected


def _unended_periods() -> list[str]:
    today = timezone.localdate()
    return [f"{today.year}Q{(today.month - 1) // 3 + 1}", f"{today.year}-{today.month:02d}", str(today.year),
            str(today.year + 1)]  # fmt: skip


@pytest.mark.parametrize("period", _unended_periods())
def test_a_period_that_has_not_ended_is_refused(client_for, period):
    response = publish(client_for("staff"), period)
    assert_problem(response, 409, "invalid_transition")
    assert problem_fields(response) == ["period"]
    page = client_for("staff").post("/staff/bulletins/", {"period": period})
    assert page.status_code == 200 and page.context["form"].errors["period"]
    assert not Bulletin.objects.exists()


def test_a_garbage_period_is_a_field_error(client_for):
    response = publish(client_for("staff"), "next quarter")
    assert_problem(response, 422, "validation_error")
    assert problem_fields(response) == ["period"]


# ------------------------------------------------------------------------------------------ publishing


def test_publish_through_the_api(client_for, users, movements):
    response = publish(client_for("staff"), "2025q3")
    assert response.status_code == 201, response.content
    body = response.json()
    bulletin = Bulletin.objects.get()
    expected_joins = [
        {"number": "CP-2025-0002", "name": "七月加入公司", "kind": "unit", "date": "2025-07-01"},
        {"number": "CP-2025-0003", "name": "进出公司", "kind": "unit", "date": "2025-07-20"},
        {"number": "CP-2025-0005", "name": "九月加入个人", "kind": "individual", "date": "2025-09-30"},
    ]
    expected_withdrawals = [
        {"number": "CP-2024-0003", "name": "八月退出公司", "kind": "unit", "date": "2025-08-15"},
        {"number": "CP-2025-0003", "name": "进出公司", "kind": "unit", "date": "2025-09-01"},
    ]
    assert body == {
        "number": 1,
        "period": "2025Q3",
        "period_start": "2025-07-01",
        "period_end": "2025-09-30",
        "published_on": timezone.localdate().isoformat(),
        "content_sha256": bulletin.content_sha256,
        "corrects": None,
        "note": "",
        "interim": False,
        "joins": expected_joins,
        "withdrawals": expected_withdrawals,
    }
    assert bulletin.entries == {"joins": expected_joins, "withdrawals": expected_withdrawals}
    assert bulletin.content_sha256 == content_hash("2025Q3", bulletin.entries, None, "")
    assert bulletin.published_by_label == users["staff"].username
    entry = AuditEntry.objects.get(action="members.bulletin.publish")
    assert entry.actor_id == users["staff"].pk
    assert entry.after == {
        "number": 1,
        "period": "2025Q3",
        "joins": 3,
        "withdrawals": 2,
        "corrects": None,
        "sha256": bulletin.content_sha256,
    }
    # The public sees it in the list, the page and the API.
    assert Client().get(API).json()[0]["number"] == 1
    assert Client().get(f"{API}/1").json() == body
    page = Client().get("/registry/bulletins/1/").content.decode()
    for row in expected_joins + expected_withdrawals:
        assert row["number"] in page and row["name"] in page
    for absent in ("六月加入公司", "十月加入公司", "撤销公司", "无编号公司", "110114198501010012", "13800138000"):
        assert absent not in page
    assert "/registry/bulletins/1/" in Client().get("/registry/bulletins/").content.decode()


def test_publish_through_the_staff_page(client_for, movements):
    response = client_for("staff").post("/staff/bulletins/", {"period": "2025-08"})
    assert response.status_code == 302 and response["Location"] == "/registry/bulletins/1/"
    bulletin = Bulletin.objects.get()
    assert (bulletin.period, bulletin.period_start, bulletin.period_end) == (
        "2025-08",
        date(2025, 8, 1),
        date(2025, 8, 31),
    )
    assert [e["number"] for e in bulletin.entries["joins"]] == []
    assert [e["number"] for e in bulletin.entries["withdrawals"]] == ["CP-2024-0003"]
    assert "/registry/bulletins/1/" in client_for("staff").get("/staff/bulletins/").content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 401), ("public", 403), ("member", 403), ("supervisor", 403)]
)
def test_only_the_executing_body_publishes(client_for, role, status):
    assert_problem(publish(client_for(role)), status)
    page = client_for(role).post("/staff/bulletins/", {"period": PERIOD})
    assert page.status_code == (302 if role == "anonymous" else 403)
    assert not Bulletin.objects.exists()
    assert not AuditEntry.objects.filter(action="members.bulletin.publish").exists()


def test_the_superuser_publishes_too(client_for):
    assert publish(client_for("superuser")).status_code == 201


def test_publishing_a_period_twice_is_refused(client_for, movements):
    staff = client_for("staff")
    assert publish(staff).status_code == 201
    response = publish(staff)
    assert_problem(response, 409, "duplicate")
    assert problem_fields(response) == ["period"]
    page = staff.post("/staff/bulletins/", {"period": "2025q3"})
    assert page.status_code == 200 and page.context["form"].errors["period"]
    assert Bulletin.objects.count() == 1
    assert AuditEntry.objects.filter(action="members.bulletin.publish").count() == 1


def test_an_empty_period_is_published_with_empty_lists(client_for):
    response = publish(client_for("staff"), "2020")
    assert response.status_code == 201
    assert (response.json()["joins"], response.json()["withdrawals"]) == ([], [])


# ------------------------------------------------------------------------------------------ corrections


@pytest.fixture
def published(client_for, movements):
    assert publish(client_for("staff")).status_code == 201
    return Bulletin.objects.get()


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"period": PERIOD, "corrects": 99, "note": "更正"}, 404, None),
        ({"period": "2025Q2", "corrects": 1, "note": "更正"}, 422, "period"),
        ({"period": PERIOD, "corrects": 1, "note": "  "}, 422, "note"),
        ({"period": PERIOD, "corrects": 1}, 422, "note"),
    ],
)
def test_a_correction_must_name_a_bulletin_of_the_same_period_and_say_why(
    client_for, published, payload, status, field
):
    response = client_for("staff").post(API, payload, content_type="application/json")
    assert_problem(response, status)
    if field:
        assert problem_fields(response) == [field]
    assert Bulletin.objects.count() == 1


def test_a_correction(client_for, published, movements):
    # A join that was recorded late: the original bulletin missed it.
    MemberFactory(number="CP-2025-0004", name="补录加入公司", joined_on=date(2025, 8, 20))
    note = "补录八月二十日加入的会员。"
    response = publish(client_for("staff"), PERIOD, corrects=1, note=note)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["corrects"], body["note"]) == (2, 1, note)
    assert "CP-2025-0004" in [e["number"] for e in body["joins"]]
    correction = Bulletin.objects.get(number=2)
    assert correction.corrects == published
    assert correction.content_sha256 == content_hash(PERIOD, correction.entries, 1, note)
    # The original is unchanged and its page points to the correction.
    published.refresh_from_db()
    assert "CP-2025-0004" not in [e["number"] for e in published.entries["joins"]]
    original_page = Client().get("/registry/bulletins/1/").content.decode()
    assert 'href="/registry/bulletins/2/"' in original_page
    correction_page = Client().get("/registry/bulletins/2/").content.decode()
    assert note in correction_page
    # Through the staff page as well: a correction of the correction.
    page = client_for("staff").post("/staff/bulletins/", {"period": PERIOD, "corrects": 2, "note": "再次更正"})
    assert page.status_code == 302 and page["Location"] == "/registry/bulletins/3/"
    assert Bulletin.objects.get(number=3).corrects.number == 2


# ------------------------------------------------------------------------------------------ immutability


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("path", [f"{API}/1", API])
def test_no_api_changes_a_published_bulletin(client_for, published, method, path):
    before = (published.entries, published.content_sha256, published.note, published.period)
    response = getattr(client_for("staff"), method)(
        path, {"period": "2025Q2", "note": "改"}, content_type="application/json"
    )
    assert_problem(response, 405, "method_not_allowed")
    published.refresh_from_db()
    assert (published.entries, published.content_sha256, published.note, published.period) == before


def test_no_page_changes_a_published_bulletin(client_for, published):
    before = (published.entries, published.content_sha256)
    staff = client_for("superuser")
    staff.post("/registry/bulletins/1/", {"note": "改"})
    assert staff.get("/backoffice/members/bulletin/").status_code == 200  # listed, read-only
    change = staff.post(f"/backoffice/members/bulletin/{published.pk}/change/", {"note": "改", "period": "2000Q1"})
    assert change.status_code == 403
    assert staff.post(f"/backoffice/members/bulletin/{published.pk}/delete/", {"post": "yes"}).status_code == 403
    published.refresh_from_db()
    assert (published.entries, published.content_sha256) == before


def test_later_changes_to_members_do_not_change_a_published_bulletin(published, movements):
    before = published.entries
    movements["joined"].name = "改名后的公司"
    movements["joined"].save()
    published.refresh_from_db()
    assert published.entries == before
    assert "七月加入公司" in Client().get("/registry/bulletins/1/").content.decode()


def test_an_unknown_bulletin(db):
    assert Client().get("/registry/bulletins/7/").status_code == 404
    assert Client().get("/registry/bulletins/7.csv").status_code == 404
    assert_problem(Client().get(f"{API}/7"), 404, "not_found")


# ------------------------------------------------------------------------------------------ downloads


def read_bulletin_csv(response) -> tuple[dict[str, str], list[list[str]]]:
    """The ``key,value`` rows before the first empty row, and the table after it (what a script does)."""
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    blank = rows.index([])
    return dict(rows[:blank]), rows[blank + 1 :]


def test_the_csv(published):
    response = Client().get("/registry/bulletins/1.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bulletin-1-2025Q3.csv"'
    assert response["X-Content-SHA256"] == published.content_sha256
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM, for spreadsheet programs
    assert response["X-Content-Integrity"] == "ok"
    meta, rows = read_bulletin_csv(response)
    assert meta == {
        "bulletin_number": "1",
        "period": "2025Q3",
        "period_start": "2025-07-01",
        "period_end": "2025-09-30",
        "published_on": published.published_on.isoformat(),
        "corrects": "",
        "note": "",
        "content_sha256": published.content_sha256,
        "content_integrity": "ok",
    }
    assert rows == [
        ["list", "member_number", "name", "kind", "date"],
        ["joins", "CP-2025-0002", "七月加入公司", "unit", "2025-07-01"],
        ["joins", "CP-2025-0003", "进出公司", "unit", "2025-07-20"],
        ["joins", "CP-2025-0005", "九月加入个人", "individual", "2025-09-30"],
        ["withdrawals", "CP-2024-0003", "八月退出公司", "unit", "2025-08-15"],
        ["withdrawals", "CP-2025-0003", "进出公司", "unit", "2025-09-01"],
    ]
    # A script can check the hash from the file alone (docs/workflows/membership.md).
    entries: dict[str, list[dict[str, str]]] = {"joins": [], "withdrawals": []}
    for section, number, name, kind, day in rows[1:]:
        entries[section].append({"number": number, "name": name, "kind": kind, "date": day})
    corrects = int(meta["corrects"]) if meta["corrects"] else None
    assert content_hash(meta["period"], entries, corrects, meta["note"]) == meta["content_sha256"]


def test_the_csv_neutralises_formula_cells(client_for):
    names = [
        '=HYPERLINK("http://evil.example","点我")',
        "+86 加号公司",
        "-减号公司",
        "@at公司",
        "\t制表公司",
        "\r回车公司",
    ]
    for i, name in enumerate(names, start=1):
        MemberFactory(number=f"CP-2025-{i:04d}", name=name, joined_on=date(2025, 7, i))
    assert publish(client_for("staff")).status_code == 201
    assert publish(client_for("staff"), corrects=1, note="=1+1 更正").status_code == 201
    response = Client().get("/registry/bulletins/2.csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    meta, rows = read_bulletin_csv(response)
    assert (meta["bulletin_number"], meta["corrects"], meta["note"]) == ("2", "1", "'=1+1 更正")
    assert [row[2] for row in rows[1:]] == ["'" + name for name in names]
    assert [row[1] for row in rows[1:]] == [f"CP-2025-{i:04d}" for i in range(1, 7)]  # ordinary text unchanged


# ------------------------------------------------------------------------------------------ tampering


def tampered_warning(bulletin: Bulletin) -> str:
    """The warning as the site (Chinese by default) words it, with the hash of the content as stored now."""
    bulletin.refresh_from_db()
    corrects = bulletin.corrects.number if bulletin.corrects else None
    actual = content_hash(bulletin.period, bulletin.entries, corrects, bulletin.note)
    with translation.override(settings.LANGUAGE_CODE):
        return str(TAMPERED % {"sha256": actual})


def test_an_untouched_bulletin_shows_no_warning(published):
    page = Client().get("/registry/bulletins/1/").content.decode()
    assert published.content_sha256 in page and 'id="integrity-warning"' not in page
    response = Client().get("/registry/bulletins/1.csv")
    assert response["X-Content-Integrity"] == "ok"
    meta, _rows = read_bulletin_csv(response)
    assert meta["content_integrity"] == "ok" and "warning" not in meta and "recomputed_sha256" not in meta


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda b: {"entries": {**b.entries, "joins": b.entries["joins"][1:]}}, id="a row removed"),
        pytest.param(
            lambda b: {"entries": {**b.entries, "joins": [{**b.entries["joins"][0], "name": "冒名公司"}]}},
            id="a name changed",
        ),
        pytest.param(lambda b: {"entries": {"joins": b.entries["joins"]}}, id="a list removed"),
        pytest.param(lambda b: {"note": "事后补充的说明"}, id="the note changed"),
        pytest.param(lambda b: {"content_sha256": "0" * 64}, id="the hash changed"),
    ],
)
def test_a_bulletin_edited_in_the_database_is_flagged(published, tamper):
    Bulletin.objects.filter(pk=published.pk).update(**tamper(published))
    stored = Bulletin.objects.get(pk=published.pk)
    warning = tampered_warning(stored)
    actual = content_hash(stored.period, stored.entries, None, stored.note)
    assert actual != stored.content_sha256

    page = Client().get("/registry/bulletins/1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<p class="warning" id="integrity-warning" role="alert">{escape(warning)}</p>' in html
    assert actual in warning and stored.content_sha256 in html  # the published hash stays shown, next to the warning

    # The CSV is still served, marked as not matching, with the warning as a row.
    response = Client().get("/registry/bulletins/1.csv")
    assert response.status_code == 200
    assert response["X-Content-Integrity"] == "mismatch"
    assert response["X-Content-SHA256"] == stored.content_sha256
    meta, rows = read_bulletin_csv(response)
    assert meta["content_sha256"] == stored.content_sha256
    assert (meta["content_integrity"], meta["recomputed_sha256"], meta["warning"]) == ("mismatch", actual, warning)
    assert rows[0] == ["list", "member_number", "name", "kind", "date"]
    assert [r[2] for r in rows[1:] if r[0] == "joins"] == [e["name"] for e in stored.entries["joins"]]


def test_the_pdf(published):
    response = Client().get("/registry/bulletins/1.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="bulletin-1-2025Q3.pdf"'
    assert response.content.startswith(b"%PDF") and response.content.rstrip().endswith(b"%%EOF")


# ------------------------------------------------------------------------------------------ command and periodic task


def test_the_management_command(movements):
    out = io.StringIO()
    call_command("bulletins", "publish", "--period", "2025Q3", stdout=out)
    bulletin = Bulletin.objects.get()
    assert (
        f"published bulletin No. 1 for 2025Q3: 3 joins, 2 withdrawals, sha256 {bulletin.content_sha256}"
        in out.getvalue()
    )
    assert bulletin.published_by_label.startswith("cli:")
    entry = AuditEntry.objects.get(action="members.bulletin.publish")
    assert entry.actor_id is None and entry.actor_label.startswith("cli:")
    with pytest.raises(CommandError):
        call_command("bulletins", "publish", "--period", "2025Q3", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("bulletins", "publish", "--period", _unended_periods()[0], stdout=io.StringIO())
    call_command(
        "bulletins", "publish", "--period", "2025Q3", "--corrects", "1", "--note", "更正", stdout=io.StringIO()
    )
    listed = io.StringIO()
    call_command("bulletins", "list", stdout=listed)
    lines = listed.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].endswith("corrects 1")
    assert Bulletin.objects.count() == 2


def test_the_periodic_helper_publishes_the_previous_quarter_once(movements):
    today = timezone.localdate()
    actor = SystemActor("system:scheduler")
    bulletin = publish_due_bulletin(actor, today=today)
    assert bulletin is not None
    assert bulletin.period == previous_quarter(today)
    assert bulletin.period_end < today <= bulletin.period_end + timedelta(days=92)
    assert bulletin.published_by_label == "system:scheduler"
    assert publish_due_bulletin(actor, today=today) is None
    assert Bulletin.objects.filter(period=previous_quarter(today)).count() == 1


def test_the_periodic_helper_for_a_past_date(movements):
    bulletin = publish_due_bulletin(SystemActor("system:scheduler"), today=date(2025, 10, 15))
    assert bulletin is not None and bulletin.period == "2025Q3"
    assert len(bulletin.entries["joins"]) == 3
    assert publish_due_bulletin(SystemActor("system:scheduler"), today=date(2025, 12, 31)) is None


def test_the_periodic_task(movements):
    from zilu.members.tasks import publish_due_bulletin_task

    number = publish_due_bulletin_task()
    assert number == Bulletin.objects.get().number
    assert publish_due_bulletin_task() is None
