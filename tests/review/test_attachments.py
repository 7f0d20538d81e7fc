"""Attachments on review items through HTTP (Art. 15): a member's system attaches files to an item it submitted;
each file is typed by its content, its name must match, and it is screened for viruses and destructive programs;
only the member's own reviewers download them."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.helpers import assert_problem
from tests.screening.filesamples import CLEAN_TEXT, PE, PNG, eicar
from zilu.banks.actions import do_contribute
from zilu.core.models import AuditEntry, StoredFile
from zilu.core.system import SystemActor
from zilu.review.models import ReviewItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(key_for, db):
    """A held item ``post-1`` of the member, and the member system's API client that submitted it."""
    do_contribute(
        SystemActor("cli:tests"), "terms", {"term": "代开发票", "labels": ["fraud"], "severity": 2}, reason="t"
    )
    system = key_for("member")
    response = system.post(
        "/api/v1/review/items", {"external_id": "post-1", "text": "可以代开发票"}, content_type="application/json"
    )
    assert response.json()["status"] == "held"
    return system, ReviewItem.objects.get(external_id="post-1")


def _attach(client, external_id: str, *files: tuple[str, bytes]):
    uploads = [SimpleUploadedFile(name, data, content_type="application/octet-stream") for name, data in files]
    return client.post(f"/api/v1/review/items/{external_id}/attachments", {"files": uploads})


def _errors(response) -> list[tuple[str, str]]:
    body = assert_problem(response, 422, "validation_error")
    return [(e["field"], e["reason"]) for e in body["errors"]]


def test_clean_files_are_attached_listed_and_downloadable_by_the_members_reviewer(held, client_for):
    system, item = held
    response = _attach(system, "post-1", ("photo.png", PNG), ("note.txt", CLEAN_TEXT))
    assert response.status_code == 201, response.content
    listed = response.json()["attachments"]
    assert [(a["name"], a["content_type"], a["size"]) for a in listed] == [
        ("photo.png", "image/png", len(PNG)),
        ("note.txt", "text/plain", len(CLEAN_TEXT)),
    ]
    assert [a["sha256"] for a in listed] == [hashlib.sha256(PNG).hexdigest(), hashlib.sha256(CLEAN_TEXT).hexdigest()]
    assert system.get("/api/v1/review/items/post-1").json()["attachments"] == listed
    item.refresh_from_db()
    assert item.status == "held"
    entry = AuditEntry.objects.get(action="review.item.attach", object_id=str(item.pk))
    assert [f["name"] for f in entry.after["files"]] == ["photo.png", "note.txt"]

    reviewer = client_for("member")
    page = reviewer.get(f"/review/items/{item.pk}/").content.decode()
    png_id = listed[0]["id"]
    assert f'href="/files/{png_id}"' in page and "photo.png" in page and "note.txt" in page
    download = reviewer.get(f"/files/{png_id}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert download["Content-Type"] == "image/png"
    # Nobody else: not the executing body, the supervising department, another member or the public.
    for role in ("anonymous", "public", "other_member", "staff", "supervisor", "superuser"):
        assert client_for(role).get(f"/files/{png_id}").status_code == 404, role


def test_eicar_is_refused_and_nothing_is_attached(held):
    system, item = held
    response = _attach(system, "post-1", ("note.txt", CLEAN_TEXT), ("eicar.txt", eicar()))
    [(field, reason)] = _errors(response)
    assert field == "files"
    assert "eicar.txt" in reason and "virus or a destructive program" in reason
    assert not StoredFile.objects.exists()
    item.refresh_from_db()
    assert item.status == "held"
    assert not AuditEntry.objects.filter(action="review.item.attach").exists()
    assert system.get("/api/v1/review/items/post-1").json()["attachments"] == []


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("photo.png", PE, "not an accepted file type"),  # an executable posing as an image
        ("run.bat", b"del /q C:\\*\r\n", "named as another type of file than its content (text/plain)"),
        ("run.bat. ", b"del /q C:\\*\r\n", "named as another type"),  # Windows drops the trailing dot and space
        ("scan.pdf", PNG, "named as another type of file than its content (image/png)"),
    ],
)
def test_a_file_whose_name_lies_about_its_type_is_refused(held, name, data, says):
    system, _item = held
    [(field, reason)] = _errors(_attach(system, "post-1", (name, data)))
    assert field == "files" and says in reason
    assert not StoredFile.objects.exists()


def test_count_and_size_limits(held, settings):
    system, _item = held
    too_many = [(f"n{i}.txt", CLEAN_TEXT) for i in range(6)]
    assert "At most 5 files" in _errors(_attach(system, "post-1", *too_many))[0][1]
    assert _attach(system, "post-1", *too_many[:4]).status_code == 201
    # The limit counts the files already attached.
    assert "At most 5 files" in _errors(_attach(system, "post-1", *too_many[4:6]))[0][1]
    settings.ZILU_UPLOAD_MAX_BYTES = 10
    assert "larger than the limit" in _errors(_attach(system, "post-1", ("big.txt", CLEAN_TEXT)))[0][1]
    assert StoredFile.objects.count() == 4


def test_a_decided_or_refused_item_takes_no_files(held, client_for):
    system, item = held
    reviewer = client_for("member")
    assert reviewer.post(f"/api/v1/review/queue/{item.pk}/claim").status_code == 200
    decided = reviewer.post(
        f"/api/v1/review/queue/{item.pk}/decide",
        {"decision": "approve", "policy_label": "ok", "rationale": "a legal service"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "approved"
    assert_problem(_attach(system, "post-1", ("note.txt", CLEAN_TEXT)), 409, "invalid_transition")
    do_contribute(SystemActor("cli:tests"), "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="t")
    refused = system.post(
        "/api/v1/review/items", {"external_id": "post-2", "text": "出售冰毒"}, content_type="application/json"
    )
    assert refused.json()["status"] == "refused"
    assert_problem(_attach(system, "post-2", ("note.txt", CLEAN_TEXT)), 409, "invalid_transition")
    assert not StoredFile.objects.exists()


def test_who_may_attach(held, key_for, client_for):
    """Another member's system gets 404 (its own item of the same external id is another item); the public and
    staff are refused by role; anonymous requests 401; the member's reviewer signed in may attach too."""
    system, item = held
    assert_problem(_attach(key_for("other_member"), "post-1", ("note.txt", CLEAN_TEXT)), 404)
    assert_problem(_attach(system, "no-such-item", ("note.txt", CLEAN_TEXT)), 404)
    assert_problem(_attach(client_for("anonymous"), "post-1", ("note.txt", CLEAN_TEXT)), 401)
    assert_problem(system.post("/api/v1/review/items/post-1/attachments", {}), 422)  # no files
    for role in ("public", "staff", "supervisor"):
        assert_problem(_attach(client_for(role), "post-1", ("note.txt", CLEAN_TEXT)), 403)
    assert not StoredFile.objects.exists()
    assert _attach(client_for("member"), "post-1", ("note.txt", CLEAN_TEXT)).status_code == 201
    # The other member cannot download the file attached to this member's item either.
    stored = StoredFile.objects.get()
    assert client_for("other_member").get(f"/files/{stored.pk}").status_code == 404
    assert client_for("member").get(f"/files/{stored.pk}").status_code == 200
    item.refresh_from_db()
    assert item.status == "held"
