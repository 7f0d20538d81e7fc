"""The project's own docs: the API reference matches the code, and relative links lead somewhere."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS = REPO_ROOT / "docs"
GENERATOR = REPO_ROOT / "scripts" / "gen_api_docs.py"

_FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, https:, mailto:, ...


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_api_docs", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _doc_pages() -> list[Path]:
    return sorted([*DOCS.glob("*.md"), *DOCS.glob("workflows/*.md")])


def relative_links(markdown: str) -> list[str]:
    """Link targets in ``markdown`` that point into the repository (not URLs, not same-page anchors)."""
    prose = _INLINE_CODE.sub("", _FENCED.sub("", markdown))
    targets = []
    for target in _LINK.findall(prose):
        if _EXTERNAL.match(target) or target.startswith("#"):
            continue
        targets.append(target)
    return targets


def test_api_reference_is_up_to_date():
    generator = _load_generator()
    expected = generator.render()
    committed = (DOCS / "api.md").read_text(encoding="utf-8") if (DOCS / "api.md").exists() else ""
    assert committed == expected, "docs/api.md is out of date with the API: run `python scripts/gen_api_docs.py`"


def test_api_reference_lists_every_operation():
    generator = _load_generator()
    schema = generator.load_schema()
    text = generator.render(schema)
    for path, item in schema["paths"].items():
        for method in item:
            assert f"### `{method.upper()} {path}`" in text


def test_relative_link_finder():
    sample = (
        "[a](architecture.md) [b](workflows/x.md#part) [c](https://example.com) [d](#local)\n"
        "`[e](inline.md)`\n```\n[f](fenced.md)\n```\n"
    )
    assert relative_links(sample) == ["architecture.md", "workflows/x.md#part"]


@pytest.mark.parametrize("page", _doc_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_relative_links_point_to_existing_files(page: Path):
    broken = []
    for target in relative_links(page.read_text(encoding="utf-8")):
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not (page.parent / path).exists():
            broken.append(target)
    assert not broken, f"{page.relative_to(REPO_ROOT)} links to missing files: {broken}"


def test_docs_exist():
    pages = {str(p.relative_to(DOCS)) for p in _doc_pages()}
    assert {"architecture.md", "api.md"} <= pages
