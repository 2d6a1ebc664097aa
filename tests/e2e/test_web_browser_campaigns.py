"""The demo region's monitoring campaign in a real browser, on a phone 390 px wide with scripts
off: the first school's director finds it on the first page, returned with the institute's
recommendation, revises item 1.5, saves a draft and submits again; the region officer reads
the results. Screenshots land in tests/artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shared.adapters.settings import Settings
from tests.e2e.test_web_browser import sign_in_as, sign_out
from tests.web_support import phone

pytestmark = pytest.mark.browser

TITLE = "Мониторинг нормативных документов по внедрению системы наставничества"


async def test_a_campaign_is_answered_and_read_on_a_phone_without_javascript(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    async with phone(chromium, site) as page:
        await sign_in_as(page, "Директор школы № 1")
        await expect(page.get_by_role("heading", name="Идут мониторинги")).to_be_visible()
        await page.get_by_role("link", name=TITLE).click()
        await expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
        recommendations = page.locator("#recommendations")
        await expect(recommendations.get_by_text(re.compile("Опишите ожидаемые"))).to_be_visible()
        await page.screenshot(path=screenshots / "campaign-school-returned-390.png", full_page=True)
        await page.locator("#f-e_1\\.5").fill("Программа, ред. 2: результаты и программы")
        await page.get_by_role("button", name="Сохранить черновик").click()
        await expect(page.get_by_text("Черновик сохранён")).to_be_visible()
        await page.get_by_role("button", name="Отправить ответ").click()
        await expect(page.get_by_text("Ответ отправлен")).to_be_visible()
        await expect(page.get_by_role("button", name="Отправить ответ")).to_have_count(0)
        await page.screenshot(
            path=screenshots / "campaign-school-submitted-390.png", full_page=True
        )
        await sign_out(page)

        await sign_in_as(page, "Специалист министерства образования", "/campaigns")
        await page.get_by_role("link", name=TITLE).click()
        organisations = page.locator("#organisations")
        await expect(organisations.get_by_text("не приступили", exact=True)).to_have_count(1)
        await expect(organisations.get_by_text("отправлен", exact=True)).to_have_count(2)
        await page.screenshot(path=screenshots / "campaign-results-390.png", full_page=True)
