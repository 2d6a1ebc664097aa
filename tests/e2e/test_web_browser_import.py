"""The import page on a phone's width in a real browser: the blank template downloads, and a file
that loads with a doubtful birth date shows the warning by row."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import anyio
import pytest
from openpyxl import load_workbook
from playwright.async_api import Page, expect

from services.registry.columns import COLUMNS, Base
from shared.adapters.settings import region_today
from tests.e2e.test_web_browser import sign_in_as, upload
from tests.integration.test_import_export import mentee_row, workbook

pytestmark = pytest.mark.browser


async def test_the_template_downloads_and_warnings_show_at_390_px(
    page: Page, screenshots: Path
) -> None:
    await page.set_viewport_size({"width": 390, "height": 844})
    await sign_in_as(page, "Координатор школы № 1", "/people/mentees/import")
    await expect(page.get_by_role("heading", name="Загрузка базы из Excel")).to_be_visible()
    await page.screenshot(path=screenshots / "import-390.png", full_page=True)

    async with page.expect_download() as waiting:
        await page.get_by_role("link", name="Скачать пустой шаблон базы (.xlsx)").click()
    download = await waiting.value
    saved = await anyio.Path(await download.path()).read_bytes()
    template = load_workbook(io.BytesIO(saved)).active
    assert template is not None
    assert next(template.iter_rows(values_only=True)) == COLUMNS[Base.MENTEES]

    odd = mentee_row(4101) | {
        "ФИО": "Ранний Рождённый Пятиклассник",
        "Дата рождения": date(region_today().year, 1, 10),
        "Класс": "5А",
    }
    await upload(page, workbook([odd]))
    await expect(page.get_by_text("Все строки загружены в базу")).to_be_visible()
    await expect(page.get_by_role("cell", name="не подходит к классу «5А»")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=screenshots / "import-warnings-390.png", full_page=True)
