"""Translations: the Simplified Chinese catalog is complete and compiled, and the site speaks Chinese by default.

The catalog is read with a small parser below (no polib). To refresh the catalogs after adding strings, see the
commands in ``test_catalog_covers_every_marked_string``'s docstring.
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import zilu
from zilu.core.identifiers import IdentifierError, validate_uscc

LOCALE_DIR = Path(zilu.__file__).resolve().parent / "locale"
ZH_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = ZH_PO.with_suffix(".mo")
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
EN_MO = EN_PO.with_suffix(".mo")

REPORT_ZH = "违法和不良信息举报"
REPORT_EN = "Report illegal and harmful information"
SITE_HEADER_ZH = "昌平区互联网行业自律公约 · 后台"

# msgids whose Chinese text is legitimately the same as the English (names and acronyms).
SAME_IN_CHINESE = {"API", "%(member)s: %(measure)s.", "%(measure)s: %(name)s"}  # the others: only punctuation changes


# --------------------------------------------------------------------------- a tiny .po reader


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"{self.msgid!r} (line {self.line})"


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header (as a dict) and the active entries of a .po file. Obsolete (``#~``) entries are skipped."""
    entries: list[Entry] = []
    current = Entry()
    started = False  # the current entry has a keyword line
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if started:
                finish()
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):
            if started:
                finish()
        elif line.startswith('"'):
            assert target is not None, f"{path}:{number}: continuation line without a keyword"
            _append(current, target, ast.literal_eval(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{path}:{number}: cannot read {line!r}"
            keyword, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if keyword in ("msgid", "msgctxt") and started and (keyword == "msgctxt" or current.msgstr):
                finish()
            if not started:
                current.line, started = number, True
            target = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else (keyword, None)
            _set(current, target, value)
    finish()
    header_entries = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header_entries) == 1, f"{path}: expected exactly one header entry"
    header_entry = header_entries[0]
    assert "fuzzy" not in header_entry.flags, f"{path}: the header is marked fuzzy (msgfmt would ignore it)"
    lines = header_entry.msgstr.get(0, "").splitlines()
    header = {key.strip(): value.strip() for key, _sep, value in (line.partition(":") for line in lines if ":" in line)}
    return header, [e for e in entries if e is not header_entry]


def _set(entry: Entry, target: tuple[str, int | None], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index or 0] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, target: tuple[str, int | None], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index or 0] += value
    else:
        setattr(entry, name, getattr(entry, name) + value)


_PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +\-]*(?:\d+|\*)?(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_TEMPLATE_VAR = re.compile(r"\{\{\s*([\w.|:\"' ]+?)\s*\}\}")
_BRACE = re.compile(r"(?<!\{)\{(\w*)(?:[:!][^{}]*)?\}(?!\})")


def placeholders(text: str, flags: set[str]) -> Counter[str]:
    """Every substitution a string carries: %(name)s / %s / %d, {{ var }} and, for brace-format, {name}."""
    found: Counter[str] = Counter()
    for match in _PERCENT.finditer(text):
        if match.group(2) != "%":
            found[f"%({match.group(1)}){match.group(2)}" if match.group(1) else f"%{match.group(2)}"] += 1
    for match in _TEMPLATE_VAR.finditer(text):
        found["{{" + match.group(1).replace(" ", "") + "}}"] += 1
    if "python-brace-format" in flags:
        for match in _BRACE.finditer(text):
            found["{" + match.group(1) + "}"] += 1
    return found


# --------------------------------------------------------------------------- (a) the catalog itself


@pytest.fixture(scope="module")
def zh_catalog() -> tuple[dict[str, str], list[Entry]]:
    assert ZH_PO.exists(), f"missing {ZH_PO}: run makemessages (see the module docstring)"
    return parse_po(ZH_PO)


def test_zh_header_is_valid(zh_catalog):
    header, entries = zh_catalog
    assert header["Language"] == "zh_Hans"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"
    assert len(entries) > 100, "the catalog is suspiciously small"


def test_every_zh_entry_is_translated_and_not_fuzzy(zh_catalog):
    _header, entries = zh_catalog
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries (check the translation, then remove the flag): {fuzzy}"
    empty = [e.label for e in entries if not e.msgstr or not all(s.strip() for s in e.msgstr.values())]
    assert not empty, f"untranslated entries: {empty}"
    plural_shape = [e.label for e in entries if e.msgid_plural is not None and sorted(e.msgstr) != [0]]
    assert not plural_shape, f"plural entries need exactly msgstr[0] (nplurals=1): {plural_shape}"
    cjk = re.compile(r"[\u3400-\u9fff]")
    not_chinese = [e.label for e in entries if e.msgid not in SAME_IN_CHINESE and not cjk.search(e.msgstr[0])]
    assert not not_chinese, f"msgstr with no Chinese in it: {not_chinese}"


def test_zh_placeholders_match(zh_catalog):
    _header, entries = zh_catalog
    mismatched = []
    for entry in entries:
        expected = placeholders(entry.msgid_plural or entry.msgid, entry.flags)
        for index, text in entry.msgstr.items():
            got = placeholders(text, entry.flags)
            if got != expected:
                mismatched.append(f"{entry.label} msgstr[{index}]: {dict(got)} != {dict(expected)}")
    assert not mismatched, "\n".join(mismatched)


def test_en_catalog_is_valid_and_has_the_same_msgids(zh_catalog):
    """English msgids are the English text: the en catalog stays untranslated, but must parse and match zh."""
    header, entries = parse_po(EN_PO)
    assert header["Language"] == "en"
    assert header["Content-Type"] == "text/plain; charset=UTF-8"
    assert "fuzzy" not in {flag for e in entries for flag in e.flags}
    assert EN_MO.exists()
    gettext.GNUTranslations(EN_MO.open("rb"))  # loads

    def keys(items: list[Entry]) -> set[tuple[str | None, str, str | None]]:
        return {(e.msgctxt, e.msgid, e.msgid_plural) for e in items}

    assert keys(entries) == keys(zh_catalog[1]), "zh_Hans and en catalogs differ: rerun makemessages for both"


# --------------------------------------------------------------------------- (b) the compiled catalog


def test_zh_mo_matches_po(zh_catalog):
    """The committed .mo gives every msgstr of the .po: a stale or missing .mo fails here."""
    _header, entries = zh_catalog
    assert ZH_MO.exists(), f"missing {ZH_MO}: run compilemessages (see the module docstring)"
    with ZH_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in entries:
        if entry.msgid_plural is not None:
            got = [compiled.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2, 5)]
            if entry.msgctxt is not None:
                got = [compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in (1, 2, 5)]
            ok = got == [entry.msgstr[0]] * 3
        else:
            value = (
                compiled.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt is not None
                else compiled.gettext(entry.msgid)
            )
            ok = value == entry.msgstr[0]
        if not ok:
            stale.append(entry.label)
    assert not stale, f"django.mo is stale, run compilemessages; differing: {stale}"


@pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgmerge") is None, reason="needs gettext")
def test_catalog_covers_every_marked_string(tmp_path, settings, monkeypatch):
    """Every string marked for translation in the code and templates is in the catalog, translated.

    Runs makemessages on a copy of the package. When this fails, refresh the catalogs::

        cd src/zilu
        ZILU_VAR_DIR=/tmp/zi18n ../../.venv/bin/django-admin makemessages -l zh_Hans -l en \\
            --ignore "migrations/*" --settings=zilu.settings
        # translate the new or fuzzy entries in locale/zh_Hans/LC_MESSAGES/django.po, then
        ZILU_VAR_DIR=/tmp/zi18n ../../.venv/bin/django-admin compilemessages --settings=zilu.settings
    """
    package = LOCALE_DIR.parent
    copy = tmp_path / "zilu"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "migrations"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["zh_Hans"], ignore_patterns=["migrations/*"], verbosity=0)
    _header, entries = parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = [e.label for e in entries if "fuzzy" in e.flags or not all(s.strip() for s in e.msgstr.values())]
    assert not missing, f"strings marked in the code but not translated in {ZH_PO}: {missing}"


# --------------------------------------------------------------------------- (c)-(f) the site in use


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client):
    body = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert REPORT_ZH in body
    assert REPORT_EN not in body


@pytest.mark.django_db
def test_pages_follow_accept_language_english(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in body
    assert REPORT_EN in body
    assert REPORT_ZH not in body


@pytest.mark.django_db
def test_language_switch_is_remembered(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert REPORT_EN in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert REPORT_ZH in client.get("/").content.decode()


@pytest.mark.django_db
def test_api_problem_title_is_chinese_by_default(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["title"] == "请登录或提供有效的 API 密钥。"
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["title"] == "Sign in or send a valid API key."


@pytest.mark.django_db
def test_back_office_is_chinese(client_for):
    response = client_for("staff").get("/backoffice/")
    assert response.status_code == 200
    body = response.content.decode()
    assert SITE_HEADER_ZH in body
    assert "公约执行机构后台" in body  # the index title


def test_identifier_errors_are_translated():
    with pytest.raises(IdentifierError) as info:
        validate_uscc("123")
    assert info.value.code == "length"
    with translation.override("zh-hans"):
        assert str(info.value.message) == "统一社会信用代码应为 18 位。"
    with translation.override("en"):
        assert str(info.value.message) == "A unified social credit code has 18 characters."
