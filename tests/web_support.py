"""Fixtures for the web interface (loaded from conftest as a plugin).

- `web`: the web app in-process, calling the three services' in-process apps of the `api`
  fixture with the user's token, for plain HTTP tests of pages, forms, CSRF and errors.
- `site`: the four services as real HTTP servers on free ports against a database of their own,
  with the demo region loaded, for the browser tests (Playwright driving Debian's chromium).
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from axe_playwright_python.async_playwright import Axe
from litestar.testing import AsyncTestClient
from playwright.async_api import Browser, Page, ViewportSize, async_playwright
from playwright.async_api import Error as PlaywrightError

from services.cli import SERVICES, WEB, start_service, stop_services, wait_healthy
from services.demo import DemoLoader
from services.web.api import create_app
from services.web.backend import Backend
from shared.adapters.database import DatabaseAddress
from shared.adapters.settings import PROJECT_ROOT, Settings
from tests.conftest import Api, fresh_database
from tests.e2e.test_processes import environment, free_port

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = PROJECT_ROOT / "tests" / "artifacts" / "screenshots"
VIEWPORT = ViewportSize(width=1280, height=900)
PHONE = ViewportSize(width=390, height=844)
# axe-core's impacts that fail a page (WCAG 2.1 AA, the basis of ГОСТ Р 52872-2019).
_BLOCKING = {"serious", "critical"}
_AXE = Axe()
_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
_FORM = re.compile(r'<form [^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.DOTALL)
_COMMAND_KEY = re.compile(r'name="_command_key" value="([^"]+)"')
# What no person should read on a page: ISO dates, ids, codes in snake_case, English words (the
# Latin words a Russian page may hold are named in LATIN_ALLOWED).
_NOT_FOR_PEOPLE = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b"
    r"|\b[A-Za-z]{3,}\b"
)
LATIN_ALLOWED = {"DOCX", "XLSX", "xlsx", "Excel", "Word", "GraphQL", "SVG", "UTC", "SWOT"}


_NOT_READ = ("script", "style", "code")


class _VisibleText(HTMLParser):
    """The text a person reads: no tags, attributes, scripts or styles; `<code>` is a command a
    developer types (the development login), shown as typed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in _NOT_READ

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in _NOT_READ

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def not_for_people(html: str) -> list[str]:
    """ISO dates, ids, codes and English words a page shows as text."""
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    # Addresses are read as they are; the generated region's people are «teacher-s1-9 Тестовый».
    text = re.sub(r"\S+@\S+|https?://\S+|\b[a-z_]+-s\d+-\d+\b", " ", text)
    return [m for m in _NOT_FOR_PEOPLE.findall(text) if m not in LATIN_ALLOWED]


def assert_for_people(response: httpx.Response) -> None:
    if response.headers.get("content-type", "").startswith("text/html"):
        found = not_for_people(response.text)
        assert not found, f"{response.request.url.path} shows {sorted(set(found))}"


class WebClient:
    """A person's browser without JavaScript: follows pages, sends forms with their CSRF token."""

    def __init__(self, client: AsyncTestClient[Any], api: Api) -> None:
        self.client = client
        self.api = api
        self.last: httpx.Response | None = None

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        self.last = await self.client.get(path, follow_redirects=False, **kwargs)
        assert_for_people(self.last)
        return self.last

    def csrf(self) -> str:
        assert self.last is not None, "open a page with a form first"
        found = _CSRF.search(self.last.text)
        assert found, "the page has no form with a CSRF token"
        return found.group(1)

    async def submit(
        self, path: str, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """Send a form from the page opened last, as the browser would."""
        fields = {"_csrf_token": self.csrf(), **self.form_key(path), **(data or {})}
        self.last = await self.client.post(path, data=fields, follow_redirects=False, **kwargs)
        assert_for_people(self.last)
        return self.last

    def form_key(self, action: str) -> dict[str, str]:
        """The key the page rendered into the form sent to `action`, as a browser sends it."""
        for form_action, form in _FORM.findall(self.last.text if self.last else ""):
            found = _COMMAND_KEY.search(form)
            if form_action == action and found:
                return {"_command_key": found.group(1)}
        return {}

    async def sign_in(self, token: str, next_path: str = "/") -> httpx.Response:
        """Sign in once reporting shows what the test set up through the services directly."""
        await self.api.caught_up(token)
        await self.get(f"/login?next={next_path}")
        return await self.submit("/login/token", {"token": token, "next": next_path})


@pytest.fixture
async def web(api: Api) -> AsyncIterator[WebClient]:
    backend = Backend(api.registry, api.programs, api.reporting)
    async with AsyncTestClient(create_app(api.settings, backend=backend)) as client:
        yield WebClient(client, api)


@pytest.fixture(scope="session")
async def site_database(server: DatabaseAddress) -> AsyncIterator[DatabaseAddress]:
    async with fresh_database(server, "nastavnik_web") as address:
        yield address


@pytest.fixture(scope="session")
def site(site_database: DatabaseAddress) -> Iterator[Settings]:
    """The four services as `make run` starts them, with the demo region loaded."""
    ports = {s: free_port() for s in (WEB, *SERVICES)}
    settings = msgspec.structs.replace(
        Settings(database_url=site_database.url), **{f"{s}_port": p for s, p in ports.items()}
    )
    urls = {s: f"http://127.0.0.1:{port}" for s, port in ports.items()}
    # The web interface finds the three services by their ports.
    env = environment(site_database, **{f"{s.upper()}_PORT": str(p) for s, p in ports.items()})
    processes = [start_service(s, settings, env) for s in urls]
    try:
        wait_healthy(list(urls.values()), processes, seconds=90)
        DemoLoader(settings, urls["registry"], urls["programs"]).load()
        yield settings
    finally:
        stop_services(processes)


@pytest.fixture(scope="session")
async def chromium() -> AsyncIterator[Browser]:
    """Debian's chromium, headless (the builds `playwright install` fetches cannot be had
    here); `--no-sandbox` because the tests run as root."""
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 — once per session, before any loop work
        pytest.skip(
            f"browser tests need Debian's chromium at {CHROMIUM}: apt-get install -y chromium"
        )
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=ru-RU"]
        )
        yield browser
        await browser.close()


@pytest.fixture
async def page(chromium: Browser, site: Settings) -> AsyncIterator[Page]:
    """A fresh browser profile (no cookies) with pages relative to the web interface."""
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}", locale="ru-RU", viewport=VIEWPORT
    )
    context.set_default_timeout(30_000)
    opened = await context.new_page()
    shown: list[str] = []

    async def scan(loaded: Page) -> None:
        try:
            found = not_for_people(await loaded.content())
            faults = await page_faults(loaded)
        except PlaywrightError:
            return  # already navigating on: the next page is scanned when it loads
        if found:
            shown.append(f"{loaded.url} shows {sorted(set(found))}")
        shown.extend(f"{loaded.url}: {fault}" for fault in faults)

    opened.on("load", scan)
    yield opened
    await context.close()
    # every page the browser loaded is read by a person, fits its window and passes axe-core
    assert not shown, shown


async def page_faults(page: Page) -> list[str]:
    """What the open page fails at: scrolling sideways in its viewport, a browser's own date
    picker (it shows many an English mm/dd/yyyy; dates are typed ДД.ММ.ГГГГ), or a serious or
    critical axe-core violation (each with the first few elements at fault)."""
    faults = []
    await page.wait_for_load_state()  # a page still arriving has no document to measure yet
    width: int = await page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    if viewport and width > viewport["width"]:
        faults.append(f"{width} px wide in a {viewport['width']} px window")
    pickers: list[str] = await page.eval_on_selector_all(
        "input[type=date]", "inputs => inputs.map(input => input.name)"
    )
    if pickers:
        faults.append(f"a native date picker instead of ДД.ММ.ГГГГ: {pickers}")
    results = await _AXE.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in _BLOCKING:
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            faults.append(f"{violation['id']} ({violation['impact']}): {targets}")
    return faults


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@asynccontextmanager
async def phone(chromium: Browser, site: Settings, scripts: bool = False) -> AsyncIterator[Page]:
    """A phone 390 px wide on the web interface, with scripts off unless asked for."""
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}",
        locale="ru-RU",
        viewport=ViewportSize(width=390, height=844),
        java_script_enabled=scripts,
    )
    try:
        yield await context.new_page()
    finally:
        await context.close()
