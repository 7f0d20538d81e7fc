"""The audit chain: every kind of tampering is found, on SQLite and on PostgreSQL (where a trigger also refuses
UPDATE and DELETE)."""

from __future__ import annotations

import contextlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from tests.factories import UserFactory
from zilu.core import audit
from zilu.core.models import AuditEntry
from zilu.core.roles import Role

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEntry]:
    actor = UserFactory(role=Role.STAFF)
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(audit.record(actor, "test.thing", after={"i": i, "name": f"第{i}条", "ok": True}))
    return entries


@contextlib.contextmanager
def tampering():
    """Let the test rewrite history the way a database administrator could: on PostgreSQL that means switching
    the append-only trigger off for this transaction (superuser only)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit.record(None, "test.thing")


def test_intact_chain_verifies_and_links():
    entries = _write(5)
    result = audit.verify_chain()
    assert result.ok and result.checked == 5
    assert entries[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert result.head.hash == entries[-1].hash == audit.head().hash
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]


def test_entry_records_actor_role_and_values():
    actor = UserFactory(role=Role.SUPERVISOR)
    with transaction.atomic():
        entry = audit.record(actor, "test.thing", actor, before={"a": 1}, after={"a": 2})
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_label, entry.role) == (actor.pk, actor.username, "supervisor")
    assert (entry.object_type, entry.object_id) == ("core.user", str(actor.pk))
    assert entry.before == {"a": 1} and entry.after == {"a": 2}
    assert audit.entry_hash(entry) == entry.hash  # reproducible from what the database gives back


def test_changed_entry_is_found():
    _write(4)
    with tampering():
        AuditEntry.objects.filter(seq=2).update(after={"i": 99, "name": "篡改", "ok": True})
    result = audit.verify_chain()
    assert not result.ok
    assert (result.seq, result.problem) == (2, "changed")


def test_deleted_entry_is_found():
    _write(4)
    with tampering():
        AuditEntry.objects.filter(seq=2).delete()
    result = audit.verify_chain()
    assert not result.ok
    assert result.seq == 3 and result.problem in {"deleted", "broken"}


def test_deleted_and_renumbered_entries_are_found():
    _write(4)
    with tampering():
        AuditEntry.objects.filter(seq=2).delete()
        for seq in (3, 4):
            AuditEntry.objects.filter(seq=seq).update(seq=seq - 1)
    result = audit.verify_chain()
    assert not result.ok and result.seq == 2 and result.problem == "broken"


def test_inserted_entry_is_found():
    entries = _write(4)
    with tampering():
        # Make room after #1 and insert a forged entry whose own hash is right and which links to #1.
        for seq in (4, 3, 2):
            AuditEntry.objects.filter(seq=seq).update(seq=seq + 1)
        forged = AuditEntry(
            seq=2,
            created_at=entries[1].created_at,
            actor_id=None,
            actor_label="intruder",
            role="staff",
            action="test.forged",
            prev_hash=entries[0].hash,
        )
        forged.hash = audit.entry_hash(forged)
        forged.save(force_insert=True)
    result = audit.verify_chain()
    assert not result.ok
    assert (result.seq, result.problem) == (3, "inserted")
    assert "#2" in result.detail


def test_reordered_entries_are_found():
    _write(4)
    with tampering():
        AuditEntry.objects.filter(seq=2).update(seq=100)
        AuditEntry.objects.filter(seq=3).update(seq=2)
        AuditEntry.objects.filter(seq=100).update(seq=3)
    result = audit.verify_chain()
    assert not result.ok and result.seq == 2 and result.problem == "broken"


def test_noted_head_must_stay_in_the_chain():
    entries = _write(3)
    noted = entries[1].hash
    _write(2)
    assert audit.verify_chain(noted).ok
    assert audit.verify_chain("f" * 64).problem == "head"


def test_truncated_history_fails_against_a_noted_head():
    entries = _write(3)
    noted = entries[-1].hash
    with tampering():
        AuditEntry.objects.filter(seq=3).delete()
    result = audit.verify_chain(noted)
    assert not result.ok and result.problem == "head"


def test_cli_verify_reports_ok_and_broken(capsys):
    _write(3)
    call_command("audit", "verify")
    assert "audit chain OK: 3 entries" in capsys.readouterr().out
    with tampering():
        AuditEntry.objects.filter(seq=1).update(action="test.other")
    with pytest.raises(CommandError, match=r"BROKEN \(changed\): entry #1"):
        call_command("audit", "verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only")
@pytest.mark.parametrize("statement", ["update", "delete"])
def test_postgresql_trigger_refuses_update_and_delete(statement):
    _write(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        if statement == "update":
            AuditEntry.objects.filter(seq=1).update(action="test.rewritten")
        else:
            AuditEntry.objects.filter(seq=1).delete()
    assert AuditEntry.objects.get(seq=1).action == "test.thing"
    assert audit.verify_chain().ok


def test_public_head_page_and_api_show_the_head(client):
    entries = _write(2)
    api = client.get("/api/v1/audit/head").json()
    assert api["seq"] == 2 and api["hash"] == entries[-1].hash
    page = client.get("/transparency/audit-head")
    assert entries[-1].hash in page.content.decode()
