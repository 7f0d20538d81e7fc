"""A private ClamAV daemon for the tests: a temporary config, a signature database built here (the EICAR test file
and a hash signature of a sample file), a temporary unix socket; no freshclam, no network.

Skips with the reason when clamd is not installed, except in CI (``CI`` set), where it must be (.ci/run installs
Debian's clamav-daemon)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.screening.filesamples import HASH_BANK_SAMPLE, eicar
from zilu.screening.clamd import Clamd, ClamdError

EICAR_SIGNATURE = "Zilu.Test.EICAR"
SAMPLE_SIGNATURE = "Zilu.Test.HashSample"


def _clamd_binary() -> str | None:
    return shutil.which("clamd") or next((p for p in ("/usr/sbin/clamd",) if Path(p).exists()), None)


def _hdb_line(data: bytes, name: str) -> str:
    return f"{hashlib.md5(data).hexdigest()}:{len(data)}:{name}\n"


@pytest.fixture(scope="module")
def clamd_socket() -> Iterator[str]:
    """The socket path of a clamd started for this module, stopped afterwards."""
    binary = _clamd_binary()
    if binary is None:
        if IN_CI:
            pytest.fail("clamd is not installed in CI (apt-get install clamav-daemon)")
        pytest.skip("clamd not installed (apt-get install clamav-daemon) - the ClamAV path is not tested here")
    # unix socket paths are limited to about 100 bytes: a short folder under /tmp
    folder = Path(tempfile.mkdtemp(prefix="zclam", dir="/tmp"))
    database = folder / "db"
    database.mkdir()
    (database / "zilu-test.hdb").write_text(
        _hdb_line(eicar(), EICAR_SIGNATURE) + _hdb_line(HASH_BANK_SAMPLE, SAMPLE_SIGNATURE), encoding="ascii"
    )
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                f"LocalSocket {socket_path}",
                f"DatabaseDirectory {database}",
                f"TemporaryDirectory {folder}",
                f"LogFile {folder / 'clamd.log'}",
                "Foreground yes",
                "Bytecode no",
                "StreamMaxLength 40M",
                "MaxThreads 2",
                "",
            ]
        ),
        encoding="ascii",
    )
    process = subprocess.Popen(
        [binary, "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    client = Clamd(str(socket_path), timeout=5)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log = (folder / "clamd.log").read_text(errors="replace") if (folder / "clamd.log").exists() else ""
                error = process.stderr.read().decode(errors="replace") if process.stderr else ""
                pytest.fail(f"clamd exited with {process.returncode}: {error[-2000:]} {log[-2000:]}")
            try:
                if socket_path.exists() and client.ping():
                    break
            except ClamdError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("clamd did not start within 60 s")
            time.sleep(0.2)
        yield str(socket_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
