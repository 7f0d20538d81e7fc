"""Walking the membership path through the real pages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.convention.helpers import published_v1
from tests.factories import make_uscc

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def unit_form(n: int = 1, **overrides: str) -> dict[str, str]:
    data = {
        "kind": "unit",
        "name": f"北京昌平测试科技有限公司{n}",
        "uscc": make_uscc(9000 + n),
        "registered_address": "北京市昌平区科技园区1号",
        "legal_representative": "张三",
        "responsible_person": "李四",
        "contact_phone": "13800138000",
        "resident_id": "",
        "statement": "",
    }
    data.update(overrides)
    return data


def sign_form(version_sha: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "convention_sha256": version_sha,
        "has_read": "on",
        "signer_name": "张三",
        "signer_capacity": "legal_representative",
        "responsible_person": "李四",
        "contact_phone": "010-69712345",
        "signed_on": "",
        "seal": SimpleUploadedFile("seal.png", PNG, content_type="image/png"),
    }
    data.update(overrides)
    return data


def walk_to_member(client_for, applicant_client, n: int = 1):
    """Apply, approve and sign as a unit; returns the signed Application."""
    from django.utils import timezone

    from zilu.members.models import Application

    version = published_v1() if not _has_version() else _current()
    response = applicant_client.post("/membership/apply/", unit_form(n))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.latest("pk")
    staff = client_for("staff")
    staff.post(f"/staff/applications/{application.pk}/approve", {"approve-qualification_note": ""})
    response = applicant_client.post(
        f"/membership/applications/{application.pk}/sign",
        sign_form(version.sha256, signed_on=timezone.localdate().isoformat()),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    application.refresh_from_db()
    return application


def _has_version() -> bool:
    from zilu.convention.models import ConventionVersion

    return ConventionVersion.objects.exists()


def _current():
    from zilu.convention.models import ConventionVersion

    return ConventionVersion.objects.current()


# ------------------------------------------------------------------------------------------ builders for the
# step tests (test_apply, test_sign, test_registry, test_withdraw_revoke, test_bulletins)

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def make_resident_id(n: int = 1, birth: str = "19850101", division: str = "110114") -> str:
    """A resident ID number with a correct check character (computed with stdnum), unique per ``n`` < 1000."""
    from stdnum.cn import ric

    base = f"{division}{birth}{n % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def individual_form(n: int = 1, **overrides: str) -> dict[str, str]:
    """The apply form of an individual."""
    data = {
        "kind": "individual",
        "name": f"王五{n}",
        "uscc": "",
        "registered_address": "",
        "legal_representative": "",
        "responsible_person": "",
        "contact_phone": "13900139000",
        "resident_id": make_resident_id(n),
        "statement": "在昌平区从事互联网内容审核工作十年。",
    }
    data.update(overrides)
    return data


def current_version():
    """The version in force, publishing the bundled version 1 when there is none."""
    return _current() or published_v1()


def make_application(applicant, *, status: str = "approved", kind: str = "unit", n: int = 1, **fields: object):
    """An application saved directly (for the tests of the steps after the review)."""
    from zilu.members.models import Application

    form = unit_form(n) if kind == "unit" else individual_form(n)
    values: dict[str, object] = {k: v for k, v in form.items() if k != "kind"}
    values.update(fields)
    return Application.objects.create(applicant=applicant, kind=kind, status=status, **values)


def make_signed_member(version=None, *, number: str, status: str = "active", kind: str = "unit", **fields: object):
    """A member with a signature of ``version`` (the version in force by default), saved directly: what the
    registry, the verification page and the certificate need. Returns the member."""
    from datetime import date

    from tests.factories import MemberFactory, UserFactory
    from zilu.core.roles import Role
    from zilu.members.models import Signature

    version = version or current_version()
    values: dict[str, object] = {"kind": kind, "number": number, "status": status}
    if kind == "individual":
        values.update(uscc="", resident_id=make_resident_id(7), contact_phone="13700137000")
    values.update(fields)
    member = MemberFactory(**values)
    applicant = UserFactory(role=Role.MEMBER, member=member)
    application = make_application(applicant, status="signed", kind=kind, member=member, name=member.name,
                                   uscc=member.uscc)  # fmt: skip
    Signature.objects.create(
        member=member,
        application=application,
        convention_version=version,
        convention_sha256=version.sha256,
        signer_name="张三",
        signer_capacity="self" if kind == "individual" else "legal_representative",
        responsible_person="李四",
        contact_phone="13800138000",
        signed_on=fields.get("joined_on", date(2021, 7, 15)),  # type: ignore[arg-type]
        signed_by=applicant,
    )
    return member


def form_errors(response, field: str) -> list[str]:
    """The errors of ``field`` on the page's form (``__all__`` for the form's own), checking each is in the HTML."""
    import html

    errors = list(response.context["form"].errors.get(field, []))
    body = html.unescape(response.content.decode())
    for error in errors:
        assert error in body, f"{error!r} is not shown on the page"
    return errors


def problem_fields(response) -> list[str]:
    """The ``errors[].field`` of a problem+json response."""
    assert response["Content-Type"].startswith("application/problem+json"), response.content
    return [e["field"] for e in response.json().get("errors", [])]
