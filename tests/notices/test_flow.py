"""The notice-and-takedown procedure end to end, through HTTP: a notice filed by an identified right holder, routed
to the member, measures taken and forwarded, the user's declaration forwarded back, and the measures ended by the
periodic sweep once the period passes without a complaint or a suit; and the same notice refused when its location
is not on the member's registered sites."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from tests.helpers import assert_problem
from tests.notices.helpers import API, HOLDER_ID, LOCATION, client, declaration_form, file_notice, filed, png, post_json
from zilu.core import deadlines
from zilu.core.models import AuditEntry, Notification, StoredFile
from zilu.core.scheduler import SCHEDULE
from zilu.notices.models import Notice
from zilu.notices.tasks import end_due_measures_task

pytestmark = pytest.mark.django_db


def _kinds(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("kind", flat=True))


def _text(pdf_bytes: bytes) -> str:
    """The PDF's text without whitespace and the NUL pypdf puts before each character of the embedded CJK font."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    return re.sub(r"[\s\x00]", "", text)


def test_notice_through_forwarding_declaration_and_the_end_of_the_measures(people):
    holder, member = client(people["holder"]), client(people["member"])

    # 1. The right holder files; Zilu routes the notice to the member at once.
    sent = filed(holder)
    nid = sent["id"]
    assert sent["status"] == "with_member" and sent["audience"] == "holder"
    assert sent["holder_id_number"] == HOLDER_ID  # the sender sees its own number
    assert [f["purpose"] for f in sent["files"]] == ["proof"]
    assert sent["respond_by"] == deadlines.compute(timezone.localdate(), working_days=2).day.isoformat()
    assert _kinds(people["member"]) == ["notices.notice.filed"]

    # The member reads the notice as the law forwards it: the holder's name, contact and address, not its account
    # nor its full resident ID number.
    seen = member.get(f"{API}/{nid}").json()
    assert seen["audience"] == "member" and seen["holder_name"] == "王小明" and seen["holder_phone"] == "13800138000"
    assert seen["holder_id_number"] == HOLDER_ID[:6] + "********" + HOLDER_ID[-4:]
    assert seen["filed_by"] == ""
    notice_pdf = member.get(f"{API}/{nid}/notice.pdf")
    assert notice_pdf.status_code == 200 and notice_pdf.content.startswith(b"%PDF")
    text = _text(notice_pdf.content)
    assert "侵权通知书" in text and "王小明" in text and HOLDER_ID not in text and "第一千一百九十五条" in text

    # 2. The member takes the measure and forwards the notice to its user.
    measured = post_json(member, f"{API}/{nid}/measure", {"measure": "delete", "user_ref": "uid-8848"})
    assert measured.status_code == 200, measured.content
    assert measured.json()["status"] == "measure_taken"
    assert _kinds(people["holder"]) == ["notices.notice.measure"]
    assert holder.get(f"{API}/{nid}").json()["user_ref"] == ""  # the member's reference of its user stays there

    # 3. The member records the user's declaration; Zilu forwards it to the right holder with the period.
    declared = member.post(f"{API}/{nid}/declaration", declaration_form())
    assert declared.status_code == 200, declared.content
    body = declared.json()
    wait_until = deadlines.compute(timezone.localdate(), days=15).day
    assert body["status"] == "declaration_forwarded" and body["wait_until"] == wait_until.isoformat()
    assert _kinds(people["holder"])[-1] == "notices.notice.declaration"
    message = Notification.objects.filter(user=people["holder"]).order_by("pk").last()
    assert wait_until.isoformat() in message.body
    forwarded = holder.get(f"{API}/{nid}").json()
    assert (forwarded["declarant_name"], forwarded["declarant_contact"]) == ("李四", "13900139000")
    assert sorted(f["purpose"] for f in forwarded["files"]) == ["declaration", "proof"]
    evidence = next(f for f in forwarded["files"] if f["purpose"] == "declaration")
    assert holder.get(evidence["url"]).status_code == 200  # the forwarded evidence reaches the right holder
    declaration_pdf = holder.get(f"{API}/{nid}/declaration.pdf")
    assert declaration_pdf.status_code == 200 and "不侵权声明" in _text(declaration_pdf.content)

    # 4. The period: nothing ends on its last day; the sweep ends the measures the day after.
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(wait_until, timezone.datetime.min.time()))
                             + timedelta(hours=12)):  # fmt: skip
        assert end_due_measures_task.apply().get() == 0
        assert Notice.objects.get(pk=nid).status == "declaration_forwarded"
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(wait_until, timezone.datetime.min.time()))
                             + timedelta(days=1, hours=9)):  # fmt: skip
        assert end_due_measures_task.apply().get() == 1
        assert end_due_measures_task.apply().get() == 0  # idempotent
    assert Notice.objects.get(pk=nid).status == "ended"
    assert_problem(post_json(holder, f"{API}/{nid}/withdraw"), 409, "invalid_transition")  # nothing left to withdraw
    assert _kinds(people["member"])[-1] == "notices.notice.ended"
    assert _kinds(people["holder"])[-1] == "notices.notice.ended"
    entries = AuditEntry.objects.filter(object_type="notices.notice").order_by("seq")
    actions = list(entries.values_list("action", "after"))
    assert [a for a, _ in actions] == [
        "notices.notice.file", "notices.notice.measure", "notices.notice.declaration", "notices.notice.end",
    ]  # fmt: skip
    assert actions[-1][1]["status"] == "ended"
    assert all("王小明" not in str(after) and "13800138000" not in str(after) for _, after in actions)
    assert "zilu.notices.tasks.end_due_measures_task" in SCHEDULE

    # Counts only, for everyone.
    stats = post_json(client(people["bystander"]), "/api/v1/notices/stats")  # POST is not a route
    assert stats.status_code == 405
    counts = client(people["bystander"]).get("/api/v1/notices/stats").json()
    assert counts["filed"] == 1 and counts["measures_ended"] == 1 and counts["declarations"] == 1


def test_a_complaint_within_the_period_keeps_the_measures(people):
    holder, member = client(people["holder"]), client(people["member"])
    nid = filed(holder)["id"]
    post_json(member, f"{API}/{nid}/measure", {"measure": "disconnect"})
    member.post(f"{API}/{nid}/declaration", declaration_form())
    complained = holder.post(
        f"{API}/{nid}/action",
        {"action": "suit", "authority": "北京互联网法院", "reference": "（2026）京0491民初1号", "proof": [png()]},
    )
    assert complained.status_code == 200, complained.content
    assert complained.json()["status"] == "action_notified"
    assert _kinds(people["member"])[-1] == "notices.notice.action"
    wait_until = Notice.objects.get(pk=nid).wait_until
    with time_machine.travel(timezone.make_aware(timezone.datetime.combine(wait_until, timezone.datetime.min.time()))
                             + timedelta(days=3)):  # fmt: skip
        assert end_due_measures_task.apply().get() == 0
    assert Notice.objects.get(pk=nid).status == "action_notified"


def test_the_same_notice_is_refused_when_the_location_is_not_the_members_site(people):
    holder = client(people["holder"])
    files = StoredFile.objects.count()
    # on the other member's site
    refused = file_notice(holder, location="https://shop.example.net/item/9")
    body = assert_problem(refused, 422)
    assert [e["field"] for e in body["errors"]] == ["location"]
    # on no registered site at all
    assert [e["field"] for e in file_notice(holder, location="https://elsewhere.example.org/v/1").json()["errors"]] \
        == ["location"]  # fmt: skip
    assert Notice.objects.count() == 0 and StoredFile.objects.count() == files  # nothing stored, no file left
    assert filed(holder, location=LOCATION)["status"] == "with_member"  # the same notice on the member's own site


def test_repeat_infringers_are_counted_per_member(people, settings):
    holder, member = client(people["holder"]), client(people["member"])
    for n in range(3):
        nid = filed(holder, location=f"https://video.example.com.cn/v/{n}")["id"]
        post_json(member, f"{API}/{nid}/measure", {"measure": "delete", "user_ref": " UID-1 " if n < 2 else "uid-2"})
    figures = member.get(f"{API}/members/{people['member'].member_id}/figures").json()
    assert figures["repeat"] == [{"user": "uid-1", "notices": 2}] and figures["repeat_infringers"] == 1
    assert figures["received"] == 3 and figures["measures_taken"] == 3
    assert client(people["staff"]).get(f"{API}/members/{people['member'].member_id}/figures").status_code == 200
    other = client(people["other_member"]).get(f"{API}/members/{people['member'].member_id}/figures")
    assert_problem(other, 403)
    assert "uid-1" not in holder.get(API).content.decode()  # the sender never sees the member's users


def test_the_member_may_take_no_measure_and_say_why(people):
    holder, member = client(people["holder"]), client(people["member"])
    nid = filed(holder)["id"]
    assert_problem(post_json(member, f"{API}/{nid}/decline", {"reason": ""}), 422)
    declined = post_json(member, f"{API}/{nid}/decline", {"reason": "通知未附权属证明原件，无法判断。"})
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert holder.get(f"{API}/{nid}").json()["declined_reason"] == "通知未附权属证明原件，无法判断。"
    # an illegal step answers 409 and changes nothing
    entries = AuditEntry.objects.count()
    assert_problem(post_json(member, f"{API}/{nid}/measure", {"measure": "delete"}), 409, "invalid_transition")
    assert AuditEntry.objects.count() == entries


def test_the_pages_walk_the_same_procedure(people):
    holder, member = client(people["holder"]), client(people["member"])
    form = holder.get("/notices/new?member=CP-2026-0001")
    assert form.status_code == 200 and 'value="CP-2026-0001"' in form.content.decode()
    from tests.notices.helpers import notice_form, pdf

    sent = holder.post("/notices/new", {**notice_form(), "accept_liability": "on", "proof": [pdf()]})
    notice = Notice.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/notices/{notice.pk}/"
    page = member.get(f"/notices/{notice.pk}/").content.decode()
    assert "王小明" in page and HOLDER_ID not in page and people["holder"].username not in page
    data = {"measure-measure": "block", "measure-forwarding": "published", "measure-user_ref": "u-1"}
    step = member.post(f"/notices/{notice.pk}/measure", data)
    assert step.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.measure, notice.forwarding) == ("measure_taken", "block", "published")
    withdrawn = holder.post(f"/notices/{notice.pk}/withdraw", {"withdraw-reason": "已与对方和解。"})
    assert withdrawn.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "withdrawn"
    assert holder.get("/notices/statistics/").status_code == 200
    # an invalid page submission keeps the notice form with the errors named on their fields
    again = holder.post("/notices/new", {**notice_form(location="https://shop.example.net/x"), "proof": [pdf()]})
    assert again.status_code == 200 and again.context["form"].errors.get("location")
