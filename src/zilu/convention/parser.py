"""Parse, validate and re-render the text of the Changping convention (pure Python, no Django).

Text model. A convention is: a title line; optionally a preamble (only with ``allow_preamble``);
chapters ``第一章 总 则``; inside them articles ``第一条 <first paragraph>``; then an optional
signature block. Article numbers run 1..N across the whole text, chapter numbers 1..M. Every
non-blank line inside an article is one *block*: a paragraph, or an item ``(一) …`` / ``（一）…``
(items are numbered 1..K per article). ``Article.layout`` records the order of the blocks as a
string of ``p``/``i`` characters, so paragraphs after (or between) items survive a round trip.

Signature block rule. After at least one article, the first line that starts with 签约成员,
签约单位, 签约方, 签署单位, 附 or 附件 followed by a colon (``：`` or ``:``) starts the signature
block; everything from there to the end belongs to it verbatim. A chapter or article heading
after that point is an error, so a stray marker cannot silently swallow articles.

Round trip. For the shared convention text, ``render_text(parse_convention(t)) ==
canonical_text(t)`` exactly. In general ``parse_convention(render_text(p)) == p`` for every valid
``ParsedConvention`` (the dataclasses reject values the parser could not read back). Rendering
normalises only: canonical_text rules; leading indentation of heading/paragraph/item lines;
whitespace after ``第…条`` becomes one ASCII space; after an item label one ASCII space for ``)``
and none for ``）``; blocks (and headings) are separated by exactly one blank line.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any

BUNDLED_V1 = Path(__file__).resolve().parent / "fixtures" / "changping-convention-v1.txt"
FORMAT_VERSION = 1

_NUM = "零一二三四五六七八九十百"
_LABEL = rf"[(（][{_NUM}]+[)）]"
_CHAPTER_RE = re.compile(rf"^第([{_NUM}]+)章\s*(.*)\Z")
_ARTICLE_RE = re.compile(rf"^第([{_NUM}]+)条(?:\s+(.*))?\Z")
_ITEM_RE = re.compile(rf"^({_LABEL})\s*(.*)\Z")
_LABEL_RE = re.compile(rf"^[(（]([{_NUM}]+)[)）]\Z")
_SIGNATURE_RE = re.compile(r"^(签约成员|签约单位|签约方|签署单位|附件?)\s*[:：]")
_DIGITS = "零一二三四五六七八九"
_D = _DIGITS[1:]
_STRUCTURAL = (_CHAPTER_RE, _ARTICLE_RE, _ITEM_RE, _SIGNATURE_RE)  # what a paragraph must not be
_CN_RE = re.compile(rf"^(?:([{_D}])百(零(?=[{_D}]\Z))?)?(?:([{_D}])?(十))?([{_D}])?\Z")


class ConventionParseError(ValueError):
    """The text is not a well-formed convention; ``line`` is 1-based in the canonical text.

    ``code`` and ``params`` name the problem for callers that word it in another language (the platform's staff
    pages show it in Chinese); ``message`` is the English wording.
    """

    def __init__(self, message: str, line: int, code: str = "invalid", **params: object) -> None:
        super().__init__(message, line)  # both in args, so the error pickles
        self.message = message
        self.line = line
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def canonical_text(raw: str) -> str:
    """NFC, LF line ends, no BOM, no trailing spaces, single blank lines, one final newline.

    Blank or empty input gives ``""``.
    """
    text = unicodedata.normalize("NFC", raw.removeprefix("\ufeff"))
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def text_sha256(raw: str) -> str:
    """Hex SHA-256 of ``canonical_text(raw)`` encoded as UTF-8."""
    return hashlib.sha256(canonical_text(raw).encode("utf-8")).hexdigest()


def cn_numeral(s: str) -> int:
    """Value of a Chinese numeral from 零 to 九百九十九 (十二, 二十五, 一百零五, 一百一十)."""
    # Hand-written on purpose: cn2an (plus its PyYAML dependency) is not worth it for 0..999.
    if s == "零":
        return 0
    m = _CN_RE.match(s)
    if m is None or not s:
        raise ValueError(f"not a Chinese numeral (零..九百九十九): {s!r}")
    h, zero, t, ten, u = m.groups()
    if h and ((ten and not t) or (u and not ten and not zero)):  # 一百十 / 一百一 are ambiguous
        raise ValueError(f"ambiguous Chinese numeral: {s!r}")
    tens = (_DIGITS.index(t) if t else 1) if ten else 0
    return 100 * (_DIGITS.index(h) if h else 0) + 10 * tens + (_DIGITS.index(u) if u else 0)


def to_cn_numeral(n: int) -> str:
    """Inverse of :func:`cn_numeral` for 0..999 (12 -> 十二, 105 -> 一百零五, 110 -> 一百一十)."""
    if not 0 <= n <= 999:
        raise ValueError(f"out of range for a Chinese numeral: {n}")
    if n == 0:
        return "零"
    h, rest = divmod(n, 100)
    t, u = divmod(rest, 10)
    out = f"{_DIGITS[h]}百" if h else ""
    if t:
        out += ("" if t == 1 and not h else _DIGITS[t]) + "十"
    elif h and u:
        out += "零"
    return out + (_DIGITS[u] if u else "")


def _check_line(text: str, what: str) -> None:
    if not text or text != text.strip() or "\n" in text or "\r" in text:
        raise ValueError(f"{what} must be one non-empty line without edge spaces: {text!r}")
    if not unicodedata.is_normalized("NFC", text):
        raise ValueError(f"{what} must be NFC-normalised: {text!r}")


def _check_block(text: str, what: str) -> None:
    if text and canonical_text(text) != text + "\n":
        raise ValueError(f"{what} must be in canonical form: {text!r}")
    if any(_CHAPTER_RE.match(x.strip()) or _ARTICLE_RE.match(x.strip()) for x in text.split("\n")):
        raise ValueError(f"{what} must not contain a chapter or article heading")


def _heading_number(regex: re.Pattern[str], heading: str, number: int, what: str) -> str:
    m = regex.match(heading)
    if m is None or cn_numeral(m.group(1)) != number:
        raise ValueError(f"{what} {heading!r} does not match number {number}")
    return m.group(2) or ""


@dataclasses.dataclass(frozen=True)
class Item:
    """A numbered item of an article; ``label`` is the raw label, e.g. ``(一)`` or ``（一）``."""

    number: int
    label: str
    text: str

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", f"({to_cn_numeral(self.number)})")
        m = _LABEL_RE.match(self.label)
        if m is None or cn_numeral(m.group(1)) != self.number:
            raise ValueError(f"item label {self.label!r} does not match number {self.number}")
        _check_line(self.text, "item text")

    def render(self) -> str:
        """The item's line: one space after ``)``, none after a full-width ``）``."""
        return self.label + ("" if self.label.endswith("）") else " ") + self.text


Block = str | Item


@dataclasses.dataclass(frozen=True)
class Article:
    """An article. ``layout`` orders the blocks (``p`` paragraph, ``i`` item); ``""`` means
    all paragraphs then all items. The first block is always a paragraph (it sits on the
    ``第…条`` line). ``title_cn=""`` is filled in from ``number``."""

    number: int
    title_cn: str
    paragraphs: tuple[str, ...]
    items: tuple[Item, ...]
    chapter: int
    layout: str = ""

    def __post_init__(self) -> None:
        paras, items = tuple(self.paragraphs), tuple(self.items)
        object.__setattr__(self, "paragraphs", paras)
        object.__setattr__(self, "items", items)
        if not self.title_cn:
            object.__setattr__(self, "title_cn", f"第{to_cn_numeral(self.number)}条")
        if _heading_number(_ARTICLE_RE, self.title_cn, self.number, "article title"):
            raise ValueError(f"article title must be just 第…条: {self.title_cn!r}")
        if not self.layout:
            object.__setattr__(self, "layout", "p" * len(paras) + "i" * len(items))
        lay = self.layout
        if lay[:1] != "p" or lay.count("p") != len(paras) or lay.count("i") != len(items):
            raise ValueError(f"{self.title_cn}: layout {lay!r} does not fit the blocks")
        if len(lay) != len(paras) + len(items) or self.chapter < 1:
            raise ValueError(f"{self.title_cn}: bad layout or chapter number")
        if [i.number for i in items] != list(range(1, len(items) + 1)):
            raise ValueError(f"{self.title_cn}: items must be numbered 1..{len(items)}")
        for k, p in enumerate(paras):
            _check_line(p, f"{self.title_cn} paragraph")
            if k and any(r.match(p) for r in _STRUCTURAL):
                raise ValueError(f"{self.title_cn}: paragraph would read back as structure: {p!r}")

    @classmethod
    def from_blocks(cls, number: int, title_cn: str, blocks: list[Block], chapter: int) -> Article:
        """Build an article from its blocks in reading order."""
        paras = tuple(b for b in blocks if isinstance(b, str))
        items = tuple(b for b in blocks if isinstance(b, Item))
        layout = "".join("p" if isinstance(b, str) else "i" for b in blocks)
        return cls(number, title_cn, paras, items, chapter, layout)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """Paragraphs and items in reading order."""
        paras, items = iter(self.paragraphs), iter(self.items)
        return tuple(next(paras) if c == "p" else next(items) for c in self.layout)

    @property
    def anchor(self) -> str:
        """HTML anchor, e.g. ``art-12``."""
        return f"art-{self.number}"

    @property
    def text(self) -> str:
        """The article as in canonical text: ``第…条 first``, then blank-line separated blocks."""
        lines = [b if isinstance(b, str) else b.render() for b in self.blocks]
        return f"{self.title_cn} " + "\n\n".join(lines)


@dataclasses.dataclass(frozen=True)
class Chapter:
    """A chapter; ``title`` is ``heading`` without the number and without spaces (总则)."""

    number: int
    title: str
    heading: str
    articles: tuple[Article, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "articles", tuple(self.articles))
        if not self.heading:
            object.__setattr__(self, "heading", f"第{to_cn_numeral(self.number)}章 {self.title}")
        _check_line(self.heading, "chapter heading")
        rest = _heading_number(_CHAPTER_RE, self.heading, self.number, "chapter heading")
        if re.sub(r"\s+", "", rest) != self.title:
            raise ValueError(f"chapter title {self.title!r} does not match {self.heading!r}")
        if not self.articles or any(a.chapter != self.number for a in self.articles):
            raise ValueError(f"{self.heading}: needs articles, all with chapter={self.number}")


@dataclasses.dataclass(frozen=True)
class ParsedConvention:
    """A whole convention; articles are numbered 1..N across chapters numbered 1..M."""

    title: str
    chapters: tuple[Chapter, ...]
    signature_block: str = ""
    preamble: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "chapters", tuple(self.chapters))
        _check_line(self.title, "title")
        if _CHAPTER_RE.match(self.title) or _ARTICLE_RE.match(self.title):
            raise ValueError(f"the title must not look like a heading: {self.title!r}")
        numbers = [c.number for c in self.chapters]
        if not numbers or numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("chapters must be numbered 1..M with M >= 1")
        if [a.number for a in self.articles] != list(range(1, len(self.articles) + 1)):
            raise ValueError("articles must be numbered 1..N across chapters")
        _check_block(self.preamble, "preamble")
        _check_block(self.signature_block, "signature block")
        if self.signature_block and not _SIGNATURE_RE.match(self.signature_block.lstrip()):
            raise ValueError("the signature block must start with a marker such as 签约成员：")

    @property
    def articles(self) -> tuple[Article, ...]:
        """All articles in order."""
        return tuple(a for c in self.chapters for a in c.articles)

    def article(self, n: int) -> Article:
        """Article number ``n``; raises ``KeyError`` if there is none."""
        for a in self.articles:
            if a.number == n:
                return a
        raise KeyError(f"no article {n}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form mirroring the dataclass fields (tuples become lists)::

        {"format": 1, "title", "signature_block", "preamble", "chapters": [{"number", "title",
         "heading", "articles": [{"number", "title_cn", "paragraphs": [str], "items":
         [{"number", "label", "text"}], "chapter", "layout": "pii…"}]}]}
        """
        return {"format": FORMAT_VERSION, **dataclasses.asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParsedConvention:
        """Inverse of ``to_dict``; raises ``ValueError`` on malformed data."""
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported convention format: {data.get('format')!r}")
        try:
            chapters = tuple(
                Chapter(**{**c, "articles": tuple(_article_from_dict(a) for a in c["articles"])})
                for c in data["chapters"]
            )
            fields = {k: v for k, v in data.items() if k not in ("format", "chapters")}
            return cls(chapters=chapters, **fields)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed convention data: {exc!r}") from exc


def _article_from_dict(a: dict[str, Any]) -> Article:
    return Article(**{**a, "items": tuple(Item(**i) for i in a["items"])})


def render_text(parsed: ParsedConvention) -> str:
    """Render back to canonical text (see the module docstring for the round-trip guarantee)."""
    parts = [parsed.title] + ([parsed.preamble] if parsed.preamble else [])
    for c in parsed.chapters:
        parts.append(c.heading)
        parts.extend(a.text for a in c.articles)
    if parsed.signature_block:
        parts.append(parsed.signature_block)
    return canonical_text("\n\n".join(parts))


def _numeral(s: str, line: int) -> int:
    try:
        return cn_numeral(s)
    except ValueError as exc:
        raise ConventionParseError(str(exc), line, "numeral", text=s) from None


def parse_convention(raw: str, *, allow_preamble: bool = False) -> ParsedConvention:
    """Parse convention text; raises :class:`ConventionParseError` with a canonical line number."""
    lines = canonical_text(raw).split("\n")[:-1]
    if not lines:
        raise ConventionParseError("the text is empty: no title and no chapters", 1, "empty_text")
    title = lines[0].strip()
    if _CHAPTER_RE.match(title) or _ARTICLE_RE.match(title):
        raise ConventionParseError("the first line must be the convention's title", 1, "title_missing")
    start = next((i for i, ln in enumerate(lines) if _CHAPTER_RE.match(ln.strip())), None)
    if start is None:
        where = next((i for i in range(1, len(lines)) if lines[i]), 0) + 1
        raise ConventionParseError("no chapters: expected a '第一章 …' heading", where, "no_chapters")
    for i in range(1, start):
        if _ARTICLE_RE.match(lines[i].strip()):
            raise ConventionParseError("article before the first chapter", i + 1, "article_before_chapter")
        if lines[i] and not allow_preamble:
            raise ConventionParseError("only the title may precede the first chapter", i + 1, "preamble")
    preamble = "\n".join(lines[1:start]).strip("\n")

    chapters: list[Chapter] = []
    chapter: tuple[int, str, int, str] | None = None  # number, heading, line, title
    chapter_articles: list[Article] = []
    article: tuple[int, str, int] | None = None  # number, title_cn, line
    blocks: list[Block] = []
    seen: dict[int, int] = {}  # article number -> line
    signature: list[str] | None = None
    signature_line = 0

    def close_article() -> None:
        nonlocal article
        if article is not None:
            if not blocks:
                raise ConventionParseError(
                    f"empty article {article[1]}", article[2], "empty_article", article=article[1]
                )
            assert chapter is not None
            chapter_articles.append(Article.from_blocks(*article[:2], list(blocks), chapter[0]))
            article = None
            blocks.clear()

    def close_chapter() -> None:
        if chapter is not None:
            if not chapter_articles:
                raise ConventionParseError(
                    f"chapter {chapter[1]!r} has no articles", chapter[2], "empty_chapter", chapter=chapter[1]
                )
            number, heading, _, title = chapter
            chapters.append(Chapter(number, title, heading, tuple(chapter_articles)))
            chapter_articles.clear()

    for no, raw_line in enumerate(lines[start:], start + 1):
        line = raw_line.strip()
        heading = _CHAPTER_RE.match(line) or _ARTICLE_RE.match(line)
        if signature is not None:
            if heading:
                msg = f"heading {line!r} after the signature block (line {signature_line})"
                raise ConventionParseError(msg, no, "after_signature", heading=line, signature_line=signature_line)
            signature.append(raw_line)
        elif not line:
            continue
        elif m := _CHAPTER_RE.match(line):
            close_article()
            close_chapter()
            num = _numeral(m.group(1), no)
            if num != len(chapters) + 1:
                want = f"第{to_cn_numeral(len(chapters) + 1)}章"
                msg = f"chapters must be numbered 1, 2, … without gaps: expected {want}, got {line!r}"
                raise ConventionParseError(msg, no, "chapter_order", expected=want, got=line)
            chapter = (num, line, no, re.sub(r"\s+", "", m.group(2)))
        elif m := _ARTICLE_RE.match(line):
            close_article()
            num, expected = _numeral(m.group(1), no), len(seen) + 1
            title_cn = line[: m.end(1) + 1]
            if num in seen:
                msg = f"duplicate article {title_cn} (first on line {seen[num]})"
                raise ConventionParseError(msg, no, "duplicate_article", article=title_cn, first_line=seen[num])
            if num != expected:
                want = f"第{to_cn_numeral(expected)}条"
                msg = f"article numbers must not skip or go back: expected {want}, got {title_cn}"
                raise ConventionParseError(msg, no, "article_order", expected=want, got=title_cn)
            seen[num] = no
            article = (num, title_cn, no)
            if m.group(2):
                blocks.append(m.group(2))
        elif seen and _SIGNATURE_RE.match(line):
            close_article()
            signature, signature_line = [raw_line], no
        elif article is None:
            assert chapter is not None
            raise ConventionParseError(
                f"text in {chapter[1]!r} before its first article", no, "text_before_article", chapter=chapter[1]
            )
        elif m := _ITEM_RE.match(line):
            num = _numeral(m.group(1)[1:-1], no)
            expected = sum(isinstance(b, Item) for b in blocks) + 1
            if num != expected:
                want = f"({to_cn_numeral(expected)})"
                msg = f"item labels out of order in {article[1]}: expected {want}, got {m.group(1)}"
                raise ConventionParseError(msg, no, "item_order", article=article[1], expected=want, got=m.group(1))
            if not blocks:
                msg = f"{article[1]} must open with a paragraph, not an item"
                raise ConventionParseError(msg, no, "item_first", article=article[1])
            if not m.group(2):
                raise ConventionParseError(
                    f"empty item {m.group(1)} in {article[1]}", no, "empty_item", item=m.group(1), article=article[1]
                )
            blocks.append(Item(num, m.group(1), m.group(2)))
        else:
            blocks.append(line)
    close_article()
    close_chapter()
    sig = "\n".join(signature).strip("\n") if signature else ""
    return ParsedConvention(title, tuple(chapters), sig, preamble)
