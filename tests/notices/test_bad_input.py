"""Bad input to a notice: each refusal is a 422 problem naming the field, and nothing of a refused notice is stored
(no row, no file, no audit entry, no notification); an accepted one is complete."""

from __future__ import annotations

import pytest

from tests.factories import make_uscc
from tests.helpers import assert_problem
from tests.notices.helpers import API, HOLDER_ID, client, declaration_form, file_notice, filed, pdf, post_json
from zilu.core.models import AuditEntry, Notification, StoredFile
from zilu.notices.models import Notice

pytestmark = pytest.mark.django_db
BAD_ID = HOLDER_ID[:-1] + ("1" if HOLDER_ID[-1] == "0" else "0")


def _refused(response, fields: list[str], code: str | None = None) -> dict:
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == fields, body
    if code:
        assert [e["code"] for e in body["errors"]] == [code] * len(fields)
    return body


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Notice, StoredFile, AuditEntry, Notification))


def _nothing_stored(before: tuple[int, ...]) -> None:
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"member": "CP-2099-0009"}, ["member"]),  # unknown member
        ({"member": ""}, ["member"]),
        ({"location": "https://shop.example.net/item/1"}, ["location"]),  # another member's site
        ({"location": "https://unknown.example.org/v/1"}, ["location"]),  # no registered site
        ({"location": "video.example.com.cn/v/1"}, ["location"]),  # not a full URL
        ({"location": "ftp://video.example.com.cn/v/1"}, ["location"]),
        ({"holder_id_number": BAD_ID}, ["holder_id_number"]),  # wrong check character
        ({"holder_kind": "organization", "holder_id_number": "91110114MA0000000X"}, ["holder_id_number"]),
        ({"holder_kind": ""}, ["holder_kind"]),
        ({"holder_name": "  "}, ["holder_name"]),
        ({"holder_phone": "12345"}, ["holder_phone"]),
        ({"holder_email": "not-an-address"}, ["holder_email"]),
        ({"right": "moral"}, ["right"]),
        ({"work": ""}, ["work"]),
        ({"accept_liability": "false"}, ["accept_liability"]),
        ({"signature": ""}, ["signature"]),
    ],
)
def test_a_bad_field_is_a_422_naming_it(people, overrides, fields):
    before = _counts()
    _refused(file_notice(client(people["holder"]), **overrides), fields)
    _nothing_stored(before)


def test_a_notice_without_proof_of_rights_is_refused(people):
    before = _counts()
    _refused(file_notice(client(people["holder"]), proof=[]), ["proof"], "required")
    _nothing_stored(before)


def test_a_proof_that_is_not_a_document_is_refused(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = _counts()
    exe = SimpleUploadedFile("proof.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    _refused(file_notice(client(people["holder"]), proof=[exe]), ["proof"])
    _nothing_stored(before)


def test_several_missing_fields_are_all_named(people):
    response = client(people["holder"]).post(API, {"member": "CP-2026-0001", "proof": [pdf()]})
    fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
    assert {"holder_kind", "holder_name", "holder_phone", "holder_address", "work", "right", "description",
            "location", "signature", "accept_liability"} <= fields  # fmt: skip


def test_a_duplicate_notice_is_a_422_on_the_location(people):
    holder = client(people["holder"])
    filed(holder)
    before = _counts()
    body = _refused(file_notice(holder, location="HTTPS://Video.Example.com.cn/v/12345/"), ["location"], "duplicate")
    assert body["type"] == "urn:zilu:problem:duplicate"
    _nothing_stored(before)
    # another right holder may notify the same location; so may the same one once its notice is closed
    assert file_notice(client(people["bystander"])).status_code == 201
    first = Notice.objects.filter(filed_by=people["holder"]).get()
    assert post_json(holder, f"{API}/{first.pk}/withdraw").status_code == 200
    assert file_notice(holder).status_code == 201


def test_an_organization_with_a_valid_uscc_is_accepted(people):
    sent = filed(client(people["holder"]), holder_kind="organization", holder_id_number=make_uscc(4242),
                 holder_name="北京长城影视文化有限公司", signature="赵六（法定代表人）")  # fmt: skip
    assert sent["status"] == "with_member"
    seen = client(people["member"]).get(f"{API}/{sent['id']}").json()
    assert seen["holder_id_number"] == make_uscc(4242)  # a USCC is public: shown in full


def test_a_member_cannot_notify_itself(people):
    before = _counts()
    _refused(file_notice(client(people["member"])), ["member"])
    _nothing_stored(before)


def test_a_declaration_without_evidence_or_identity_is_refused(people):
    holder, member = client(people["holder"]), client(people["member"])
    nid = filed(holder)["id"]
    post_json(member, f"{API}/{nid}/measure", {"measure": "delete"})
    before = _counts()
    response = member.post(f"{API}/{nid}/declaration", declaration_form(evidence=None, name=""))
    assert {e["field"] for e in assert_problem(response, 422)["errors"]} == {"evidence", "name"}
    _nothing_stored(before)
    assert Notice.objects.get(pk=nid).status == "measure_taken"
    bad_measure = post_json(member, f"{API}/{nid}/measure", {"measure": "shout"})
    assert_problem(bad_measure, 409)  # the state is checked first: the measure is already recorded
