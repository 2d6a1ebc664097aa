"""«Ответственность» on a phone's width: the demo school's director makes its curator responsible
for stages 2–7 and reads the grant back, who gave it and when; both pages pass axe-core (which
needs scripts: the form itself is plain HTML, sent without them in test_web_responsibility)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, ViewportSize, expect

from shared.adapters.settings import Settings, region_today
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import page_faults

pytestmark = pytest.mark.browser


async def test_a_grant_is_given_and_read_at_390_px(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}",
        locale="ru-RU",
        viewport=ViewportSize(width=390, height=844),
    )
    context.set_default_timeout(30_000)
    page = await context.new_page()
    try:
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
        await expect(
            page.get_by_text(f"Поручено с {region_today():%d.%m.%Y}").first
        ).to_be_visible()
        assert await page_faults(page) == []
        await page.screenshot(path=screenshots / "responsibilities-390.png", full_page=True)
    finally:
        await context.close()
