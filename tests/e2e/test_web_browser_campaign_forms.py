"""A monitoring form composed by hand in a real browser on a phone 390 px wide: the region
officer starts a form, adds a choice item (forgetting its options first: the message stands
beside the field), a sub-requirement and a section; every page, the refused one too, passes
axe-core and does not scroll sideways. Then, with scripts off, the same pages still compose.
Screenshots land in tests/artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from shared.adapters.settings import Settings
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import page_faults

pytestmark = pytest.mark.browser

PHONE = ViewportSize(width=390, height=844)
TITLE = "Мониторинг кадров наставничества"


async def _phone(chromium: Browser, site: Settings, scripts: bool) -> Page:
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}",
        locale="ru-RU",
        viewport=PHONE,
        java_script_enabled=scripts,
    )
    context.set_default_timeout(30_000)
    return await context.new_page()


async def _item(page: Page, number: str, text: str, kind: str, options: str = "") -> None:
    await page.locator("#f-i_number").fill(number)
    await page.locator("#f-i_text").fill(text)
    await page.locator("#f-i_kind").select_option(label=kind)
    await page.locator("#f-i_options").fill(options)


async def test_a_form_is_composed_on_a_phone_and_every_page_passes_axe(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    page = await _phone(chromium, site, scripts=True)
    await sign_in_as(page, "Специалист министерства образования", "/campaigns")
    await page.get_by_role("link", name="Составить новую форму").click()
    await expect(page.locator("#f-title")).to_be_visible()  # the new page has loaded
    assert await page_faults(page) == [], page.url
    await page.locator("#f-title").fill(TITLE)
    await page.locator("#f-s_number").fill("1")
    await page.locator("#f-s_title").fill("Наставники")
    await _item(page, "1.1", "Число наставников", "число")
    await page.get_by_role("button", name="Создать форму").click()
    await expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    assert await page_faults(page) == [], page.url

    await _item(page, "1.2", "Форма наставничества", "выбор из вариантов")
    await page.get_by_role("button", name="Сохранить пункт").click()
    beside = page.locator("#e-i_options")
    await expect(beside).to_contain_text("варианты ответа")
    assert await page_faults(page) == [], page.url  # the refused form too
    await page.screenshot(path=screenshots / "campaign-form-refused-390.png", full_page=True)
    await page.locator("#f-i_options").fill("ученик — ученик\nучитель — ученик")
    await page.get_by_role("button", name="Сохранить пункт").click()
    await expect(page.get_by_text("Пункт сохранён")).to_be_visible()
    await expect(page.locator("#item-1\\.2")).to_contain_text("ученик — ученик; учитель — ученик")
    assert await page_faults(page) == [], page.url

    scriptless = await _phone(chromium, site, scripts=False)
    await sign_in_as(scriptless, "Специалист министерства образования", urlparse(page.url).path)
    await scriptless.locator("#f-r_item").select_option("1.2")
    await scriptless.locator("#f-r_number").fill("1.2.1")
    await scriptless.locator("#f-r_text").fill("Указана в программе наставничества")
    await scriptless.get_by_role("button", name="Добавить требование").click()
    await expect(scriptless.get_by_text("Требование добавлено")).to_be_visible()
    await scriptless.locator("#f-s_number").fill("2")
    await scriptless.locator("#f-s_title").fill("Обучение")
    await scriptless.get_by_role("button", name="Добавить раздел").click()
    await expect(scriptless.get_by_role("heading", name="2. Обучение")).to_be_visible()
    await expect(scriptless.get_by_text("1.2.1 Указана в программе наставничества")).to_be_visible()
    await scriptless.screenshot(path=screenshots / "campaign-form-composed-390.png", full_page=True)

    await page.reload()
    assert await page_faults(page) == [], page.url
