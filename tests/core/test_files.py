"""Protected files: typed by content, limited in size and count, stored under random names outside any web root,
served only to users the owning record allows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.convention.helpers import draft, published_v1
from zilu.core.files import path_of, sniff_type
from zilu.core.models import AuditEntry, StoredFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ZIP = b"PK\x03\x04" + b"\x00" * 64


def upload(name: str, data: bytes, declared: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=declared)


def attach(client, version, *files):
    return client.post(f"/staff/convention/v{version.number}/attach", {"files": list(files)}, follow=True)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (EXE, "application/x-msdownload"),
        ("纯文本，UTF-8。\n".encode(), "text/plain"),
        (b"\x00\x01\x02binary", None),
        ("中文".encode("gb18030") + b"\xff\xfe", None),
    ],
)
def test_type_is_sniffed_from_content(data, expected):
    assert sniff_type(data) == expected


def test_staff_attaches_a_signed_copy_stored_under_a_random_name(client_for, settings):
    version = published_v1()
    response = attach(client_for("staff"), version, upload("签字页.pdf", PDF))
    assert response.status_code == 200
    stored = StoredFile.objects.get()
    assert stored.original_name == "签字页.pdf" and stored.content_type == "application/pdf"
    assert stored.size == len(PDF)
    assert len(stored.storage_name) == 40 and "签字页" not in stored.storage_name
    on_disk = path_of(stored)
    assert on_disk.read_bytes() == PDF
    assert str(on_disk).startswith(str(settings.MEDIA_ROOT))
    entry = AuditEntry.objects.get(action="convention.version.attach_signed_copy")
    assert entry.after["files"][0]["sha256"] == stored.sha256


@pytest.mark.parametrize(
    ("name", "data", "declared"),
    [
        ("scan.pdf", EXE, "application/pdf"),  # an executable named .pdf
        ("scan.pdf", ZIP, "application/pdf"),
        ("scan.png", "文本".encode(), "image/png"),  # text is not an accepted type for signed copies
        ("empty.pdf", b"", "application/pdf"),
    ],
)
def test_wrong_content_is_refused_and_nothing_is_stored(client_for, name, data, declared):
    version = published_v1()
    response = attach(client_for("staff"), version, upload(name, data, declared))
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not StoredFile.objects.exists()
    assert not AuditEntry.objects.filter(action="convention.version.attach_signed_copy").exists()


def test_oversize_upload_is_refused(client_for, settings):
    settings.ZILU_UPLOAD_MAX_BYTES = 1024
    version = published_v1()
    response = attach(client_for("staff"), version, upload("big.pdf", PDF + b"0" * 2048))
    assert any("big.pdf" in str(m) and m.level_tag == "error" for m in response.context["messages"])
    assert not StoredFile.objects.exists()


def test_count_limit_counts_files_already_attached(client_for, settings):
    settings.ZILU_UPLOAD_MAX_FILES = 2
    version = published_v1()
    staff = client_for("staff")
    attach(staff, version, upload("a.pdf", PDF), upload("b.png", PNG, "image/png"))
    assert StoredFile.objects.count() == 2
    attach(staff, version, upload("c.pdf", PDF))
    assert StoredFile.objects.count() == 2


@pytest.mark.parametrize(
    ("role", "published", "visible"),
    [
        ("anonymous", True, True),
        ("public", True, True),
        ("member", True, True),
        ("anonymous", False, False),
        ("public", False, False),
        ("member", False, False),
        ("staff", False, True),
        ("supervisor", False, True),
        ("superuser", False, True),
    ],
)
def test_download_follows_the_owning_record(client_for, role, published, visible):
    version = published_v1() if published else draft()
    attach(client_for("staff"), version, upload("签字页.pdf", PDF))
    stored = StoredFile.objects.get()
    response = client_for(role).get(f"/files/{stored.id}")
    if visible:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
    else:
        assert response.status_code == 404


def test_unknown_file_id_is_404(client_for):
    assert client_for("staff").get("/files/00000000-0000-0000-0000-000000000000").status_code == 404


def test_member_cannot_attach(client_for):
    version = published_v1()
    response = client_for("member").post(
        f"/staff/convention/v{version.number}/attach", {"files": [upload("a.pdf", PDF)]}
    )
    assert response.status_code == 403
    assert not StoredFile.objects.exists()


def test_committed_upload_moves_into_place_and_a_rolled_back_one_is_cleaned(
    client_for, settings, django_capture_on_commit_callbacks
):
    import os
    import time
    from pathlib import Path

    from django.db import transaction

    from zilu.convention.actions import do_attach_signed_copy
    from zilu.core.files import clean_pending_uploads
    from zilu.core.system import SystemActor

    version = published_v1()
    with django_capture_on_commit_callbacks(execute=True):
        (stored,) = do_attach_signed_copy(SystemActor(), version.pk, [upload("a.pdf", PDF)])
    final = path_of(stored)
    assert final.read_bytes() == PDF and "pending" not in final.parts
    with pytest.raises(RuntimeError), transaction.atomic():
        do_attach_signed_copy(SystemActor(), version.pk, [upload("b.pdf", PDF)])
        raise RuntimeError("roll back")
    pending = list((Path(settings.MEDIA_ROOT) / "pending").iterdir())
    assert len(pending) == 1  # the rolled-back upload's bytes, with no record
    old = time.time() - 7200
    os.utime(pending[0], (old, old))
    assert clean_pending_uploads() == 1
    assert not pending[0].exists() and final.exists()
