"""The register of acts on a phone's width with scripts off: a director enters the regulation
from its document (a mark of each kind), finds it in the register and on its own page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, ViewportSize, expect

from shared.adapters.settings import Settings
from tests.e2e.test_web_browser import sign_in_as

pytestmark = pytest.mark.browser

FIELDS = {
    "act_date": "2023-08-29",
    "title": "Положение о наставничестве обучающихся",
    "mark_1_body": "педагогическим советом",
    "mark_1_on": "2023-08-29",
    "mark_1_protocol": "1",
    "mark_2_body": "с управляющим советом",
    "mark_2_on": "2023-08-29",
    "mark_3_body": "Директор",
    "mark_3_on": "2023-08-30",
    "mark_3_signer": "Е.Б. Гончар",
    "point_1_text": "Общие положения",
}
CHOSEN = {
    "kind": "regulation",
    "mark_1_kind": "accepted",
    "mark_2_kind": "agreed",
    "mark_3_kind": "approved",
}


async def test_a_regulation_is_entered_and_read_at_390_px_without_javascript(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    context = await chromium.new_context(
        base_url=f"http://127.0.0.1:{site.web_port}",
        locale="ru-RU",
        viewport=ViewportSize(width=390, height=844),
        java_script_enabled=False,
    )
    page = await context.new_page()
    try:
        await sign_in_as(page, "Директор школы № 1", "/acts/new")
        await expect(page.get_by_role("heading", name="Внести акт в реестр")).to_be_visible()
        for name, value in CHOSEN.items():
            await page.locator(f'select[name="{name}"]').select_option(value)
        for name, value in FIELDS.items():
            await page.locator(f'[name="{name}"]').fill(value)
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path=screenshots / "act-new-390.png", full_page=True)
        await page.get_by_role("button", name="Внести акт").click()

        await expect(page.get_by_text("Акт внесён в реестр")).to_be_visible()
        await expect(page.get_by_text("Утверждено")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path=screenshots / "act-390.png", full_page=True)
        await page.get_by_role("link", name="К реестру актов").click()
        await expect(page.get_by_role("link", name=FIELDS["title"])).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path=screenshots / "acts-390.png", full_page=True)
    finally:
        await context.close()
