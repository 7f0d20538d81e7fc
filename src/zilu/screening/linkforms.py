"""Links not written as links: bare IPv4 addresses and written-out hosts (``evil点cn``, ``evil [dot] cn``).

Both passes build on the plain link finder of :mod:`zilu.screening.links` and are run by its
:func:`~zilu.screening.links.find_links`; docs/screening.md ("Written-out links") says what each form is and what
it costs.
"""

from __future__ import annotations

import re

from zilu.screening.links import (
    _ASCII_LABEL,
    _MAX_HOST,
    _TAIL,
    _TRAILING,
    Blocklist,
    LinkMatch,
    _find,
    _label_left,
    _label_right,
    top_level_domains,
)

__all__ = ["ipv4_links", "written_links"]

# ---------------------------------------------------------------------------------------------- bare IPv4 addresses

_IPV4 = re.compile(r"\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}")  # led by the dot: Python finds a literal fast
_IP_BEFORE = frozenset("0123456789.abcdefghijklmnopqrstuvwxyz-")


def _octet(part: str) -> bool:
    return int(part) <= 255 and (part == "0" or not part.startswith("0"))


def ipv4_links(
    folded: str, blocklist: Blocklist, found: list[LinkMatch], original: str | None = None
) -> list[LinkMatch]:
    """Bare dotted-quad addresses: a link when blocked, or with a port or a path (``1.2.3.4:8080``, ``1.2.3.4/x``).

    A version number ``1.2.3`` or a date ``2024.1.2`` has three parts; ``1.2.3.4.5`` (more parts), ``v1.2.3.4``
    (a letter glued before) and octets over 255 or with a leading zero are not addresses. With the ``original``
    text, the address ends where its digits turn into Chinese numerals (``1.2.3.4一下`` folds to ``1.2.3.41下``).
    """
    out: list[LinkMatch] = []
    for match in _IPV4.finditer(folded):
        start, end = match.span()
        while start > 0 and folded[start - 1].isdigit() and match.start() - start < 3:
            if original is not None and _cjk_numeral(original[start - 1]):
                break  # 还是一69.157.201.126: 一 is a word
            start -= 1
        glued = start > 0 and folded[start - 1] in _IP_BEFORE
        if start == match.start() or (glued and not (original is not None and _cjk_numeral(original[start - 1]))):
            continue
        cut = _numeral_cut(original, folded.rfind(".", start, end) + 1, end) if original is not None else end
        after = folded[end : end + 2]
        if cut < end:
            end = cut
        elif after[:1].isdigit() or (after[:1] == "." and after[1:].isdigit()):
            continue
        host = folded[start:end]
        if not all(_octet(part) for part in host.split(".")):
            continue
        if any(m.start < end and start < m.end for m in found):
            continue  # already read, e.g. after a scheme
        tail = _TAIL.match(folded, end)
        stop = tail.end() if tail else end
        while stop > end and folded[stop - 1] in _TRAILING:
            stop -= 1
        rest = folded[end:stop]
        blocked = blocklist.lookup(host, rest)
        if blocked is None and not rest:
            continue  # a bare dotted quad with nothing after it is a link only when blocked
        out.append(LinkMatch(start, stop, host, host, blocked))
    return out


def _numeral_cut(original: str, start: int, end: int) -> int:
    """The first position in ``(start, end)`` where a digit form is followed by a Chinese numeral, else ``end``."""
    for at in range(start + 1, end):
        if _cjk_numeral(original[at]) and not _cjk_numeral(original[at - 1]):
            return at
    return end


def _cjk_numeral(ch: str) -> bool:
    return ch == "\u3007" or "\u4e00" <= ch <= "\u9fff"


# ---------------------------------------------------------------------------------------------- written-out links

# A written-out dot between two ASCII labels (in the folded view "（.）" is "(.)" and "．" is "."), with up to two
# spaces either side: 点/點, a dot or "dot" in brackets, " dot ". An unspaced "。" between ASCII labels is a dot to
# the plain pass already. Spaces around a real dot or "。" are *weak*: English sentences end that way ("the end. So"),
# so such a link counts only when it is blocked. Each form is found from its rarest character (str.find, a
# bracket pattern) and the labels either side are checked in Python: a pattern led by the label characters costs
# an attempt at every ASCII letter of the text.
# A dot in brackets, found from what is inside and the closing bracket (literal-led patterns are fast scans); the
# opening bracket is checked in Python.
_BRACKETED = tuple(re.compile(inner + r"[\])】}>]") for inner in (r"\.", "dot", "点"))
_OPENING = frozenset("[(【{<")
_LABEL_OR_SPACE = frozenset(_ASCII_LABEL | {" "})
_WEAK_DOTS = (re.compile(r"\.(?:(?= )|(?<= \.))"), re.compile(r"。(?:(?= )|(?<= 。))"))  # a space after or before
_PERCENT = re.compile(r"%([0-9a-f]{2})")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789.-")
_WINDOW_LEFT = _MAX_HOST + 8  # how far left of a rewrite a host may start
_WINDOW_RIGHT = 2000  # how far right of a rewrite a link (host, port, path) may go on
_JOIN = 80  # rewrites closer than this share one window
_Edit = tuple[int, int, str, int]  # start, end (folded offsets), replacement, mark (1 rewritten, 2 weakly)


# Invisible characters an evader puts inside a host: soft hyphen, Mongolian vowel separator, zero-width space,
# joiners and marks, bidi controls, word joiner and invisible operators, BOM (a subset of charmap.txt's "format").
_INVISIBLE_CHARS = (
    "\u00ad\u180e"
    + "".join(map(chr, [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070)]))
    + "\ufeff"
)
_USUAL_SPACES = (" ", "\u3000", "\xa0", "\t", "\u2006", "\u200a")  # the spaces Weibo posts hold
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")  # one \in per character first: far faster than a class scan


def _may_hide(folded: str, original: str) -> bool:
    """Whether ``original`` may hold invisible characters (they fold to spaces, like the usual spaces do)."""
    if folded.count(" ") == sum(original.count(space) for space in _USUAL_SPACES):
        return False  # every space of the folded view is a usual space of the text: nothing invisible
    return any(char in original for char in _INVISIBLE_CHARS)


def _latin_written(original: str | None, i: int) -> bool:
    """Whether the character at ``i`` was written as an ASCII or full-width letter or digit (not 一, ①, 壹)."""
    if original is None:
        return True
    code = ord(original[i])
    return code < 0x80 or 0xFF10 <= code <= 0xFF5A


def _in_path(folded: str, at: int) -> bool:
    """Whether ``at`` is past the host of a URL (a ``/`` not of ``://`` earlier in the same run of ASCII)."""
    start = at
    while start > 0 and at - start < _MAX_HOST and "!" <= folded[start - 1] <= "~":
        start -= 1
    slash = folded.find("/", start, at)
    while slash >= 0 and folded.startswith("://", slash - 1):
        slash = folded.find("/", slash + 2, at)
    return slash >= 0


def _find_all(text: str, needle: str) -> list[int]:
    out = []
    at = text.find(needle)
    while at >= 0:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def _spaced(folded: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` grown over up to two spaces on each side."""
    floor, ceiling = max(0, start - 2), min(len(folded), end + 2)
    while start > floor and folded[start - 1] == " ":
        start -= 1
    while end < ceiling and folded[end] == " ":
        end += 1
    return start, end


def _dot_edits(folded: str, original: str | None) -> list[_Edit]:
    """The written-out dots between two ASCII labels (see ``_BRACKETED``)."""
    cores: list[tuple[int, int, int]] = []  # start, end, mark
    for word in ("点", "點"):
        cores += [(at, at + 1, 1) for at in _find_all(folded, word)]
    for pattern in _BRACKETED:
        cores += [(m.start() - 1, m.end(), 1) for m in pattern.finditer(folded, 1) if folded[m.start() - 1] in _OPENING]
    for at in _find_all(folded, "dot"):
        if folded[at - 1 : at] == " " and folded[at + 3 : at + 4] == " ":
            cores.append((at, at + 3, 1))
    for pattern in _WEAK_DOTS:
        cores += [(m.start(), m.end(), 2) for m in pattern.finditer(folded)]
    out: list[_Edit] = []
    size = len(folded)
    for core_start, core_end, mark in sorted(set(cores)):
        if (
            folded[core_start - 1 : core_start] not in _LABEL_OR_SPACE
            or folded[core_end : core_end + 1] not in _LABEL_OR_SPACE
        ):
            continue  # most 点 are between Chinese characters
        start, end = _spaced(folded, core_start, core_end)
        left, right = start - 1, end
        if left < 0 or right >= size or folded[left] not in _ASCII_LABEL or folded[right] not in _ASCII_LABEL:
            continue
        if not (_latin_written(original, left) and _latin_written(original, right)):
            continue  # 一点com: a Chinese numeral, not a label
        if folded[core_start] in "点點" and folded[left].isdigit():
            label = folded[_label_left(folded, left + 1) : left + 1]
            after = folded[right : _label_right(folded, right)]
            if label.isdigit() and int(label) <= 24 and after in top_level_domains():
                continue  # 8点com: a time of day
        out.append((start, end, ".", mark))
    return out


def _edits(folded: str, original: str | None) -> list[_Edit]:
    """Rewrites in folded offsets, sorted and disjoint: written-out dots, percent escapes, invisible runs."""
    edits = _dot_edits(folded, original)
    if "%" in folded:
        for match in _PERCENT.finditer(folded):
            char = chr(int(match.group(1), 16)).lower()
            if char in _HOST_CHARS and not _in_path(folded, match.start()):
                edits.append((match.start(), match.end(), char, 1))
    if original is not None and _may_hide(folded, original):
        for match in _INVISIBLE.finditer(original):
            at, end = match.span()
            if at > 0 and end < len(folded) and folded[at - 1] in _HOST_CHARS and folded[end] in _HOST_CHARS:
                edits.append((at, end, "", 1))
    edits.sort()
    kept: list[_Edit] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)  # overlapping rewrites: the first wins
    return kept


def _windows(folded: str, edits: list[_Edit]) -> list[tuple[int, int, list[_Edit]]]:
    """Stretches of text around groups of nearby rewrites: ``(start, end, rewrites)``."""
    groups: list[list[_Edit]] = []
    for edit in edits:
        if groups and edit[0] - groups[-1][-1][1] <= _JOIN and "\n" not in folded[groups[-1][-1][1] : edit[0]]:
            groups[-1].append(edit)
        else:
            groups.append([edit])
    out = []
    for group in groups:
        start = group[0][0]
        floor = max(0, start - _WINDOW_LEFT)
        while start > floor and folded[start - 1] not in " \n":
            start -= 1
        end = group[-1][1]
        ceiling = min(len(folded), end + _WINDOW_RIGHT)
        while end < ceiling and "!" <= folded[end] <= "~":
            end += 1
        out.append((start, end, group))
    return out


def written_links(folded: str, blocklist: Blocklist, original: str | None) -> list[LinkMatch]:
    """Links that only become links once written-out dots, escapes and invisible characters are rewritten.

    Each group of nearby rewrites gets a small window of text, rewritten and read by the plain pass; a link found
    there counts when it spans a rewrite (and, for spaces around a dot alone, when it is blocked).
    """
    edits = _edits(folded, original)
    if not edits:
        return []
    out = []
    for start, end, group in _windows(folded, edits):
        view: list[str] = []
        written: list[str] = []
        starts: list[int] = []  # original start of each view character
        ends: list[int] = []  # original end of each view character
        marks: list[int] = []  # 0 as written, 1 rewritten, 2 rewritten weakly
        pos = start
        for e_start, e_end, replacement, mark in group:
            view.append(folded[pos:e_start])
            written.append(original[pos:e_start] if original is not None else folded[pos:e_start])
            starts.extend(range(pos, e_start))
            ends.extend(range(pos + 1, e_start + 1))
            marks.extend([0] * (e_start - pos))
            if replacement:
                view.append(replacement)
                written.append(replacement)
                starts.append(e_start)
                ends.append(e_end)
                marks.append(mark)
            elif marks:
                ends[-1] = e_end  # a deleted run: the character before it covers it
                marks[-1] = max(marks[-1], mark)
            pos = e_end
        view.append(folded[pos:end])
        written.append(original[pos:end] if original is not None else folded[pos:end])
        starts.extend(range(pos, end))
        ends.extend(range(pos + 1, end + 1))
        marks.extend([0] * (end - pos))
        for match in _find("".join(view), blocklist, "".join(written)):
            used = set(marks[match.start : match.end])
            if used <= {0} or (used <= {0, 2} and match.blocked is None):
                continue  # found by the plain pass already, or spaced like a sentence and not blocked
            out.append(LinkMatch(starts[match.start], ends[match.end - 1], match.host, match.registrable,
                                 match.blocked))  # fmt: skip
    return out
