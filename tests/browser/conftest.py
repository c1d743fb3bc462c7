"""Browser tests: the pages as a person uses them, in a real Chromium (Debian's ``chromium``,
driven by Playwright), against the live test server.

Every page a test visits can be checked with :func:`check_page`: axe-core finds no WCAG 2.1
A/AA violation, the page loaded nothing from outside the platform, and the browser reported no
error (a Content-Security-Policy violation is one). Without Chromium the tests skip on a
laptop and fail in CI (``CBAM_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import service_unavailable

CHROMIUM = os.environ.get("CBAM_CHROMIUM", "") or shutil.which("chromium") or ""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM:
        service_unavailable("chromium is not installed (Debian package `chromium`)")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """What the browser saw while a test ran: requests to other hosts, console errors."""

    base_url: str
    foreign_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def visit(live_server: Any) -> Visit:
    return Visit(base_url=live_server.url)


def new_tab(browser: Any, visit: Visit, locale: str = "en-GB") -> Any:
    """A person's browser (a context of its own: cookies, language) whose foreign requests,
    failed subresources and errors are recorded in ``visit`` for :func:`check_page`."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(15_000)

    def on_request(request: Any) -> None:
        url = request.url
        if not (url.startswith(visit.base_url) or url.startswith(("data:", "about:"))):
            visit.foreign_requests.append(url)

    def on_response(response: Any) -> None:
        # A missing stylesheet, script, image or fragment is an error; the page itself may
        # answer 404 or 403 on purpose.
        if response.status >= 400 and response.request.resource_type != "document":
            visit.errors.append(f"{response.status} {response.url}")

    def on_console(message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            visit.errors.append(message.text)

    tab.on("request", on_request)
    tab.on("response", on_response)
    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    return tab


@pytest.fixture
def page(browser: Any, visit: Visit) -> Iterator[Any]:
    tab = new_tab(browser, visit)
    yield tab
    tab.context.close()


def _axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def check_page(page: Any, visit: Visit) -> None:
    """axe-core (WCAG 2.1 A and AA) finds nothing; nothing came from the internet; no error."""
    page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]
    assert problems == [], f"{page.url}: accessibility violations:\n" + "\n".join(problems)
    assert visit.foreign_requests == [], f"{page.url} loaded from outside the platform"
    assert visit.errors == [], f"{page.url}: browser errors: {visit.errors}"


SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def snap(page: Any, name: str) -> None:
    """With ``CBAM_SCREENSHOTS=1`` (``make screenshots``), save the page as
    docs/screenshots/<name>.png for the README's tour; otherwise do nothing."""
    if os.environ.get("CBAM_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def log_in(page: Any, visit: Visit, email: str, password: str) -> None:
    page.goto(f"{visit.base_url}/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
