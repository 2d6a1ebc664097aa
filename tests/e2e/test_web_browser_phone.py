"""Every staff page of every role on a phone (390 × 844, Chromium, the demo region): each page a
role can reach by following links from its first page is opened once, must not scroll sideways
and must pass axe-core with no serious or critical violation. A screenshot of each lands in
tests/artifacts/screenshots/phone/. And one journey by keyboard alone."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, expect

from services.demo_users import DEMO_USERS
from shared.adapters.settings import Settings
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import PHONE, page_faults

pytestmark = pytest.mark.browser

_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Downloads and what is not a page of its own.
# Downloads (documents, sheets, calendars) and the sign-in pages are not pages to crawl.
_NOT_A_PAGE = re.compile(
    r"/(docx|export|template)$|\.(docx|xlsx|ics|json|pdf)$|^/(static|login|logout|health)\b"
)


def kind_of_page(path: str) -> str:
    """One visit per page, whichever person, pair or school it shows."""
    return _ID.sub("{id}", path)


async def links_on(page: Page) -> list[str]:
    """The site's own pages the page links to, without query or fragment."""
    hrefs: list[str] = await page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    here = urlsplit(page.url).netloc
    paths = (urlsplit(href) for href in hrefs)
    return [p.path for p in paths if p.netloc == here and not _NOT_A_PAGE.search(p.path)]


async def visit_every_page(page: Page, role: str, shots: Path) -> tuple[int, list[str]]:
    """Every page reachable from the first one, each kind once: how many, and what each fails
    at."""
    faults: list[str] = []
    queue, seen = ["/"], {"/"}  # seen: kinds of page
    while queue:
        path = queue.pop(0)
        response = await page.goto(path)
        assert response is not None, f"{role}: {path} did not answer"
        assert response.ok, f"{role}: {path} answered {response.status}"
        kind = kind_of_page(path)
        slug = kind.strip("/").replace("/", "-").replace("{id}", "id") or "home"
        await page.screenshot(path=shots / f"{role}-{slug}.png", full_page=True)
        faults += [f"{role} {kind}: {fault}" for fault in await page_faults(page)]
        for link in await links_on(page):
            if kind_of_page(link) not in seen:
                seen.add(kind_of_page(link))
                queue.append(link)
    return len(seen), faults


async def test_every_staff_page_fits_a_phone_and_passes_axe(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    shots = screenshots / "phone"
    shots.mkdir(exist_ok=True)
    faults: list[str] = []
    visited = 0
    for role, name in DEMO_USERS:
        context = await chromium.new_context(
            base_url=f"http://127.0.0.1:{site.web_port}", locale="ru-RU", viewport=PHONE
        )
        page = await context.new_page()
        try:
            await sign_in_as(page, name)
            pages, found = await visit_every_page(page, str(role), shots)
            visited += pages
            faults += found
        finally:
            await context.close()
    assert visited > 40  # the crawl reached the pages, not only the first ones
    assert not faults, "\n".join(faults)


# What a screen reader would call the focused element: its label, or its own text.
_NAME = "(e.getAttribute('aria-label') || e.labels?.[0]?.innerText || e.innerText).trim()"


async def tab_until(page: Page, where: str, what: str, presses: int = 40) -> None:
    """Press Tab until the focused element `e` makes the script `where` true, as a keyboard user
    would, and check that where the focus is can be seen."""
    for _ in range(presses):
        await page.keyboard.press("Tab")
        focused = page.locator("*:focus")
        if await focused.evaluate(f"e => {where}"):
            outline = await focused.evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline != "none", f"the focus on {what} cannot be seen"
            return
    raise AssertionError(f"{what} is not reached by Tab")


async def tab_to(page: Page, name: str) -> None:
    await tab_until(page, f"{_NAME}.startsWith({json.dumps(name)})", f"«{name}»")


async def test_a_coordinator_records_a_meeting_by_keyboard_alone(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}", locale="ru-RU", viewport=PHONE
    )
    page = await context.new_page()
    try:
        await page.goto("/login?next=/")
        await tab_to(page, "Координатор школы № 1")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name="Что требует внимания")).to_be_visible()

        # The first Tab shows the skip link; the menu folds the sections on a phone.
        await page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Перейти к содержанию")
        await expect(skip).to_be_focused()
        await expect(skip).to_be_in_viewport()
        await tab_to(page, "Меню")
        await page.keyboard.press("Enter")
        await tab_to(page, "Пары")
        await page.keyboard.press("Enter")
        pairs = page.get_by_role("heading", name="Наставнические пары и группы")
        await expect(pairs).to_be_visible()

        # Past the menu in one step: the next Tab lands on the first pair.
        await page.keyboard.press("Tab")
        await page.keyboard.press("Enter")
        await expect(page.locator("main")).to_be_focused()
        await page.keyboard.press("Tab")
        await expect(page.locator("td.title a").first).to_be_focused()
        await tab_until(page, "e.closest('tr').innerText.includes('работает')", "a working pair")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name="Записать встречу")).to_be_visible()

        await tab_to(page, "Тема")
        await page.keyboard.type("Разбор пробного экзамена")
        await page.keyboard.press("Tab")
        await page.keyboard.type("9")
        await tab_to(page, "Записать встречу")
        await page.screenshot(path=screenshots / "phone" / "keyboard-meeting-form.png")
        await page.keyboard.press("Enter")
        await expect(page.get_by_text("Встреча записана")).to_be_visible()
        await expect(page.get_by_text("Разбор пробного экзамена")).to_be_visible()
    finally:
        await context.close()
