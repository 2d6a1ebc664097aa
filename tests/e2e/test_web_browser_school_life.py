"""«Мероприятия» on a phone (390 px, Chromium, the demo region): a curator records the school's
round table from the form and finds it listed; the page fits the phone and passes axe-core."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shared.adapters.settings import Settings, region_today
from tests.e2e.test_web_browser import sign_in_as
from tests.web_support import PHONE, page_faults

pytestmark = pytest.mark.browser

TITLE = "Круглый стол по выявлению лучших практик наставничества"


async def test_a_curator_records_a_round_table_on_a_phone(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}", locale="ru-RU", viewport=PHONE
    )
    page = await context.new_page()
    try:
        await sign_in_as(page, "Куратор школы № 1", "/events")
        await expect(page.get_by_role("heading", name="Проведённые")).to_be_visible()
        await expect(page.get_by_text("О групповой встрече на сайте школы")).to_be_visible()
        form_faults = await page_faults(page)
        await page.get_by_label("Вид мероприятия").select_option(
            label="итоговое мероприятие (круглый стол)"
        )
        held = (region_today() - timedelta(days=2)).strftime("%d.%m.%Y")
        await page.get_by_label("Дата проведения").fill(held)
        await page.locator("#f-title").fill(TITLE)
        await page.get_by_label("Классы целиком").fill("9А, 10Б")
        await page.get_by_role("button", name="Записать", exact=True).click()
        await expect(page.get_by_text("Мероприятие записано")).to_be_visible()
        await expect(page.get_by_text(TITLE)).to_be_visible()
        await page.screenshot(path=screenshots / "events-390.png", full_page=True)
        listed_faults = await page_faults(page)
    finally:
        await context.close()

    assert form_faults == []
    assert listed_faults == []


async def test_the_stage_scheme_form_fits_a_phone(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    """Only opened: the demo school keeps the seven, as the programme page's test expects."""
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}", locale="ru-RU", viewport=PHONE
    )
    page = await context.new_page()
    try:
        await sign_in_as(page, "Директор школы № 1", "/programme")
        await page.get_by_role("link", name="Назвать этапы так, как в документах школы").click()
        await expect(page.get_by_role("heading", name="Схема этапов школы")).to_be_visible()
        await page.screenshot(path=screenshots / "stage-scheme-390.png", full_page=True)
        faults = await page_faults(page)
    finally:
        await context.close()

    assert faults == []
