"""``zilu screen``: JSON Lines in, one JSON verdict per line out (the contract evaluation tools drive).

Input lines are ``{"id": ..., "text": "...", "title": "..."}`` (``title`` optional, ``id`` any JSON value). Each
output line is the verdict with the same ``id`` (with ``clickbait``, the title's score, when the line has a title;
``--rumors`` adds ``rumor`` hits naming the claim, its score and its debunk); a line that cannot be screened gets
``{"id": ..., "line": N, "error": {"code": ..., "message": ...}}`` instead, and screening goes on. Blank lines
are skipped. A progress bar goes to stderr when it is a terminal (never when piped; ``--progress`` forces it).
Exit status: 0 when the input was read to the end, 2 when a bank or policy could not be loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from zilu.screening.banks import HOUBB_LABELS, Banks
from zilu.screening.errors import InputTooLarge, ScreeningError
from zilu.screening.policy import Policy
from zilu.screening.screener import Screener

try:  # optional speed-up: the standard library's json gives the same output
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency, but the engine works without it
    orjson = None  # type: ignore[assignment]

_CHUNK_LINES = 4096


def build_parser() -> argparse.ArgumentParser:
    """The ``zilu screen`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="zilu screen",
        description="Screen JSON Lines posts ({id, text, title}) and print one JSON verdict per line.",
    )
    parser.add_argument("input", nargs="?", default="-", metavar="INPUT|-", help="JSON Lines file (default: stdin)")
    parser.add_argument("--terms", action="append", default=[], metavar="FILE", help="terms: `term label[,label]`")
    parser.add_argument("--allow", action="append", default=[], metavar="FILE", help="allow-list: one word a line")
    parser.add_argument(
        "--domains", action="append", default=[], metavar="FILE", help="blocked domains or URL prefixes, one a line"
    )
    parser.add_argument("--bank", action="append", default=[], metavar="EXPORT", help="a zilu-bank/1 JSON export")
    parser.add_argument(
        "--rumors",
        action="append",
        default=[],
        metavar="CLAIMS.jsonl",
        help='known rumors, JSON Lines {"id", "text", "debunk", "source"}: posts restating one get a "rumor" hit',
    )
    parser.add_argument("--policy", metavar="FILE", help="policy (.json or .toml); default: the built-in policy")
    parser.add_argument(
        "--label-map",
        metavar="houbb|FILE",
        help="rename the labels of --terms files: `houbb` (1 drugs, 2 porn, 3 gambling, 4 illegal) or a JSON object",
    )
    parser.add_argument("--backend", choices=("hyperscan", "ahocorasick"), help="automaton (default: best available)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write verdicts here instead of stdout")
    parser.add_argument(
        "--file",
        action="append",
        default=[],
        metavar="PATH",
        help="screen this file for viruses and destructive programs instead (repeatable; exit 1 if any is blocked)",
    )
    parser.add_argument("--hashes", metavar="FILE", help="with --file: known-bad SHA-256/MD5 digests, `digest [label]`")
    parser.add_argument("--clamd", metavar="SOCKET|HOST:PORT", help="with --file: also scan with this ClamAV daemon")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", dest="progress", action="store_true", default=None, help="always show progress")
    progress.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    return parser


def _label_map(value: str | None) -> dict[str, str] | None:
    if value is None:
        return None
    if value == "houbb":
        return dict(HOUBB_LABELS)
    try:
        data = json.loads(Path(value).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise ScreeningError(f"--label-map {value}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ScreeningError(f"--label-map {value}: expected a JSON object of label -> label")
    return {str(k): v for k, v in data.items()}


def _dumps(obj: dict[str, Any]) -> bytes:
    if orjson is not None:
        try:
            return orjson.dumps(obj) + b"\n"
        except TypeError:  # lone surrogates from the input (orjson refuses them): the escaping path below
            pass
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        return text.encode("utf-8") + b"\n"
    except UnicodeEncodeError:  # lone surrogates from the input: escape them, still valid JSON
        return json.dumps(obj, separators=(",", ":")).encode("ascii") + b"\n"


def _loads(raw: bytes) -> Any:
    """One JSON document; orjson (5-10x faster than the standard library) when it is installed. Both refuse
    invalid UTF-8 with ``UnicodeDecodeError``-compatible errors handled by the caller."""
    if orjson is not None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            if b"\\u" in raw:  # \ud800 escapes: orjson refuses lone surrogates, the standard library keeps them
                return json.loads(raw.decode("utf-8"))
            raise ValueError(str(exc)) from None
    return json.loads(raw.decode("utf-8"))


_PASS = b',"suggestion":"pass","labels":[],"hits":[]}\n'  # a passing verdict without a title, after its id


def _passing(ident: Any, verdict: Any) -> bytes | None:
    """The output line of a verdict with no hits and no clickbait score, built without ``to_dict`` (most posts pass:
    the fast path), or ``None`` when the verdict needs the general one."""
    if verdict.hits or verdict.clickbait is not None or verdict.masked_text is not None:
        return None
    if ident is None or (isinstance(ident, (int, str)) and not isinstance(ident, bool)):
        head = _dumps({"id": ident})
        return head[:-2] + _PASS
    return None


def _error(ident: Any, line: int, code: str, message: str) -> dict[str, Any]:
    return {"id": ident, "line": line, "error": {"code": code, "message": message}}


def _parse(raw: bytes, number: int) -> tuple[Any, tuple[str, str | None] | dict[str, Any]]:
    """``(id, (text, title))`` for a good line, ``(id, error object)`` for a bad one."""
    if number == 1:
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark, as Windows editors write it
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, _error(None, number, "invalid_utf8", f"not UTF-8 at byte {exc.start}")
    try:
        record = _loads(raw)
    except ValueError as exc:
        return None, _error(None, number, "invalid_json", str(exc))
    if not isinstance(record, dict):
        return None, _error(None, number, "invalid_record", "a line must be a JSON object")
    ident = record.get("id")
    text, title = record.get("text"), record.get("title")
    if not isinstance(text, str):
        return ident, _error(ident, number, "invalid_record", '"text" must be a string')
    if title is not None and not isinstance(title, str):
        return ident, _error(ident, number, "invalid_record", '"title" must be a string or null')
    return ident, (text, title)


class _Progress:
    """A one-line progress display on stderr, redrawn at most five times a second."""

    def __init__(self, stream: IO[str], total: int | None, enabled: bool) -> None:
        self.stream, self.total, self.enabled = stream, total, enabled
        self.started = self.last = time.monotonic()
        self.posts = 0
        self.done = 0

    def update(self, posts: int, consumed: int, force: bool = False) -> None:
        """Count ``posts`` more posts and ``consumed`` more input bytes; redraw if it is time."""
        self.posts += posts
        self.done += consumed
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.2):
            return
        self.last = now
        rate = self.posts / max(now - self.started, 1e-9)
        line = f"screened {self.posts:,} posts, {self.done / 1e6:.1f} MB, {rate:,.0f} posts/s"
        if self.total:
            share = min(self.done / self.total, 1.0)
            bar = "#" * int(share * 30)
            line = f"[{bar:<30}] {share:4.0%} " + line
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self.update(0, 0, force=True)
            self.stream.write("\n")
            self.stream.flush()


def _chunks(stream: IO[bytes]) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for number, raw in enumerate(stream, 1):
        chunk.append((number, raw))
        if len(chunk) >= _CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(screener: Screener, source: IO[bytes], sink: IO[bytes], progress: _Progress) -> int:
    """Screen every line of ``source`` into ``sink``; returns the number of lines answered."""
    answered = 0
    for chunk in _chunks(source):
        parsed: list[tuple[Any, Any]] = []
        good: list[tuple[str, str | None]] = []
        consumed = 0
        for number, raw in chunk:
            consumed += len(raw)
            if not raw.strip():
                continue
            ident, item = _parse(raw, number)
            if isinstance(item, tuple):
                try:
                    screener.check_size(*item)
                except InputTooLarge as exc:
                    item = _error(ident, number, "too_large", str(exc))
                else:
                    good.append(item)
            parsed.append((ident, item))
        verdicts = iter(screener.screen_many(good))
        out = []
        for ident, item in parsed:
            if isinstance(item, tuple):
                verdict = next(verdicts)
                out.append(_passing(ident, verdict) or _dumps({"id": ident, **verdict.to_dict()}))
            else:
                out.append(_dumps(item))
        sink.write(b"".join(out))
        answered += len(out)
        progress.update(len(good), consumed)
    sink.flush()
    return answered


def screen_files(paths: list[str], *, hashes: str | None, clamd: str | None, output: str | None) -> int:
    """``zilu screen --file PATH``: one JSON file verdict per line; 1 when a file is blocked, 2 on a bad input."""
    from zilu.screening.clamd import Clamd
    from zilu.screening.files import FileScanner

    bank: dict[str, str] = {}
    try:
        if hashes:
            for line in Path(hashes).read_text(encoding="utf-8-sig").splitlines():
                parts = line.split(None, 1)
                if parts and not parts[0].startswith("#"):
                    bank[parts[0]] = parts[1].strip() if len(parts) > 1 else "malware"
        scanner = FileScanner(hashes=bank, clamd=Clamd(clamd) if clamd else None)
    except (OSError, ValueError) as exc:
        print(f"zilu screen: {exc}", file=sys.stderr)
        return 2
    blocked = False
    lines = []
    for path in paths:
        try:
            verdict = scanner.scan(path)
        except (OSError, ValueError) as exc:
            print(f"zilu screen: {path}: {exc}", file=sys.stderr)
            return 2
        blocked = blocked or verdict.suggestion == "block"
        lines.append(json.dumps({"file": path, **verdict.to_dict()}, ensure_ascii=False))
    text = "\n".join(lines) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 1 if blocked else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``zilu screen`` (also ``python -m zilu screen``)."""
    args = build_parser().parse_args(argv)
    if args.file:
        return screen_files(args.file, hashes=args.hashes, clamd=args.clamd, output=args.output)
    try:
        policy = Policy.from_file(args.policy) if args.policy else Policy()
        banks = Banks.from_files(
            terms=args.terms,
            allow=args.allow,
            domains=args.domains,
            exports=args.bank,
            label_map=_label_map(args.label_map),
            rumors=args.rumors,
        )
        screener = Screener(banks, policy, backend=args.backend)
    except ScreeningError as exc:
        print(f"zilu screen: {exc}", file=sys.stderr)
        return 2
    total = None
    if args.input == "-":
        source: IO[bytes] = sys.stdin.buffer
    else:
        try:
            source = open(args.input, "rb")  # noqa: SIM115 - closed below
            total = Path(args.input).stat().st_size
        except OSError as exc:
            print(f"zilu screen: {args.input}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    enabled = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        sink: IO[bytes] = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115
    except OSError as exc:
        print(f"zilu screen: {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    progress = _Progress(sys.stderr, total, enabled)
    try:
        run(screener, source, sink, progress)
    except BrokenPipeError:
        return 0
    finally:
        progress.close()
        if source is not sys.stdin.buffer:
            source.close()
        if sink is not sys.stdout.buffer:
            sink.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
