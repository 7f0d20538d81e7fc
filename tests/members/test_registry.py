"""The public registry, certificate verification and certificates (Art. 4, 23): search, filters, pages, privacy,
and the staff dashboard's counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import MemberFactory, UserFactory
from tests.helpers import assert_problem
from tests.members.helpers import current_version, make_application, make_resident_id, make_signed_member
from zilu.core.roles import Role
from zilu.members.models import Member

pytestmark = pytest.mark.django_db

API = "/api/v1/members/registry"
PRIVATE_ADDRESS = "北京市昌平区回龙观东大街某小区7号楼"
PRIVATE_PHONE = "13712345678"
PRIVATE_ID = make_resident_id(77, birth="19900315")
STATEMENT = "个人会员的工作说明不公开。"


@pytest.fixture
def version(db):
    return current_version()


@pytest.fixture
def registry(version):
    """Two units (one withdrawn), an individual with private data, and a revoked unit."""
    return {
        "unit": make_signed_member(version, number="CP-2026-0001", name="北京昌平云端科技有限公司"),
        "withdrawn": make_signed_member(
            version,
            number="CP-2026-0002",
            name="北京昌平数据服务有限公司",
            status="withdrawn",
            withdrawn_on=date(2026, 9, 30),
        ),
        "individual": make_signed_member(
            version,
            number="CP-2026-0003",
            kind="individual",
            name="刘七",
            resident_id=PRIVATE_ID,
            contact_phone=PRIVATE_PHONE,
            registered_address=PRIVATE_ADDRESS,
            statement=STATEMENT,
        ),
        "revoked": make_signed_member(
            version,
            number="CP-2025-0001",
            name="北京昌平违规网络有限公司",
            status="revoked",
            revoked_on=date(2026, 5, 1),
            revocation_reference="昌互协〔2026〕3号",
        ),
    }


def numbers_on_page(response) -> list[str]:
    return re.findall(r'<a href="/registry/(CP-\d{4}-\d{4})/">', response.content.decode())


def numbers_in_api(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["number"] for m in response.json()["results"]]


# ------------------------------------------------------------------------------------------ listing and search


def test_the_registry_lists_every_numbered_member_with_public_fields(registry, users):
    page = Client().get("/registry/")
    assert page.status_code == 200
    # The fixture's members without a number (the role accounts' members) are not in the registry.
    assert numbers_on_page(page) == ["CP-2025-0001", "CP-2026-0001", "CP-2026-0002", "CP-2026-0003"]
    body = Client().get(API).json()
    assert (body["count"], body["page"], body["pages"]) == (4, 1, 1)
    by_number = {m["number"]: m for m in body["results"]}
    assert by_number["CP-2026-0002"] == {
        "number": "CP-2026-0002",
        "name": "北京昌平数据服务有限公司",
        "kind": "unit",
        "uscc": registry["withdrawn"].uscc,
        "joined_on": "2021-07-15",
        "status": "withdrawn",
        "withdrawn_on": "2026-09-30",
        "revoked_on": None,
        "venue_name": "",  # internet access venues only (Art. 13)
        "venue_licence": "",
    }
    assert by_number["CP-2025-0001"]["status"] == "revoked"
    assert by_number["CP-2025-0001"]["revoked_on"] == "2026-05-01"
    assert by_number["CP-2026-0003"]["uscc"] == ""


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("云端", ["CP-2026-0001"]),  # part of the name
        ("北京昌平", ["CP-2025-0001", "CP-2026-0001", "CP-2026-0002"]),
        ("刘七", ["CP-2026-0003"]),
        ("USCC:withdrawn", ["CP-2026-0002"]),  # the exact code
        ("uscc-lower:withdrawn", ["CP-2026-0002"]),  # case does not matter
        ("CP-2026-0003", ["CP-2026-0003"]),  # the member number
        ("cp-2025-0001", ["CP-2025-0001"]),
        ("不存在的公司", []),
        (PRIVATE_ID, []),  # never searchable by identity number or phone
        (PRIVATE_PHONE, []),
    ],
)
def test_search(registry, q, expected):
    if q.startswith("USCC:"):
        q = registry[q.split(":")[1]].uscc
    elif q.startswith("uscc-lower:"):
        q = registry[q.split(":")[1]].uscc.lower()
    assert numbers_in_api(Client().get(API, {"q": q})) == expected
    assert numbers_on_page(Client().get("/registry/", {"q": q})) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"status": "active"}, ["CP-2026-0001", "CP-2026-0003"]),
        ({"status": "withdrawn"}, ["CP-2026-0002"]),
        ({"status": "revoked"}, ["CP-2025-0001"]),
        ({"kind": "individual"}, ["CP-2026-0003"]),
        ({"kind": "unit", "status": "active"}, ["CP-2026-0001"]),
        ({"kind": "unit", "q": "数据"}, ["CP-2026-0002"]),
        ({"kind": "individual", "status": "withdrawn"}, []),
    ],
)
def test_filters(registry, filters, expected):
    assert numbers_in_api(Client().get(API, filters)) == expected
    assert numbers_on_page(Client().get("/registry/", filters)) == expected


def test_an_unknown_filter_value_on_the_page_is_a_form_error_not_a_crash(registry):
    response = Client().get("/registry/", {"status": "nonsense"})
    assert response.status_code == 200
    assert "status" in response.context["form"].errors


def test_pagination(db):
    for i in range(1, 61):
        MemberFactory(number=f"CP-2024-{i:04d}")
    first = Client().get(API).json()
    assert (first["count"], first["pages"], len(first["results"])) == (60, 2, 50)
    assert first["results"][0]["number"] == "CP-2024-0001"
    second = Client().get(API, {"page": 2}).json()
    assert [m["number"] for m in second["results"]] == [f"CP-2024-{i:04d}" for i in range(51, 61)]
    assert Client().get(API, {"page": 3}).json()["results"] == []
    assert_problem(Client().get(API, {"page": 0}), 422, "validation_error")
    # The page: 50 rows, a link to the next page that keeps the search.
    page = Client().get("/registry/", {"kind": "unit"})
    assert len(numbers_on_page(page)) == 50
    assert "?kind=unit&page=2" in page.content.decode()
    page_two = Client().get("/registry/", {"kind": "unit", "page": 2})
    assert numbers_on_page(page_two) == [f"CP-2024-{i:04d}" for i in range(51, 61)]
    # Filtered counts page too.
    filtered = Client().get(API, {"q": "CP-2024-0042"}).json()
    assert (filtered["count"], filtered["pages"]) == (1, 1)


# ------------------------------------------------------------------------------------------ privacy

PRIVATE = (PRIVATE_ID, PRIVATE_PHONE, PRIVATE_ADDRESS, STATEMENT)


def _assert_private_data_absent(text: str) -> None:
    for value in PRIVATE:
        assert value not in text
    assert PRIVATE_ID[:6] + "********" not in text  # not even masked


@pytest.mark.parametrize(
    "path",
    [
        "/registry/",
        "/registry/?kind=individual",
        "/registry/?q=刘七",
        "/registry/CP-2026-0003/",
        "/registry/verify/CP-2026-0003",
        f"{API}",
        f"{API}?kind=individual",
        f"{API}/CP-2026-0003",
    ],
)
def test_the_public_registry_never_shows_individuals_private_data(client_for, registry, path):
    for role in ("anonymous", "public", "member", "staff"):  # the public registry is the same for everyone
        response = client_for(role).get(path)
        assert response.status_code == 200
        text = response.content.decode()
        assert "刘七" in text and "CP-2026-0003" in text
        _assert_private_data_absent(text)
        if path.startswith("/api/"):
            for entry in response.json().get("results", [response.json()]):
                assert not {"resident_id", "contact_phone", "registered_address", "statement"} & set(entry)


def test_registry_detail(registry):
    page = Client().get("/registry/CP-2026-0001/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "北京昌平云端科技有限公司" in html and registry["unit"].uscc in html
    assert f"v{current_version().number}" in html
    assert Client().get("/registry/CP-2099-0001/").status_code == 404
    assert_problem(Client().get(f"{API}/CP-2099-0001"), 404, "not_found")
    assert Client().get(f"{API}/CP-2026-0001").json()["name"] == "北京昌平云端科技有限公司"


def test_members_without_a_number_are_not_in_the_registry(member):
    assert Client().get(API).json()["count"] == 0
    assert_problem(Client().get(f"{API}/None"), 404, "not_found")


# ------------------------------------------------------------------------------------------ verification


def _result(response) -> tuple[str, str]:
    match = re.search(r'class="([^"]*)" id="verify-result">(.*?)</(?:p|div)>', response.content.decode(), re.S)
    assert match, response.content.decode()
    return match.group(1), match.group(2)


def test_verify_an_active_certificate(registry):
    response = Client().get("/registry/verify/CP-2026-0001")
    css, text = _result(response)
    assert css == "result ok"
    assert "北京昌平云端科技有限公司" in text
    with translation.override("zh-hans"):
        assert gettext("this certificate is no longer valid") not in response.content.decode()
    assert current_version().sha256 in response.content.decode()


@pytest.mark.parametrize("key", ["withdrawn", "revoked"])
def test_verify_a_certificate_that_is_no_longer_valid(registry, key):
    member = registry[key]
    response = Client().get(f"/registry/verify/{member.number}")
    css, text = _result(response)
    assert css == "result warning"
    assert member.name in text
    with translation.override("zh-hans"):
        assert gettext("this certificate is no longer valid") in response.content.decode()
        assert str(Member.Status(member.status).label) in response.content.decode()


@pytest.mark.parametrize("number", ["CP-2099-0001", "ZZ<script>", "CP-2026-0001'--"])
def test_verify_an_unknown_number(registry, number):
    response = Client().get("/registry/verify/", {"number": number})
    assert response.status_code == 200
    css, _text = _result(response)
    assert css == "danger"
    assert "<script>" not in response.content.decode().split("verify-result")[1]


def test_verify_by_the_form_is_case_insensitive(registry):
    css, text = _result(Client().get("/registry/verify/", {"number": " cp-2026-0001 "}))
    assert css == "result ok" and "北京昌平云端科技有限公司" in text


def test_the_verify_page_without_a_number_shows_only_the_form():
    response = Client().get("/registry/verify/")
    assert response.status_code == 200 and "verify-result" not in response.content.decode()


# ------------------------------------------------------------------------------------------ certificates


@pytest.fixture
def represented(registry):
    """A client signed in as the representative of the active unit."""
    rep = UserFactory(role=Role.MEMBER, member=registry["unit"])
    client = Client()
    client.force_login(rep)
    return client


@pytest.mark.parametrize("who", ["own", "staff"])
def test_the_certificate_for_its_own_representative_and_the_staff(client_for, represented, who):
    client = represented if who == "own" else client_for(who)
    response = client.get("/registry/CP-2026-0001/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="certificate-CP-2026-0001.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["member", "other_member", "public"])
def test_others_do_not_get_the_certificate(client_for, registry, role):
    assert client_for(role).get("/registry/CP-2026-0001/certificate.pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_for_a_certificate(client_for, registry):
    response = client_for("anonymous").get("/registry/CP-2026-0001/certificate.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_no_certificate_for_an_unknown_number_or_an_unsigned_member(client_for, registry):
    MemberFactory(number="CP-2026-0099")  # registered without a signature (e.g. before the platform)
    staff = client_for("staff")
    assert staff.get("/registry/CP-2099-0001/certificate.pdf").status_code == 404
    assert staff.get("/registry/CP-2026-0099/certificate.pdf").status_code == 404


def test_the_own_member_page_shows_only_the_own_record(represented, registry, client_for):
    """A member representative sees its own member record, with its private fields, and nobody else's."""
    html = represented.get("/account/member/").content.decode()
    assert "CP-2026-0001" in html and "北京昌平云端科技有限公司" in html
    for other in ("withdrawn", "individual", "revoked"):
        assert registry[other].number not in html and registry[other].name not in html
    assert PRIVATE_PHONE not in html
    individual = UserFactory(role=Role.MEMBER, member=registry["individual"])
    own = Client()
    own.force_login(individual)
    assert PRIVATE_PHONE in own.get("/account/member/").content.decode()
    for role in ("public", "staff", "supervisor"):
        assert client_for(role).get("/account/member/").status_code == 404


# ------------------------------------------------------------------------------------------ dashboard counts


def _dashboard_counts(client: Client) -> dict[str, int]:
    html = client.get("/staff/").content.decode()
    return {
        key: int(re.search(rf'id="count-{key}">(\d+)<', html).group(1))  # type: ignore[union-attr]
        for key in ("active", "withdrawn", "revoked", "pending")
    }


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_dashboard_counts_agree_with_the_registry(client_for, registry, role):
    for i in range(3):
        MemberFactory(number=f"CP-2023-{i + 1:04d}")
    MemberFactory(number="CP-2023-0010", status="withdrawn", withdrawn_on=date(2025, 1, 1))
    MemberFactory(number=None)  # not in the registry, not counted
    make_application(UserFactory(), status="submitted", n=31)
    make_application(UserFactory(), status="info_requested", n=32)
    make_application(UserFactory(), status="approved", n=33)
    make_application(UserFactory(), status="rejected", n=34)
    counts = _dashboard_counts(client_for(role))
    registry_counts = {
        status: Client().get(API, {"status": status}).json()["count"] for status in ("active", "withdrawn", "revoked")
    }
    assert registry_counts == {"active": 5, "withdrawn": 2, "revoked": 1}
    assert counts == {**registry_counts, "pending": 3}
    assert counts["pending"] == len(client_for("staff").get("/api/v1/members/applications?status=submitted").json()) + 2
    total = Client().get(API).json()["count"]
    assert total == sum(registry_counts.values())
