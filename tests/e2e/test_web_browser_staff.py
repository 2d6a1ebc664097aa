"""The school's staff on a phone's width: a director adds a deputy in neither base, gives her the
coordinator's role with its duties and the founder's order, and reads the list — with scripts
off, each page no wider than 390 px; then the same pages pass axe-core (which needs scripts)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shared.adapters.settings import Settings
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import page_faults, phone

pytestmark = pytest.mark.browser

DUTIES = (
    "Формирование базы наставников и наставляемых.\nКонтроль проведения программ наставничества."
)


async def fits(page: Page, shot: Path) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=shot, full_page=True)


async def test_a_deputy_is_added_and_appointed_at_390_px_without_javascript(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    async with phone(chromium, site) as page:
        await sign_in_as(page, "Директор школы № 1", "/staff/new")
        await expect(page.get_by_role("heading", name="Новый сотрудник")).to_be_visible()
        await page.locator('input[name="full_name"]').fill("Запороженко В.И.")
        await page.locator('select[name="kind"]').select_option("administrator")
        await page.get_by_label("Должность").fill("заместитель директора по УВР")
        await fits(page, screenshots / "staff-new-390.png")
        await page.get_by_role("button", name="Добавить").click()

        await expect(page.get_by_text("Сотрудник добавлен")).to_be_visible()
        await page.get_by_role("link", name="Назначить роль: Запороженко В.И.").click()
        role_page = page.url
        await page.locator('select[name="role"]').select_option("coordinator")
        await page.get_by_label("С какого дня").fill("01.09.2023")
        await page.get_by_label("Обязанности").fill(DUTIES)
        await page.get_by_label("Номер внешнего акта").fill("41-к")
        await page.get_by_label("Дата внешнего акта").fill("31.08.2023")
        await fits(page, screenshots / "staff-role-390.png")
        await page.get_by_role("button", name="Назначить").click()

        await expect(page.get_by_text("Роль назначена")).to_be_visible()
        await expect(page.get_by_text("назначен(а) актом № 41-к от 31.08.2023")).to_be_visible()
        await expect(
            page.get_by_text("Контроль проведения программ наставничества.")
        ).to_be_visible()
        await fits(page, screenshots / "staff-390.png")

    faults: list[str] = []
    async with phone(chromium, site, scripts=True) as page:
        await sign_in_as(page, "Директор школы № 1", "/staff")
        for path in ("/staff", "/staff/new", role_page):
            await page.goto(path)
            faults += [f"{path}: {fault}" for fault in await page_faults(page)]
    assert not faults, faults
