"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's live server.

The live server is a thread of the test process, so it sees the test database (SQLite in memory included) and the
tests commit (``transactional_db``). One Chromium per test module (Playwright's sync API keeps an asyncio loop alive
while it runs, which would trip Django's async-safety check in the other tests of the same xdist worker), a fresh
context per role and test, signed in by a session cookie made with Django's test client.

Environment:

- ``ZILU_CHROMIUM``: the browser (default ``/usr/bin/chromium``; Debian's ``chromium`` package). When it or the
  ``playwright`` package is absent the tests skip, except in CI (``CI`` set), where they fail.
- ``ZILU_BROWSER_ARTIFACTS``: where screenshots go (default ``<pytest tmp>/browser``).
- ``ZILU_BROWSER_SCREENSHOTS``: ``failed`` (default: one screenshot per open page when a test fails) or ``all``
  (one after every page the tests open or submit, numbered in order, plus ``visited.txt``: every page per role).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.helpers import AXE_JS, Recorder, Visitor
from tests.conftest import IN_CI

CHROMIUM = os.environ.get("ZILU_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 30_000  # generous: CI machines are shared


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


def _artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("ZILU_BROWSER_ARTIFACTS")
    path = Path(configured) if configured else tmp_path_factory.getbasetemp() / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[Any]:
    """Keep each phase's report on the item: the ``browse`` fixture takes screenshots when the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module's tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).is_file()):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set ZILU_CHROMIUM)")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # Playwright's sync API runs its event loop in this thread: Django would refuse the ORM calls of the test body.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, started with a MEDIA_URL: Django's test server wraps the site in a media handler
    that parses ``MEDIA_URL``, which Zilu leaves unset (evidence is served by ``/files/<id>`` after a permission
    check). The prefix is not routed, so nothing is served from it."""
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    previous = settings.MEDIA_URL
    settings.MEDIA_URL = "/_media-not-served/"
    try:
        server = LiveServer(addr)
    finally:
        settings.MEDIA_URL = previous
    yield server
    server.stop()


@pytest.fixture
def browse(
    request: pytest.FixtureRequest,
    browser: Any,
    users: dict,
    live_server: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Visitor]]:
    """``browse("staff")`` is a tab signed in as that role's user of the ``users`` fixture (``"anonymous"``: signed
    out); ``browse("label", user=some_user)`` signs in another account; ``width=390`` is a phone; ``axe=True`` loads
    axe-core in each page of the tab (``Visitor.axe()``)."""
    recorder = Recorder(_artifacts_dir(tmp_path_factory), request.node.name)
    visitors: list[Visitor] = []
    contexts: list[Any] = []

    def make(role: str = "anonymous", *, user: Any = None, width: int = 1280, axe: bool = False) -> Visitor:
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900}, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        if axe:  # axe-core in every page of this tab, before the page's own scripts (not subject to the CSP)
            context.add_init_script(path=str(AXE_JS))
        contexts.append(context)
        account = user if user is not None else (users[role] if role != "anonymous" else None)
        if account is not None:
            client = Client()
            client.force_login(account)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        visitor = Visitor(context.new_page(), live_server.url, role, recorder)
        visitors.append(visitor)
        return visitor

    yield make

    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    for visitor in visitors:
        if failed:
            try:
                saved = recorder.shot(visitor, "FAILED")
                print(f"screenshot of {visitor.role} at {visitor.path}: {saved}")
            except Exception as error:  # the page may be gone; the test's own error matters more
                print(f"no screenshot of {visitor.role}: {error}")
    recorder.write_visited()
    for context in contexts:
        context.close()
