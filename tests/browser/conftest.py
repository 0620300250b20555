"""Fixtures for browser tests: one headless Chromium per session, the demo hall served by
pytest-django's live server for every test, and a recorder of console errors and requests per page.

A browser that cannot start is a failure, never a skip. On a machine without Chromium, leave the
browser tests out explicitly with ``SERVICEHALL_BROWSER_TESTS=0`` (ignored when ``CI=true``); the run
then says how many it left out.
"""

import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pytest

from tests.serverproc import AsgiServer

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from such a
# thread unless told it is safe (it is: the loop never runs Django code).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1440, "height": 900}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _unavailable(reason: str):
    pytest.fail(
        f"Browser tests cannot run: {reason}. Install Debian's chromium (apt-get install chromium "
        "fonts-noto-cjk), or leave these tests out with SERVICEHALL_BROWSER_TESTS=0.",
        pytrace=False,
    )


def pytest_collection_modifyitems(config, items):
    """Deselect (not skip) browser tests only when asked, and never in CI."""
    in_ci = os.environ.get("CI", "").strip().lower() == "true"
    if in_ci or os.environ.get("SERVICEHALL_BROWSER_TESTS", "1") != "0":
        return
    browser = [i for i in items if i.get_closest_marker("browser")]
    if browser:
        config.hook.pytest_deselected(items=browser)
        items[:] = [i for i in items if not i.get_closest_marker("browser")]


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the environment
        _unavailable(f"the playwright package is not installed ({exc})")
    try:
        pw = sync_playwright().start()
    except Exception as exc:  # pragma: no cover - depends on the environment
        _unavailable(f"Playwright could not start ({exc})")
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:  # pragma: no cover - depends on the environment
        pw.stop()
        _unavailable(f"Chromium at {CHROMIUM} could not be launched ({exc})")
    yield browser
    browser.close()
    pw.stop()


@dataclass
class DemoSite:
    url: str
    hall_code: str
    hall_name: str
    items: list[dict]

    def path(self, path: str) -> str:
        return self.url + path

    def item(self, name: str) -> dict:
        return next(i for i in self.items if i["name"] == name)

    @property
    def catalog(self) -> str:
        return self.path(f"/catalog/{self.hall_code}/")


@pytest.fixture
def site(live_server, transactional_db, settings) -> DemoSite:
    """The demo hall, loaded afresh for each test (the transactional database is emptied after each)."""
    from django.core.cache import cache

    from servicehall.demo import HALL_CODE, load_demo

    # Hashing four demo passwords with the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # rate-limit counters from earlier tests
    result = load_demo()
    data = json.loads(
        resources.files("servicehall.catalog").joinpath("demo/items.json").read_text(encoding="utf-8")
    )
    return DemoSite(
        url=live_server.url,
        hall_code=HALL_CODE,
        hall_name=result.hall.name,
        items=[i for i in data["items"] if i.get("active", True)],
    )


@dataclass
class Recorder:
    """What a page did that a user (or an auditor) would care about."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions, except the browser's own /favicon.ico probe: it
        arrives at an unpredictable moment after the page loads, so ``test_site_has_a_favicon`` checks
        it deterministically instead."""
        return [e for e in self.console_errors if "/favicon.ico" not in e] + self.page_errors

    def attach(self, page) -> None:
        page.on(
            "console",
            lambda m: self.console_errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))


@pytest.fixture
def new_page(chromium):
    """Factory: a fresh browser context (own cookies, local storage) and page, in simplified Chinese."""
    contexts = []

    def make(viewport: dict | None = None, recorder: Recorder | None = None):
        context = chromium.new_context(
            viewport=viewport or DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if recorder is not None:
            recorder.attach(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(new_page, recorder):
    return new_page(recorder=recorder)


@pytest.fixture
def screenshot():
    """Save a screenshot to docs/screenshots/ only when SERVICEHALL_SCREENSHOTS=1."""
    enabled = os.environ.get("SERVICEHALL_SCREENSHOTS") == "1"

    def take(page, name: str, full_page: bool = False) -> None:
        if not enabled:
            return
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=str(SCREENSHOT_DIR / name), full_page=full_page)

    return take


@pytest.fixture
def asgi_site(transactional_db, settings):
    """The demo hall served by the ASGI application (SSE included) on its own port."""
    from django.core.cache import cache

    from servicehall.demo import HALL_CODE, load_demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    result = load_demo()
    server = AsgiServer()
    server.start()
    server.hall_code = HALL_CODE
    server.kiosk_token = next(raw for name, raw in result.device_tokens.items() if "自助" in name)
    server.tokens = result.device_tokens
    yield server
    server.stop()
