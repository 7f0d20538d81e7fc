"""Joining in the browser: a unit applies, the staff approve, the unit signs the convention, downloads its
certificate, and anyone verifies it (Art. 4, 5, 23)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.browser.helpers import t
from tests.convention.helpers import published_v1
from tests.factories import make_uscc
from tests.reports.helpers import PNG
from zilu.members.models import Application, Member

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "北京昌平浏览器测试科技有限公司"


def test_apply_approve_sign_download_and_verify(browse, users, tmp_path):
    published_v1()
    seal = tmp_path / "seal.png"
    seal.write_bytes(PNG)

    # the applicant: the "Join" link, the form, its application page
    applicant = browse("public").open("/")
    applicant.click(t("Join"), role="link", exact=True)
    assert applicant.path == "/membership/apply/"
    applicant.fill("kind", "unit").fill("name", NAME).fill("uscc", make_uscc(9101))
    applicant.fill("registered_address", "北京市昌平区科技园区1号")
    applicant.fill("legal_representative", "张三").fill("responsible_person", "李四")
    applicant.fill("contact_phone", "13800138000")
    applicant.click(t("Submit application"))
    application = Application.objects.get()
    assert applicant.path == f"/membership/applications/{application.pk}/"
    assert (application.status, application.applicant) == ("submitted", users["public"])
    applicant.sees(NAME, application.get_status_display())

    # the staff: the queue, the application, the approval
    staff = browse("staff").open("/staff/applications/")
    staff.sees(NAME)
    staff.page.get_by_role("row").filter(has_text=NAME).get_by_role("link", name=t("Open")).click()
    staff.page.wait_for_url(f"**/staff/applications/{application.pk}/")
    staff.sees(application.uscc, "北京市昌平区科技园区1号")
    staff.click(t("Approve"), exact=True)
    application.refresh_from_db()
    assert application.status == "approved"
    staff.sees(application.get_status_display())

    # the applicant reads and signs
    applicant.open(f"/membership/applications/{application.pk}/")
    applicant.click(t("Read and sign the convention"), role="link")
    applicant.sees(t("Sign the convention"))
    applicant.check("has_read").fill("signer_name", "张三").fill("signer_capacity", "legal_representative")
    applicant.fill("responsible_person", "李四").fill("contact_phone", "010-69712345")
    applicant.fill("signed_on", timezone.localdate().isoformat()).upload("seal", seal)
    applicant.click(t("Sign"), exact=True)
    member = Member.objects.get(name=NAME)
    assert member.status == "active" and member.number
    assert applicant.path == "/account/member/"
    applicant.sees(NAME, member.number, member.get_status_display())

    # the certificate, as the browser downloads it
    link = applicant.page.get_by_role("link", name=t("Download the membership certificate (PDF)"))
    with applicant.page.expect_response(lambda r: r.url.endswith("/certificate.pdf")) as opened:
        link.click()
    assert opened.value.status == 200 and opened.value.headers["content-type"] == "application/pdf"
    pdf = applicant.page.request.get(opened.value.url)  # the same file, read back with the tab's session
    assert pdf.body().startswith(b"%PDF")

    # anyone verifies it in the registry
    public = browse("anonymous").open(f"/registry/verify/?number={member.number}")
    public.sees(member.number, NAME, member.get_status_display())
    public.open("/registry/")
    public.sees(NAME)
    public.open(f"/registry/{member.number}/")
    public.sees(NAME)
