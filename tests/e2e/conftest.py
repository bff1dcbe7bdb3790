"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser serves all the browser tests; each test gets a fresh context (cookies, storage) with a
phone-sized viewport, short timeouts, and a watch on the browser console: a JavaScript error, a
Content-Security-Policy violation or a resource that fails to load fails the test.

``playwright install`` is never used: the browser is the system's ``/usr/bin/chromium`` (Debian
package ``chromium``, installed by ``scripts/system-packages.sh`` from ``make install``). When it
is missing the tests fail with that instruction rather than being skipped.

Playwright's sync API runs its own asyncio event loop in the test thread. Django then sees "an
async context" and refuses ORM calls made by the test itself (fixtures that create customers,
assertions that read the database) with SynchronousOnlyOperation, although nothing here is
asynchronous: the test thread only blocks on the browser. DJANGO_ALLOW_ASYNC_UNSAFE lifts that
check, and only while the browser runs: the driver is package-scoped, so it starts with the first
browser test and stops (restoring the variable) after the last one; the rest of the suite keeps
Django's check.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.accounts.mailutil import smtp_server  # noqa: F401  (a real SMTP server, aiosmtpd)
from tests.accounts.personas import customer, outsider, staff, teammate  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 5_000
SHOTS = Path("/tmp/shots")
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# Browsers ask for /favicon.ico on their own; the site has none, which is not a page's fault.
_IGNORED_RESOURCES = re.compile(r"/favicon\.ico$")
# Resource kinds a page loads on its own; a document answering 4xx is a test's business.
_SUBRESOURCES = {"stylesheet", "script", "image", "font", "fetch", "xhr"}


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test itself failed, so its page is kept as a screenshot."""
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium package. "
            "Install it with `sh scripts/system-packages.sh` (run by `make install`/`make test`); "
            "never `playwright install`.",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail(
            "the playwright package is missing: `.venv/bin/pip install -e '.[dev]'`",
            pytrace=False,
        )
    before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if before is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = before


@pytest.fixture(scope="package")
def browser(playwright_driver: Any) -> Iterator[Any]:
    for stale in SHOTS.glob("FAILED-*.png"):
        stale.unlink()
    chromium = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), args=LAUNCH_ARGS, timeout=30_000
    )
    yield chromium
    chromium.close()


@dataclass
class ConsoleWatch:
    """Collects JavaScript errors, CSP violations and failed sub-resources of a page."""

    problems: list[str] = field(default_factory=list)

    def on_console(self, message: Any) -> None:
        # Failed loads are reported (with their URL) by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def on_page_error(self, error: Any) -> None:
        self.problems.append(f"page error: {error}")

    def on_response(self, response: Any) -> None:
        wanted = response.request.resource_type in _SUBRESOURCES
        if wanted and response.status >= 400 and not _IGNORED_RESOURCES.search(response.url):
            self.problems.append(f"{response.status} for {response.url}")

    def on_request_failed(self, request: Any) -> None:
        # A load cut short by the next navigation (ERR_ABORTED) is the test moving on.
        wanted = request.resource_type in _SUBRESOURCES and "ERR_ABORTED" not in request.failure
        if wanted and not _IGNORED_RESOURCES.search(request.url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh phone-sized page whose relative URLs go to the live server."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=1, is_mobile=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    tab = context.new_page()
    watch = ConsoleWatch()
    tab.on("console", watch.on_console)
    tab.on("pageerror", watch.on_page_error)
    tab.on("response", watch.on_response)
    tab.on("requestfailed", watch.on_request_failed)
    yield tab
    if request.node.stash.get(_CALL_FAILED, False):
        _screenshot(tab, f"FAILED-{request.node.name}", full_page=True)
    context.close()
    assert not watch.problems, "the browser reported problems:\n" + "\n".join(watch.problems)


def _screenshot(tab: Any, name: str, *, full_page: bool = False) -> Path:
    """The phone's screen (or the whole page) as /tmp/shots/<name>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    tab.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def shot() -> Callable[..., Path]:
    """``shot(page, "signup")`` saves what the phone shows to /tmp/shots/signup.png."""
    return _screenshot
