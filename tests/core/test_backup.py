"""``zilu backup`` / ``zilu restore`` through the command line: a backup restored into a fresh database gives back
the same rows, uploaded bytes, signing key and audit head; a damaged archive, a database with data and a head that
is not in the restored chain are refused. Runs on SQLite and on PostgreSQL (whichever ZILU_DATABASE_URL names)."""

from __future__ import annotations

import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tests.conftest import IN_CI
from tests.factories import MemberFactory, SiteFactory
from tests.reports.helpers import PNG, png, submit_ok
from zilu.banks.sync import public_key_info
from zilu.cli import main
from zilu.core import audit
from zilu.core.models import StoredFile

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed rows from its own connection
# The restored installation's cache, when Redis runs here (a database number of its own).
REDIS_URL = os.environ.get("ZILU_TEST_BACKUP_REDIS_URL", "redis://127.0.0.1:6379/14")

# What must come back identical: (table, ordered query) of the rows a restore is checked on.
CHECKED = {
    "accounts": "SELECT id, username, role, password FROM core_user ORDER BY id",
    "members": "SELECT id, name, uscc, status FROM members_member ORDER BY id",
    "reports": "SELECT id, category, target, description, member_id, lookup_hash FROM reports_report ORDER BY id",
    "files": "SELECT id, storage_name, sha256, size, owner_id FROM core_storedfile ORDER BY storage_name",
    "audit": "SELECT seq, action, prev_hash, hash FROM core_auditentry ORDER BY seq",
}


@pytest.fixture
def data(settings, tmp_path):
    """A member with a site, a report about it with an uploaded screenshot, a supervisor account (audit entries),
    and the banks signing key in a file of its own."""
    settings.ZILU_BANKS_SIGNING_KEY = str(tmp_path / "keys" / "banks-signing-key.pem")
    public_key_info()  # made on first use
    member = MemberFactory()
    SiteFactory(member=member, domains=["shop.example.com.cn"])
    receipt = submit_ok(Client(), files=[png("截图.png")])
    call_command("supervisors", "add", "dept-li", "--name", "李处长", stdout=io.StringIO())
    assert StoredFile.objects.count() == 1 and audit.head().seq >= 2
    return receipt


@pytest.fixture
def fresh_db(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the same kind as the test database; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'zilu.sqlite3'}"
        return
    import psycopg

    params = connection.settings_dict
    server = {"host": params["HOST"] or "127.0.0.1", "port": params["PORT"] or 5432, "user": params["USER"]}
    name = f"deploy_restore_{secrets.token_hex(4)}"
    with psycopg.connect(dbname="postgres", password=params["PASSWORD"] or None, autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = quote(params["USER"]) + (f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else "")
    try:
        yield f"postgresql://{auth}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", password=params["PASSWORD"] or None, autocommit=True, **server) as a:
            a.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_or_skip_part():
    """A client of the test Redis database, or None when Redis is not running here (an error in CI)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        if IN_CI:
            pytest.fail(f"Redis is not reachable at {REDIS_URL} in CI")
        return None
    client.delete("zilu:1:stale-lookup", "zilu-backup-test-queue")
    return client


def restored_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """A second installation on this machine: its own database, var folder, media root and key path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZILU_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        {
            "ZILU_VAR_DIR": str(tmp_path / "restored" / "var"),
            "ZILU_DATABASE_URL": database_url,
            "ZILU_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
            "ZILU_BANKS_SIGNING_KEY": str(tmp_path / "restored" / "keys" / "banks.pem"),
            "ZILU_SHARED_DIR": str(tmp_path / "no-shared"),
        }
    )
    return env


def zilu(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zilu", *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def rows_here() -> dict[str, list[tuple]]:
    with connection.cursor() as cursor:
        result = {}
        for key, sql in CHECKED.items():
            cursor.execute(sql)
            result[key] = [tuple(row) for row in cursor.fetchall()]
        return result


def rows_in(database_url: str) -> dict[str, list[tuple]]:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            return {key: [tuple(r) for r in db.execute(sql).fetchall()] for key, sql in CHECKED.items()}
        finally:
            db.close()
    import psycopg

    with psycopg.connect(database_url) as db:
        return {key: [tuple(r) for r in db.execute(sql).fetchall()] for key, sql in CHECKED.items()}


def backup(path: Path, *extra: str) -> Path:
    assert main(["backup", "--output", str(path), *extra]) == 0
    return path


def rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of ``archive`` with each member's bytes passed through ``change``."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(out, "w:gz") as target:
        for member in source:
            handle = source.extractfile(member)
            data = change(member.name, handle.read() if handle else b"")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def refusal(capsys, argv: list[str]) -> str:
    """Run ``zilu ARGV`` in this process, expect a refusal, return its one-line message."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code not in (0, None)
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_backup_restored_into_a_fresh_database_gives_back_rows_files_key_and_audit_head(
    data, fresh_db, tmp_path, settings
):
    archive = backup(tmp_path / "zilu.tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data and the signing key
    expected_rows, expected_head = rows_here(), audit.head()
    stored = StoredFile.objects.get()

    env = restored_env(tmp_path, fresh_db)
    redis = redis_or_skip_part()
    if redis is not None:  # the restored installation's cache shares its Redis database with a broker queue
        env["ZILU_CACHE_URL"] = REDIS_URL
        redis.set("zilu:1:stale-lookup", "from the database that was replaced")
        redis.rpush("zilu-backup-test-queue", "a queued task")
    result = zilu(env, "restore", str(archive))
    assert result.returncode == 0, result.stderr
    assert f"audit chain OK: {expected_head.seq} entries, head #{expected_head.seq} {expected_head.hash}" in (
        result.stdout
    )
    assert "(the head recorded in the backup)" in result.stdout

    assert rows_in(fresh_db) == expected_rows
    restored_file = Path(env["ZILU_MEDIA_ROOT"]) / stored.storage_name[:2] / stored.storage_name
    assert restored_file.read_bytes() == PNG
    assert Path(env["ZILU_BANKS_SIGNING_KEY"]).read_bytes() == Path(settings.ZILU_BANKS_SIGNING_KEY).read_bytes()
    head = zilu(env, "audit", "head")
    assert head.stdout.split() == [str(expected_head.seq), expected_head.hash]
    verify = zilu(env, "audit", "verify", "--head", expected_head.hash)
    assert verify.returncode == 0 and "audit chain OK" in verify.stdout
    if redis is not None:
        assert redis.get("zilu:1:stale-lookup") is None  # Zilu's cached values are forgotten...
        assert redis.lrange("zilu-backup-test-queue", 0, -1) == [b"a queued task"]  # ...nothing else is
        redis.delete("zilu-backup-test-queue")


def test_a_damaged_or_altered_archive_is_refused_before_anything_changes(data, tmp_path, capsys):
    archive = backup(tmp_path / "zilu.tar.gz")
    before = rows_here()

    def flip(name: str, content: bytes) -> bytes:
        return content[:-1] + bytes([content[-1] ^ 1]) if name.startswith("media/") else content

    altered = rewrite(archive, tmp_path / "altered.tar.gz", flip)
    message = refusal(capsys, ["restore", str(altered), "--force"])
    assert "is damaged or altered: media/" in message and "does not match its checksum" in message

    def drop_key(name: str, content: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(content)
            del manifest["files"]["keys/banks-signing-key.pem"]
            return json.dumps(manifest).encode()
        return content

    unlisted = rewrite(archive, tmp_path / "unlisted.tar.gz", drop_key)
    assert "keys/banks-signing-key.pem is not listed in the manifest" in refusal(capsys, ["restore", str(unlisted)])

    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    assert "is not a readable backup archive" in refusal(capsys, ["restore", str(garbage)])
    assert rows_here() == before


def test_restore_into_a_database_that_has_data_needs_force(data, tmp_path, capsys):
    archive = backup(tmp_path / "zilu.tar.gz")
    message = refusal(capsys, ["restore", str(archive)])
    assert "already has data" in message and "--force" in message


def test_backup_does_not_overwrite_an_existing_file_unless_forced(data, tmp_path, capsys):
    archive = backup(tmp_path / "zilu.tar.gz")
    first = archive.read_bytes()
    assert "already exists" in refusal(capsys, ["backup", "--output", str(archive)])
    assert archive.read_bytes() == first
    backup(archive, "--force")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["format"] == "zilu-backup/1"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["audit_head"] == {"seq": audit.head().seq, "hash": audit.head().hash}
    assert sorted(manifest["files"]) == sorted(tar_names(archive, exclude="manifest.json"))


def tar_names(archive: Path, exclude: str) -> list[str]:
    with tarfile.open(archive) as tar:
        return [name for name in tar.getnames() if name != exclude]


def test_restore_fails_when_the_recorded_head_is_not_in_the_restored_chain(data, fresh_db, tmp_path):
    archive = backup(tmp_path / "zilu.tar.gz")

    def other_head(name: str, content: bytes) -> bytes:
        if name == "manifest.json":
            manifest = json.loads(content)
            manifest["audit_head"]["hash"] = "f" * 64
            return json.dumps(manifest).encode()
        return content

    result = zilu(restored_env(tmp_path, fresh_db), "restore", str(rewrite(archive, tmp_path / "h.tar.gz", other_head)))
    assert result.returncode != 0
    assert "audit chain BROKEN (head)" in result.stderr


def test_a_postgresql_restore_that_fails_leaves_the_database_as_it_was(data, fresh_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the one-transaction replacement is PostgreSQL's")
    archive = backup(tmp_path / "zilu.tar.gz")
    env = restored_env(tmp_path, fresh_db)
    assert zilu(env, "restore", str(archive)).returncode == 0
    before = rows_in(fresh_db)

    def cut_dump(name: str, content: bytes) -> bytes:
        return content[: len(content) // 2] if name == "database.pgdump" else content

    cut = rewrite(archive, tmp_path / "cut.tar.gz", cut_dump)
    with tarfile.open(cut) as tar:  # checksums that match the cut dump: only pg_restore can notice
        dump = tar.extractfile("database.pgdump").read()
    fixed = rewrite(cut, tmp_path / "cut-fixed.tar.gz", lambda name, content: fix_manifest(name, content, dump))

    result = zilu(env, "restore", str(fixed), "--force")
    assert result.returncode != 0
    assert "the database restore failed and was rolled back" in result.stderr
    assert rows_in(fresh_db) == before


def fix_manifest(name: str, content: bytes, dump: bytes) -> bytes:
    if name != "manifest.json":
        return content
    import hashlib

    manifest = json.loads(content)
    manifest["files"]["database.pgdump"] = hashlib.sha256(dump).hexdigest()
    return json.dumps(manifest).encode()


def test_missing_postgresql_client_is_named(data, tmp_path, capsys, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump is used only on PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    message = refusal(capsys, ["backup", "--output", str(tmp_path / "zilu.tar.gz")])
    assert "pg_dump was not found on PATH" in message
    assert not (tmp_path / "zilu.tar.gz").exists()
