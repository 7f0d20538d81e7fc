"""``zilu screen``: the JSON Lines contract, through a real subprocess and in-process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zilu.cli import build_parser
from zilu.screening import cli


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path):
    return {
        "terms": write(tmp_path / "terms.txt", "冰毒 1,4\n大麻 1\n"),
        "allow": write(tmp_path / "allow.txt", "大麻烦\n"),
        "domains": write(tmp_path / "domains.txt", "evil.cn\n"),
        "policy": write(tmp_path / "policy.json", json.dumps({"labels": {"drugs": "block"}, "mask": ["drugs"]})),
        "bank": write(
            tmp_path / "bank.json",
            json.dumps(
                {
                    "format": "zilu-bank/1",
                    "kind": "terms",
                    "version": 2,
                    "entries": [{"term": "枪支", "labels": ["illegal"], "severity": 3}],
                }
            ),
        ),
    }


INPUT = (
    '{"id": 1, "text": "出售冰 毒"}\n'
    '{"id": "b", "text": "你好", "title": "大麻烦"}\n'
    "not json\n"
    "\n"
    '{"id": 3}\n'
    '{"id": 4, "text": "买枪支 上 evil.cn"}\n'
    "[1, 2]\n"
    '{"id": 6, "text": "x", "title": 5}\n'
)


def check_output(lines: list[dict]) -> None:
    assert [line["id"] for line in lines] == [1, "b", None, 3, 4, None, 6]
    assert lines[0]["suggestion"] == "block" and lines[0]["labels"] == ["drugs", "illegal"]
    assert lines[0]["hits"][0]["text"] == "冰 毒" and lines[0]["masked_text"] == "出售***"
    assert lines[1]["suggestion"] == "pass" and lines[1]["masked_title"] == "大麻烦"
    assert lines[2] == {
        "id": None,
        "line": 3,
        "error": {"code": "invalid_json", "message": lines[2]["error"]["message"]},
    }
    assert lines[3]["error"]["code"] == "invalid_record" and lines[3]["line"] == 5
    assert lines[4]["labels"] == ["illegal", "link.blocked"]
    assert lines[5]["error"]["code"] == "invalid_record"
    assert lines[6]["error"]["code"] == "invalid_record" and "title" in lines[6]["error"]["message"]


def test_subprocess_contract(tmp_path, files):
    source = write(tmp_path / "in.jsonl", INPUT)
    env = {**os.environ, "ZILU_SCREENING_CACHE": "off", "DJANGO_SETTINGS_MODULE": "nonexistent.settings"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "zilu",
            "screen",
            "--terms",
            str(files["terms"]),
            "--label-map",
            "houbb",
            "--allow",
            str(files["allow"]),
            "--domains",
            str(files["domains"]),
            "--bank",
            str(files["bank"]),
            "--policy",
            str(files["policy"]),
            str(source),
        ],
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""  # no progress bar when stderr is not a terminal
    check_output([json.loads(line) for line in result.stdout.decode("utf-8").splitlines()])


def run_in_process(monkeypatch, argv: list[str], data: bytes) -> tuple[int, bytes, str]:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    code = cli.main(argv)
    return code, stdout.buffer.getvalue(), stderr.getvalue()


def test_in_process_from_stdin(monkeypatch, files):
    argv = [
        "--terms",
        str(files["terms"]),
        "--label-map",
        "houbb",
        "--allow",
        str(files["allow"]),
        "--domains",
        str(files["domains"]),
        "--bank",
        str(files["bank"]),
        "--policy",
        str(files["policy"]),
        "-",
    ]
    code, out, err = run_in_process(monkeypatch, argv, INPUT.encode())
    assert code == 0 and err == ""
    check_output([json.loads(line) for line in out.decode().splitlines()])


def test_progress_when_asked(monkeypatch, files):
    code, _out, err = run_in_process(
        monkeypatch, ["--terms", str(files["terms"]), "--progress"], b'{"id":1,"text":"a"}\n'
    )
    assert code == 0 and "screened 1 posts" in err


def test_oversized_and_odd_input(monkeypatch, tmp_path):
    policy = write(tmp_path / "p.toml", "max_chars = 5\n")
    data = b'{"id":1,"text":"123456"}\n{"id":2,"text":"12345"}\n' + b'{"id":3,"text":"\xff"}\n'
    data += b'{"id":4,"text":"\\ud800 lone"}\n'
    _code, out, _ = run_in_process(monkeypatch, ["--policy", str(policy)], data)
    lines = [json.loads(line) for line in out.decode().splitlines()]
    assert [line.get("error", {}).get("code") for line in lines] == ["too_large", None, "invalid_utf8", "too_large"]
    _, out, _ = run_in_process(monkeypatch, [], b'{"id":4,"text":"\\ud800 x"}\n')
    assert json.loads(out)["id"] == 4  # a lone surrogate is escaped in the output, still valid JSON


def test_bad_banks_and_policies_exit_2(monkeypatch, tmp_path):
    code, _, err = run_in_process(monkeypatch, ["--terms", str(tmp_path / "missing.txt")], b"")
    assert code == 2 and err.startswith("zilu screen:")
    code, _, err = run_in_process(monkeypatch, ["--policy", str(write(tmp_path / "p.json", '{"x": 1}'))], b"")
    assert code == 2 and "unknown policy keys" in err
    code, _, err = run_in_process(monkeypatch, [str(tmp_path / "nope.jsonl")], b"")
    assert code == 2


def test_output_file_and_help(monkeypatch, tmp_path):
    out = tmp_path / "out.jsonl"
    code, stdout, _ = run_in_process(monkeypatch, ["-o", str(out)], b'{"id":"x","text":"hi"}\n')
    assert code == 0 and stdout == b""
    assert json.loads(out.read_text()) == {"id": "x", "suggestion": "pass", "labels": [], "hits": []}
    assert "screen" in build_parser().format_help()


def test_a_leading_byte_order_mark_does_not_lose_the_first_record(monkeypatch, tmp_path, files):
    """Windows editors start UTF-8 files with a BOM; the first line is still a record (it was an invalid_json)."""
    policy = tmp_path / "bom-policy.json"
    policy.write_bytes(b"\xef\xbb\xbf" + json.dumps({"labels": {"drugs": "block"}}).encode())
    data = b"\xef\xbb\xbf" + '{"id": 1, "text": "出售冰毒"}\n{"id": 2, "text": "\\ufeff冰毒"}\n'.encode()
    argv = ["--terms", str(files["terms"]), "--label-map", "houbb", "--policy", str(policy), "-"]
    code, out, _ = run_in_process(monkeypatch, argv, data)
    lines = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert code == 0
    assert [line["id"] for line in lines] == [1, 2]
    assert [line["suggestion"] for line in lines] == ["block", "block"]


def test_hits_are_capped_but_the_verdict_counts_them_all():
    from zilu.screening import Banks, Policy, Screener, Term

    screener = Screener(Banks(terms=[Term("冰毒", ("drugs",), 1)]), Policy(labels={"drugs": "block"}, max_hits=50))
    verdict = screener.screen("冰毒，" * 5000)
    assert verdict.truncated and len(verdict.hits) == 50
    assert verdict.suggestion == "block" and verdict.to_dict()["truncated"] is True
    assert [hit.start for hit in verdict.hits] == [3 * i for i in range(50)]  # the first ones, in text order
    small = screener.screen("冰毒" + "好" * 10)
    assert not small.truncated and "truncated" not in small.to_dict()
    with pytest.raises(Exception, match="max_hits"):
        Policy(max_hits=0)
    assert Policy.from_dict(Policy(max_hits=7).to_dict()).max_hits == 7
