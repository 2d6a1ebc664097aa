"""«Ответственность» on a phone's width with scripts off: the demo school's director makes its
curator responsible for stages 2–7 and reads the grant back, who gave it and when."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shared.adapters.settings import Settings
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import page_faults, phone

pytestmark = pytest.mark.browser


async def test_a_grant_is_given_and_read_at_390_px_without_javascript(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    async with phone(chromium, site) as page:
        await sign_in_as(page, "Директор школы № 1", "/responsibilities")
        await expect(page.get_by_role("heading", name="Поручить ответственность")).to_be_visible()
        curators = page.locator('select[name="person_id"] option:not([value=""])')
        await page.locator('select[name="person_id"]').select_option(
            await curators.first.get_attribute("value")
        )
        for stage in range(2, 8):
            await page.locator(f'input[name="stage"][value="{stage}"]').check()
        assert await page_faults(page) == []
        await page.screenshot(path=screenshots / "responsibilities-form-390.png", full_page=True)
        await page.get_by_role("button", name="Поручить", exact=True).click()

        await expect(page.get_by_text("Ответственность поручена")).to_be_visible()
        await expect(page.get_by_text(f"Поручено с {date.today():%d.%m.%Y}").first).to_be_visible()
        assert await page_faults(page) == []
        await page.screenshot(path=screenshots / "responsibilities-390.png", full_page=True)
