"""Signing the convention (Art. 4 and the signature block): the exact version, the signer, the seal, the member
number, and who may download the uploaded files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.convention.helpers import draft
from tests.factories import UserFactory
from tests.helpers import assert_problem
from tests.members.helpers import (
    EXE,
    JPEG,
    PDF,
    PNG,
    current_version,
    form_errors,
    make_application,
    problem_fields,
    sign_form,
)
from zilu.convention.actions import do_publish_version
from zilu.core.models import AuditEntry, Notification, StoredFile
from zilu.core.roles import Role
from zilu.core.system import SystemActor
from zilu.members.models import Application, Member, Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    return current_version()


@pytest.fixture
def applicant(db):
    return UserFactory(role=Role.PUBLIC)


@pytest.fixture
def client(applicant):
    client = Client()
    client.force_login(applicant)
    return client


@pytest.fixture
def approved(applicant):
    return make_application(applicant, status="approved", n=1)


def today() -> str:
    return timezone.localdate().isoformat()


def sign_page(client: Client, application: Application, **overrides: object):
    data = sign_form(current_version().sha256, **{"signed_on": today(), **overrides})
    return client.post(
        f"/membership/applications/{application.pk}/sign", {k: v for k, v in data.items() if v is not None}
    )


def sign_api(client: Client, application: Application, **overrides: object):
    data = sign_form(current_version().sha256, **{"signed_on": today(), **overrides})
    data.pop("has_read")
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/api/v1/members/applications/{application.pk}/sign", data)


def assert_nothing_saved(application: Application, settings) -> None:
    application.refresh_from_db()
    assert application.status == "approved" and application.member is None
    assert not Member.objects.filter(number__isnull=False).exists()
    assert not Signature.objects.exists()
    assert not StoredFile.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert not AuditEntry.objects.filter(action="members.member.sign").exists()


# ------------------------------------------------------------------------------------------ the happy paths


def test_sign_through_the_page(client, applicant, approved, version, django_capture_on_commit_callbacks):
    page = client.get(f"/membership/applications/{approved.pk}/sign")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{version.sha256}"' in html  # the hash of exactly the text shown goes back with the form
    assert "互联网行业自律的基本原则是爱国、守法、公平、诚信。" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_page(client, approved)
    assert response.status_code == 302, form_errors(response, "__all__")
    assert response["Location"] == "/account/member/"
    approved.refresh_from_db()
    member = approved.member
    assert approved.status == "signed"
    assert (member.status, member.kind, member.name, member.uscc) == ("active", "unit", approved.name, approved.uscc)
    assert member.number == f"CP-{timezone.localdate().year}-0001"
    assert member.joined_on == timezone.localdate()
    signature = Signature.objects.get()
    assert (signature.member, signature.application, signature.convention_version) == (member, approved, version)
    assert signature.convention_sha256 == version.sha256
    assert (signature.signer_name, signature.signer_capacity, signature.signed_by) == (
        "张三",
        "legal_representative",
        applicant,
    )
    assert signature.contact_phone == "010-69712345"
    seal = StoredFile.objects.get(purpose="seal")
    assert (seal.owner_id, seal.content_type, seal.size) == (str(signature.pk), "image/png", len(PNG))
    applicant.refresh_from_db()
    assert (applicant.role, applicant.member) == (Role.MEMBER, member)
    entry = AuditEntry.objects.get(action="members.member.sign")
    assert (entry.actor_id, entry.object_id) == (applicant.pk, str(member.pk))
    assert entry.after["convention_sha256"] == version.sha256
    assert entry.after["number"] == member.number
    notice = Notification.objects.get(user=applicant, kind="members.member.signed")
    assert member.number in notice.body
    own = client.get("/account/member/").content.decode()
    assert member.number in own and version.sha256 in own


def test_sign_through_the_api_multipart(client, applicant, approved, version):
    response = sign_api(client, approved, seal=SimpleUploadedFile("seal.jpg", JPEG, content_type="image/jpeg"))
    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get(number__isnull=False)
    assert body == {
        "member_number": member.number,
        "convention_version": version.number,
        "convention_sha256": version.sha256,
        "signer_name": "张三",
        "signer_capacity": "legal_representative",
        "signed_on": today(),
    }
    assert StoredFile.objects.get(purpose="seal").content_type == "image/jpeg"
    approved.refresh_from_db()
    assert approved.status == "signed" and approved.member == member
    assert client.get(f"/api/v1/members/applications/{approved.pk}").json()["member_number"] == member.number


def test_the_seal_type_is_judged_by_content_not_by_name(client, approved):
    response = sign_api(client, approved, seal=SimpleUploadedFile("seal.txt", PNG, content_type="text/plain"))
    assert response.status_code == 201, response.content
    assert StoredFile.objects.get(purpose="seal").content_type == "image/png"


def test_a_delegate_signs_with_a_letter(client, approved):
    letter = SimpleUploadedFile("授权委托书.pdf", PDF, content_type="application/pdf")
    response = sign_api(client, approved, signer_capacity="delegate", signer_name="赵六", delegation_letter=letter)
    assert response.status_code == 201, response.content
    signature = Signature.objects.get()
    assert signature.signer_capacity == "delegate"
    files = {f.purpose: f for f in StoredFile.objects.filter(owner_id=str(signature.pk))}
    assert set(files) == {"seal", "delegation"}
    assert (files["delegation"].content_type, files["delegation"].original_name) == (
        "application/pdf",
        "授权委托书.pdf",
    )


def test_an_individual_signs_in_person_without_a_seal(applicant, client, version):
    application = make_application(applicant, status="approved", kind="individual", n=2)
    page = client.get(f"/membership/applications/{application.pk}/sign").content.decode()
    assert 'name="seal"' not in page and 'name="delegation_letter"' not in page
    response = sign_page(client, application, signer_capacity="self", signer_name=application.name, seal=None)
    assert response.status_code == 302, response.context["form"].errors
    member = Member.objects.get(number__isnull=False)
    assert (member.kind, member.uscc, member.resident_id) == ("individual", "", application.resident_id)
    assert Signature.objects.get().signer_capacity == "self"
    assert not StoredFile.objects.exists()


@pytest.mark.parametrize("capacity", ["legal_representative", "delegate"])
def test_an_individual_cannot_sign_as_a_unit_would(applicant, client, version, capacity, settings):
    application = make_application(applicant, status="approved", kind="individual", n=3)
    response = sign_api(client, application, signer_capacity=capacity, seal=None)
    assert_problem(response, 422, "validation_error")
    assert "signer_capacity" in problem_fields(response)
    assert_nothing_saved(application, settings)


def test_member_numbers_run_in_sequence_within_the_year(client, approved, version):
    second_applicant = UserFactory(role=Role.PUBLIC)
    second = make_application(second_applicant, status="approved", n=2)
    other = Client()
    other.force_login(second_applicant)
    assert sign_api(client, approved).status_code == 201
    assert sign_api(other, second).status_code == 201
    year = timezone.localdate().year
    assert list(Member.objects.order_by("pk").values_list("number", flat=True).exclude(number=None)) == [
        f"CP-{year}-0001",
        f"CP-{year}-0002",
    ]


def test_the_number_follows_the_signing_year(client, approved, version):
    """A member signed on 31 December of last year (recorded late) is numbered in that year's sequence."""
    last_year = timezone.localdate().year - 1
    Application.objects.filter(pk=approved.pk).update(created_at=timezone.now() - timedelta(days=400))
    response = sign_api(client, approved, signed_on=f"{last_year}-12-31")
    assert response.status_code == 201, response.content
    assert response.json()["member_number"] == f"CP-{last_year}-0001"


# ------------------------------------------------------------------------------------------ refusals


def test_a_new_version_published_between_reading_and_signing_is_refused(client, approved, version, settings):
    page = client.get(f"/membership/applications/{approved.pk}/sign")
    read_sha = page.context["form"].initial["convention_sha256"]
    assert read_sha == version.sha256
    newer = draft("二〇二六年修订", effective=timezone.localdate())
    do_publish_version(SystemActor(), newer.pk)
    data = sign_form(read_sha, signed_on=today())
    response = client.post(f"/membership/applications/{approved.pk}/sign", data)
    assert response.status_code == 200
    assert form_errors(response, "convention_sha256")
    html = response.content.decode()
    assert f'value="{newer.sha256}"' in html  # the page now carries the hash of the text it shows
    assert_nothing_saved(approved, settings)
    api = client.post(
        f"/api/v1/members/applications/{approved.pk}/sign",
        {k: v for k, v in sign_form(read_sha, signed_on=today()).items() if k != "has_read"},
    )
    assert_problem(api, 409, "invalid_transition")
    assert problem_fields(api) == ["convention_sha256"]
    assert_nothing_saved(approved, settings)
    # Signing the version now in force works, and records it.
    assert sign_api(client, approved).status_code == 201
    assert Signature.objects.get().convention_sha256 == newer.sha256


def test_a_made_up_hash_is_refused(client, approved, version, settings):
    response = client.post(
        f"/api/v1/members/applications/{approved.pk}/sign",
        {k: v for k, v in sign_form("0" * 64, signed_on=today()).items() if k != "has_read"},
    )
    assert_problem(response, 409, "invalid_transition")
    assert_nothing_saved(approved, settings)


def _big_png() -> bytes:
    return PNG + b"\x00" * (2 * 1024 * 1024 + 1 - len(PNG))


SEAL_REFUSALS = {
    "missing": None,
    "oversize": ("seal.png", _big_png, "image/png"),
    "exe-named-png": ("seal.png", lambda: EXE, "image/png"),
    "text-named-png": ("seal.png", lambda: "这是一段文字，不是印章图片。".encode(), "image/png"),
    "pdf": ("seal.pdf", lambda: PDF, "application/pdf"),
    "empty": ("seal.png", lambda: b"", "image/png"),
}


def _seal(spec):
    if spec is None:
        return None
    name, content, content_type = spec
    return SimpleUploadedFile(name, content(), content_type=content_type)


@pytest.mark.parametrize("case", SEAL_REFUSALS)
def test_bad_seals_are_refused_on_the_page_with_nothing_saved(client, approved, version, case, settings):
    response = sign_page(client, approved, seal=_seal(SEAL_REFUSALS[case]))
    assert response.status_code == 200
    assert form_errors(response, "seal")
    assert_nothing_saved(approved, settings)


@pytest.mark.parametrize("case", SEAL_REFUSALS)
def test_bad_seals_are_refused_by_the_api_with_nothing_saved(client, approved, version, case, settings):
    response = sign_api(client, approved, seal=_seal(SEAL_REFUSALS[case]))
    assert_problem(response, 422, "validation_error")
    assert problem_fields(response) == ["seal"]
    assert_nothing_saved(approved, settings)


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_delegate_without_a_letter_is_refused(client, approved, version, via, settings):
    if via == "page":
        response = sign_page(client, approved, signer_capacity="delegate")
        assert response.status_code == 200 and form_errors(response, "delegation_letter")
    else:
        response = sign_api(client, approved, signer_capacity="delegate")
        assert_problem(response, 422, "validation_error")
        assert problem_fields(response) == ["delegation_letter"]
    assert_nothing_saved(approved, settings)


def test_a_delegation_letter_of_the_wrong_type_is_refused(client, approved, version, settings):
    letter = SimpleUploadedFile("letter.pdf", EXE, content_type="application/pdf")
    response = sign_api(client, approved, signer_capacity="delegate", delegation_letter=letter)
    assert_problem(response, 422, "validation_error")
    assert problem_fields(response) == ["delegation_letter"]
    assert_nothing_saved(approved, settings)


SIGN_REFUSALS = {
    "future-date": ({"signed_on": "FUTURE"}, "signed_on"),
    "before-the-application": ({"signed_on": "PAST"}, "signed_on"),
    "no-signer": ({"signer_name": "  "}, "signer_name"),
    "no-responsible-person": ({"responsible_person": ""}, "responsible_person"),
    "bad-phone": ({"contact_phone": "12"}, "contact_phone"),
    "unknown-capacity": ({"signer_capacity": "chairman"}, "signer_capacity"),
}


def _resolve(change: dict) -> dict:
    dates = {
        "FUTURE": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "PAST": (timezone.localdate() - timedelta(days=30)).isoformat(),
    }
    return {k: dates.get(v, v) for k, v in change.items()}


@pytest.mark.parametrize("case", SIGN_REFUSALS)
def test_sign_refusals_through_the_api(client, approved, version, case, settings):
    change, field = SIGN_REFUSALS[case]
    response = sign_api(client, approved, **_resolve(change))
    assert response.status_code == 422, response.content
    assert field in problem_fields(response)
    assert_nothing_saved(approved, settings)


@pytest.mark.parametrize("case", ["future-date", "before-the-application", "bad-phone"])
def test_sign_refusals_on_the_page(client, approved, version, case, settings):
    change, field = SIGN_REFUSALS[case]
    response = sign_page(client, approved, **_resolve(change))
    assert response.status_code == 200
    assert form_errors(response, field)
    assert_nothing_saved(approved, settings)


@pytest.mark.parametrize("status", ["submitted", "info_requested", "rejected", "cancelled"])
def test_only_an_approved_application_is_signed(applicant, client, version, status, settings):
    application = make_application(applicant, status=status, n=4)
    response = sign_api(client, application)
    assert_problem(response, 409, "invalid_transition")
    assert not Signature.objects.exists() and not StoredFile.objects.exists()
    page = client.get(f"/membership/applications/{application.pk}/sign").content.decode()
    assert 'id="sign-form"' not in page


def test_signing_twice_is_refused(client, approved, version):
    assert sign_api(client, approved).status_code == 201
    assert_problem(sign_api(client, approved), 409, "invalid_transition")
    assert Signature.objects.count() == 1 and Member.objects.filter(number__isnull=False).count() == 1


@pytest.mark.parametrize(("role", "status"), [("public", 404), ("member", 404), ("staff", 403), ("anonymous", 401)])
def test_only_the_applicant_signs(client_for, approved, version, role, status, settings):
    response = sign_api(client_for(role), approved)
    assert_problem(response, status)
    assert_nothing_saved(approved, settings)


def test_staff_may_read_the_sign_page_but_not_sign(client_for, approved, version, settings):
    page = client_for("staff").get(f"/membership/applications/{approved.pk}/sign")
    assert page.status_code == 200 and 'id="sign-form"' not in page.content.decode()
    assert client_for("supervisor").get(f"/membership/applications/{approved.pk}/sign").status_code == 403
    response = client_for("staff").post(
        f"/membership/applications/{approved.pk}/sign", sign_form(version.sha256, signed_on=today())
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert_nothing_saved(approved, settings)


def test_no_version_in_force(client, approved, settings):
    page = client.get(f"/membership/applications/{approved.pk}/sign")
    assert page.status_code == 200 and 'id="sign-form"' not in page.content.decode()
    response = client.post(
        f"/api/v1/members/applications/{approved.pk}/sign",
        {k: v for k, v in sign_form("0" * 64, signed_on=today()).items() if k != "has_read"},
    )
    assert_problem(response, 409, "invalid_transition")
    assert_nothing_saved(approved, settings)


# ------------------------------------------------------------------------------------------ the uploaded files


@pytest.fixture
def signed(client, approved, version, users):
    letter = SimpleUploadedFile("letter.pdf", PDF, content_type="application/pdf")
    assert sign_api(client, approved, signer_capacity="delegate", delegation_letter=letter).status_code == 201
    return Signature.objects.get()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("own", 200),
        ("staff", 200),
        ("supervisor", 200),
        ("superuser", 200),
        ("member", 404),
        ("other_member", 404),
        ("public", 404),
        ("anonymous", 404),
    ],
)
@pytest.mark.parametrize("purpose", ["seal", "delegation"])
def test_who_may_download_the_seal_and_the_letter(client, client_for, signed, who, status, purpose):
    stored = StoredFile.objects.get(purpose=purpose, owner_id=str(signed.pk))
    viewer = client if who == "own" else client_for(who)
    response = viewer.get(f"/files/{stored.pk}")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == (PNG if purpose == "seal" else PDF)
        assert response["Content-Type"] == stored.content_type
        assert response["X-Content-Type-Options"] == "nosniff"
