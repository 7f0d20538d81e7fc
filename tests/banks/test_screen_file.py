"""POST /api/v1/screen/file (Art. 15) and the screening of uploads, through HTTP: a clean file, EICAR, EICAR in a
nested zip, a hash-bank hit, a zip bomb, a name that lies about the type, and ClamAV where clamd is installed."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from tests.helpers import assert_problem
from tests.screening.clamav import EICAR_SIGNATURE, SAMPLE_SIGNATURE, clamd_socket  # noqa: F401 (fixture)
from tests.screening.filesamples import (
    CLEAN_TEXT,
    HASH_BANK_SAMPLE,
    PE,
    PNG,
    eicar,
    nested_eicar_zip,
    zip_bomb,
)
from zilu.core import filescan
from zilu.core.actions import do_create_api_key
from zilu.core.errors import ValidationFailed
from zilu.core.files import UploadPolicy, check_uploads

pytestmark = pytest.mark.django_db
URL = "/api/v1/screen/file"


@pytest.fixture(autouse=True)
def _english_and_fresh_scanner(settings):
    settings.LANGUAGE_CODE = "en"
    settings.ZILU_CLAMD_SOCKET = None
    filescan.reset_file_scanner()
    with translation.override("en"):
        yield
    filescan._sources.pop("tests", None)
    filescan.reset_file_scanner()


@pytest.fixture
def key_client(client, users):
    token = do_create_api_key(users["member"], "uploads").token
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def post(client, name, data):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")})


def test_clean_file_passes(key_client):
    response = post(key_client, "report.txt", CLEAN_TEXT)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["suggestion"], body["findings"], body["name"]) == ("pass", [], "report.txt")
    assert body["sha256"] == hashlib.sha256(CLEAN_TEXT).hexdigest()
    assert body["md5"] == hashlib.md5(CLEAN_TEXT).hexdigest()
    assert body["size"] == len(CLEAN_TEXT)


def test_eicar_is_blocked(key_client):
    body = post(key_client, "eicar.com", eicar()).json()
    assert body["suggestion"] == "block"
    assert [(f["kind"], f["code"]) for f in body["findings"]] == [("yara", "eicar_test_file")]


def test_eicar_in_a_nested_zip_is_blocked_with_its_path(key_client):
    body = post(key_client, "outer.zip", nested_eicar_zip()).json()
    assert body["suggestion"] == "block" and body["mime"] == "application/zip"
    assert body["findings"][0]["path"] == "outer.zip!docs/inner.zip!eicar.com"
    assert body["members"] == 4


def test_hash_bank_hit(key_client):
    digest = hashlib.sha256(HASH_BANK_SAMPLE).hexdigest()
    filescan.register_hash_source("tests", lambda: {digest: "trojan.sample"})
    body = post(key_client, "notice.pdf", HASH_BANK_SAMPLE).json()
    assert body["suggestion"] == "block"
    assert body["findings"] == [
        {
            "kind": "hash",
            "code": "trojan.sample",
            "path": "notice.pdf",
            "detail": f"file-hash bank: {digest}",
            "suggestion": "block",
        }
    ]


def test_zip_bomb_is_blocked(key_client):
    body = post(key_client, "bomb.zip", zip_bomb(64 * 1024 * 1024)).json()
    assert body["suggestion"] == "block"
    assert [(f["kind"], f["code"]) for f in body["findings"]] == [("archive", "ratio")]
    assert "zip bomb" in body["findings"][0]["detail"]


def test_name_that_lies_about_the_type(key_client):
    body = post(key_client, "contract.pdf", PNG).json()
    assert (body["suggestion"], body["mime"], body["extension"]) == ("review", "image/png", "png")
    assert body["findings"][0]["code"] == "name_mismatch"
    body = post(key_client, "photo.jpg", PE).json()
    assert body["suggestion"] == "block"
    assert {f["code"] for f in body["findings"]} == {"executable", "name_mismatch"}


def test_size_limit_and_missing_file_are_problems(key_client, settings):
    settings.ZILU_SCREEN_FILE_MAX_BYTES = 100
    body = assert_problem(post(key_client, "big.txt", CLEAN_TEXT * 10), 413, "payload_too_large")
    assert body["errors"][0]["field"] == "file"
    assert_problem(key_client.post(URL, {}), 422, "validation_error")


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("public", 403), ("supervisor", 403)])
def test_who_may_screen_files(client_for, role, status):
    assert_problem(post(client_for(role), "a.txt", CLEAN_TEXT), status)


@pytest.mark.parametrize("role", ["member", "staff"])
def test_members_and_staff_screen_with_a_session(client_for, role):
    assert post(client_for(role), "a.txt", CLEAN_TEXT).json()["suggestion"] == "pass"


@pytest.mark.clamav
def test_clamav_through_the_api(key_client, settings, clamd_socket):  # noqa: F811 (the fixture)
    settings.ZILU_CLAMD_SOCKET = clamd_socket
    filescan.reset_file_scanner()
    body = post(key_client, "notice.pdf", HASH_BANK_SAMPLE).json()
    assert (body["suggestion"], [f["code"] for f in body["findings"]]) == (
        "block",
        [f"{SAMPLE_SIGNATURE}.UNOFFICIAL"],
    )
    body = post(key_client, "outer.zip", nested_eicar_zip()).json()
    assert f"{EICAR_SIGNATURE}.UNOFFICIAL" in [f["code"] for f in body["findings"]]
    assert post(key_client, "a.txt", CLEAN_TEXT).json()["suggestion"] == "pass"


# --------------------------------------------------------------------------- uploads go through the same check


def test_uploads_are_screened_unless_the_policy_opts_out():
    upload = SimpleUploadedFile("evidence.txt", eicar(), content_type="text/plain")
    with pytest.raises(ValidationFailed) as refused:
        check_uploads([upload], UploadPolicy(), field_name="evidence")
    (error,) = refused.value.errors()
    assert error["field"] == "evidence"
    assert "“evidence.txt” was refused: it contains a virus or a destructive program" in error["reason"]
    assert check_uploads([upload], UploadPolicy(screen=False)) == ["text/plain"]
    assert check_uploads([SimpleUploadedFile("a.txt", CLEAN_TEXT)], UploadPolicy()) == ["text/plain"]


def test_an_upload_the_hash_bank_knows_is_refused_through_http(users, version_and_applicant):
    """A workflow upload (here a signing delegate's letter, as report evidence and review attachments) is screened."""
    from tests.members.helpers import PDF, problem_fields, sign_form
    from zilu.core.models import StoredFile
    from zilu.members.models import Signature

    client, application, version = version_and_applicant
    filescan.register_hash_source("tests", lambda: {hashlib.md5(PDF).hexdigest(): "trojan.sample"})
    data = sign_form(version.sha256, signed_on=timezone.localdate().isoformat(), signer_capacity="delegate")
    data.pop("has_read")
    data["signer_name"] = "赵六"
    data["delegation_letter"] = SimpleUploadedFile("授权委托书.pdf", PDF, content_type="application/pdf")
    response = client.post(
        f"/api/v1/members/applications/{application.pk}/sign", {k: v for k, v in data.items() if v is not None}
    )
    body = assert_problem(response, 422, "validation_error")
    assert problem_fields(response) == ["delegation_letter"]
    assert "was refused: it contains a virus or a destructive program" in body["errors"][0]["reason"]
    assert not Signature.objects.exists() and not StoredFile.objects.exists()


@pytest.fixture
def version_and_applicant(db):
    from django.test import Client

    from tests.factories import UserFactory
    from tests.members.helpers import current_version, make_application
    from zilu.core.roles import Role

    applicant = UserFactory(role=Role.PUBLIC)
    client = Client()
    client.force_login(applicant)
    return client, make_application(applicant, status="approved", n=1), current_version()


def test_report_evidence_carrying_eicar_is_refused_through_http(client):
    """A public report's evidence upload is screened: EICAR (here as a text file) is refused with a field error."""
    from tests.reports.helpers import submit_api

    response = submit_api(client, files=[SimpleUploadedFile("截图说明.txt", eicar(), content_type="text/plain")])
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "files"
    assert "“截图说明.txt” was refused" in body["errors"][0]["reason"]
    assert "EICAR" in body["errors"][0]["reason"]
    assert submit_api(client, files=[SimpleUploadedFile("说明.txt", CLEAN_TEXT)]).status_code == 201
