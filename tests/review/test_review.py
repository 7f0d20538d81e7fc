"""The review queue through HTTP: submit (pass, block, review; idempotent), claim with a lease, decide, the signed
webhook to a receiver on loopback (retried after a first failure), polling, statistics and who sees what."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tests.helpers import assert_problem
from zilu.banks.actions import do_contribute
from zilu.core.models import AuditEntry
from zilu.core.roles import Role
from zilu.core.system import SystemActor
from zilu.review.models import Decision, Delivery, ReviewItem
from zilu.review.webhooks import retry_due, verify_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def banks(db):
    staff = SystemActor("cli:tests")
    do_contribute(staff, "terms", {"term": "冰毒", "labels": ["drugs"], "severity": 3}, reason="drug")
    do_contribute(staff, "terms", {"term": "代开发票", "labels": ["fraud"], "severity": 2}, reason="fraud ads")


class Receiver:
    """A webhook receiver on loopback that answers with the next status of ``codes`` (then 200)."""

    def __init__(self, codes: list[int]):
        self.codes = list(codes)
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.codes.pop(0) if receiver.codes else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(codes):
        made.append(Receiver(codes))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _submit(client, external_id, text, title=""):
    return client.post(
        "/api/v1/review/items",
        {"external_id": external_id, "text": text, "title": title, "author_ref": "u-1", "url": "https://a.cn/p/1"},
        content_type="application/json",
    )


def test_submit_pass_block_and_review_idempotently(key_for, banks):
    system = key_for("member")
    passed = _submit(system, "p-1", "今天天气很好")
    assert passed.status_code == 201 and passed.json()["status"] == "publishable" and passed.json()["publishable"]
    refused = _submit(system, "p-2", "出售冰毒")
    assert refused.json()["status"] == "refused" and refused.json()["labels"] == ["drugs"]
    assert refused.json()["hits"][0]["entry"] == "冰毒"
    held = _submit(system, "p-3", "可以代开发票")
    assert held.json()["status"] == "held" and not held.json()["publishable"]
    again = _submit(system, "p-3", "可以代开发票")
    assert again.status_code == 200 and again.json()["status"] == "held"
    assert ReviewItem.objects.count() == 3
    assert_problem(_submit(system, "p-3", "别的内容"), 409, "duplicate")
    assert_problem(_submit(system, "", "x"), 422, "validation_error")
    # The same external id of another member is another item.
    assert _submit(key_for("other_member"), "p-3", "可以代开发票").status_code == 201


def test_held_item_is_claimed_decided_and_delivered_by_webhook_with_a_retry(
    key_for, client_for, users, banks, receiver, django_capture_on_commit_callbacks
):
    hook = receiver([500])  # the first delivery fails
    system = key_for("member")
    reviewer = client_for("member")
    secret = reviewer.put("/api/v1/review/webhook", {"url": hook.url}, content_type="application/json").json()["secret"]
    _submit(system, "post-9", "标题党：可以代开发票，联系我", title="好消息")
    item = ReviewItem.objects.get(external_id="post-9")

    page = reviewer.get(f"/review/items/{item.pk}/")
    assert "<mark" in page.content.decode() and "代开发票</mark>" in page.content.decode()
    queue = reviewer.get("/review/queue/")
    assert "post-9" in queue.content.decode()

    # Deciding without a claim is refused; the claim comes from "claim the oldest".
    response = reviewer.post(
        f"/review/items/{item.pk}/decide",
        {"decision": "reject", "policy_label": "fraud", "rationale": "invoice fraud"},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert reviewer.post("/review/claim-next")["Location"] == f"/review/items/{item.pk}/"
    assert_problem(
        system.post(
            f"/api/v1/review/queue/{item.pk}/decide",
            {"decision": "reject", "policy_label": "", "rationale": ""},
            content_type="application/json",
        ),
        422,
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            f"/review/items/{item.pk}/decide",
            {"decision": "reject", "policy_label": "fraud", "rationale": "invoice fraud"},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "rejected" and item.claimed_by is None
    decision = Decision.objects.get(item=item)
    assert (decision.decision, decision.policy_label, decision.reviewer) == ("reject", "fraud", users["member"])

    delivery = Delivery.objects.get(item=item)
    assert (delivery.status, delivery.attempts) == ("pending", 1)  # the receiver answered 500
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=20)  # backoff
    assert retry_due() == 0  # not due yet
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert retry_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [a.status_code for a in delivery.log.all()] == [500, 200]

    assert len(hook.requests) == 2
    headers, body = hook.requests[-1]
    assert verify_signature(secret, headers["X-Zilu-Signature"], body)
    assert not verify_signature("wrong", headers["X-Zilu-Signature"], body)
    payload = json.loads(body)
    assert payload["event"] == "review.decided" and payload["external_id"] == "post-9"
    assert payload["decision"]["decision"] == "reject" and payload["decision"]["rationale"] == "invoice fraud"
    assert headers["X-Zilu-Delivery"] == str(delivery.pk)

    polled = system.get("/api/v1/review/items/post-9").json()
    assert polled["status"] == "rejected" and polled["decision"]["policy_label"] == "fraud"
    log = reviewer.get("/api/v1/review/deliveries").json()
    assert log[0]["status"] == "delivered" and log[0]["attempts"] == 2
    assert AuditEntry.objects.filter(action="review.item.reject", object_id=str(item.pk)).count() == 1


def test_claims_are_exclusive_and_expire(client_for, key_for, users, banks, settings):
    _submit(key_for("member"), "a", "可以代开发票")
    item = ReviewItem.objects.get(external_id="a")
    colleague = UserFactory(role=Role.MEMBER, member=users["member"].member)
    first, second = client_for("member"), client_for("member")
    second.force_login(colleague)
    assert first.post(f"/api/v1/review/queue/{item.pk}/claim").status_code == 200
    assert_problem(second.post(f"/api/v1/review/queue/{item.pk}/claim"), 409, "invalid_transition")
    assert_problem(second.post("/api/v1/review/queue/claim"), 404)  # nothing else unclaimed
    ReviewItem.objects.filter(pk=item.pk).update(claim_expires_at=timezone.now() - timedelta(seconds=1))
    claimed = second.post("/api/v1/review/queue/claim").json()
    assert claimed["id"] == item.pk and claimed["claimed_by"] == colleague.username
    decided = second.post(
        f"/api/v1/review/queue/{item.pk}/decide",
        {"decision": "escalate", "policy_label": "fraud?", "rationale": "unsure"},
        content_type="application/json",
    )
    assert decided.json()["status"] == "escalated"
    # An escalated item is back in the queue for another decision; it cannot be escalated twice.
    first.post(f"/api/v1/review/queue/{item.pk}/claim")
    again = first.post(
        f"/api/v1/review/queue/{item.pk}/decide",
        {"decision": "escalate", "policy_label": "x", "rationale": "y"},
        content_type="application/json",
    )
    assert_problem(again, 409, "invalid_transition")
    approved = first.post(
        f"/api/v1/review/queue/{item.pk}/decide",
        {"decision": "approve", "policy_label": "ok", "rationale": "legal invoice service"},
        content_type="application/json",
    )
    assert approved.json()["status"] == "approved" and approved.json()["publishable"]
    assert ReviewItem.objects.get(pk=item.pk).published_at is not None


def test_reviewers_cannot_see_or_claim_another_members_items(client_for, key_for, banks):
    _submit(key_for("member"), "mine", "可以代开发票")
    item = ReviewItem.objects.get(external_id="mine")
    other = client_for("other_member")
    assert other.get(f"/review/items/{item.pk}/").status_code == 404
    assert "mine" not in other.get("/review/queue/").content.decode()
    assert_problem(other.post(f"/api/v1/review/queue/{item.pk}/claim"), 404, "not_found")
    assert_problem(other.post("/api/v1/review/queue/claim"), 404, "not_found")
    assert_problem(key_for("other_member").get("/api/v1/review/items/mine"), 404, "not_found")
    assert other.get("/api/v1/review/queue").json() == []
    page = other.post(f"/review/items/{item.pk}/claim", follow=True)
    assert [m.level_tag for m in page.context["messages"]] == ["error"]
    item.refresh_from_db()
    assert item.claimed_by is None
    for role in ("staff", "supervisor", "public"):
        assert client_for(role).get("/review/queue/").status_code == 403
        assert_problem(
            client_for(role).post(
                "/api/v1/review/items", {"external_id": "x", "text": "y"}, content_type="application/json"
            ),
            403,
        )


def test_dashboard_shows_volumes_decisions_and_a_chart(client_for, key_for, banks):
    system = key_for("member")
    for i, text in enumerate(["好", "出售冰毒", "可以代开发票", "可以代开发票!"]):
        _submit(system, f"s-{i}", text)
    reviewer = client_for("member")
    item = reviewer.post("/api/v1/review/queue/claim").json()
    reviewer.post(
        f"/api/v1/review/queue/{item['id']}/decide",
        {"decision": "approve", "policy_label": "ok", "rationale": "fine"},
        content_type="application/json",
    )
    stats = reviewer.get("/api/v1/review/stats").json()
    assert stats["submitted"] == 4 and stats["by_status"] == {"publishable": 1, "refused": 1, "held": 1, "approved": 1}
    assert stats["decision_mix"] == {"approve": 1} and stats["in_queue"] == 1
    assert stats["median_queue_seconds"] is not None and stats["per_reviewer"][0]["approve"] == 1
    page = reviewer.get("/review/")
    body = page.content.decode()
    assert page.status_code == 200 and "<svg" in body and 'id="submitted">4<' in body
