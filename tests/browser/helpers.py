"""What the browser tests share: the site's text (:func:`t`), a role's tab (:class:`Visitor`) and the screenshots
(:class:`Recorder`); the fixtures are in ``conftest.py``."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

SCREENSHOTS = os.environ.get("ZILU_BROWSER_SCREENSHOTS", "failed")
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def t(msgid: str) -> str:
    """``msgid`` as the site shows it (zh-hans, from the compiled translations)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(translation.gettext(msgid))


class Visitor:
    """One role's browser tab: ``open`` a path, ``fill`` fields by name, ``click`` a button, read what is shown."""

    def __init__(self, page: Any, base_url: str, role: str, recorder: Recorder) -> None:
        self.page = page
        self.base_url = base_url
        self.role = role
        self.recorder = recorder
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.recorder.visited(self.role, frame.url.removeprefix(self.base_url))

    def open(self, path: str, status: int = 200) -> Visitor:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == status, (path, response and response.status)
        self.recorder.snap(self)
        return self

    def click(self, name: str, *, role: str = "button", exact: bool = False) -> Visitor:
        """Click the button (or link, ``role="link"``) named ``name`` and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role(role, name=name, exact=exact).first.click()
        self.recorder.snap(self)
        return self

    def fill(self, field: str, value: str) -> Visitor:
        """Fill the form control whose ``name`` is ``field`` (text, textarea, select or radio)."""
        control = self.page.locator(f'[name="{field}"]')
        first = control.first
        tag = first.evaluate("e => e.tagName.toLowerCase() + (e.type ? ':' + e.type : '')")
        if tag.startswith("select"):
            if re.fullmatch(r"\d+", value) or first.locator(f'option[value="{value}"]').count():
                first.select_option(value=value)
            else:
                first.select_option(label=value)
        elif tag in ("input:radio", "input:checkbox"):
            self.page.locator(f'[name="{field}"][value="{value}"]').check()
        else:
            first.fill(value)
        return self

    def check(self, field: str, value: str | None = None) -> Visitor:
        selector = f'[name="{field}"]' + (f'[value="{value}"]' if value is not None else "")
        self.page.locator(selector).first.check()
        return self

    def upload(self, field: str, *files: Path) -> Visitor:
        self.page.locator(f'input[type="file"][name="{field}"]').set_input_files([str(f) for f in files])
        return self

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def text(self, selector: str = "main") -> str:
        return self.page.locator(selector).first.inner_text()

    def sees(self, *texts: str, selector: str = "main") -> Visitor:
        shown = self.text(selector)
        for text in texts:
            assert text in shown, f"{self.role} at {self.path}: {text!r} not shown in:\n{shown[:3000]}"
        return self

    def does_not_see(self, *texts: str, selector: str = "main") -> Visitor:
        shown = self.text(selector)
        for text in texts:
            assert text not in shown, f"{self.role} at {self.path}: {text!r} is shown"
        return self

    def axe(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
        """The page's axe-core violations of those impacts (WCAG 2.x A and AA rules)."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # The site's CSP forbids inline scripts (page.add_script_tag): evaluate the file through DevTools.
            self.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 5)}));
            }"""
        )
        return [v for v in result if v["impact"] in impacts]


class Recorder:
    """Screenshots (on failure, or all with ZILU_BROWSER_SCREENSHOTS=all) and the pages visited per role."""

    def __init__(self, directory: Path, test_name: str) -> None:
        self.directory = directory
        self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
        self.count = 0
        self.pages: dict[str, list[str]] = {}

    def visited(self, role: str, path: str) -> None:
        seen = self.pages.setdefault(role, [])
        if not seen or seen[-1] != path:
            seen.append(path)

    def shot(self, visitor: Visitor, label: str) -> Path:
        self.count += 1
        path = self.directory / f"{self.test_name}-{self.count:02d}-{visitor.role}-{label}.png"
        visitor.page.screenshot(path=str(path), full_page=True)
        return path

    def snap(self, visitor: Visitor) -> None:
        if SCREENSHOTS == "all":
            slug = re.sub(r"[^A-Za-z0-9]+", "_", visitor.path).strip("_")[:60] or "home"
            self.shot(visitor, slug)

    def write_visited(self) -> None:
        if SCREENSHOTS == "all" or os.environ.get("ZILU_BROWSER_ARTIFACTS"):
            with (self.directory / "visited.txt").open("a", encoding="utf-8") as out:
                for role, paths in self.pages.items():
                    out.write(f"{self.test_name}\t{role}\t{' '.join(paths)}\n")
