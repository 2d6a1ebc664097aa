"""A coordinator's day in a real browser: Playwright drives Debian's headless chromium against
the four services running as `make run` runs them, with the demo region."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Page, expect

pytestmark = pytest.mark.browser


async def test_a_coordinator_signs_in_and_sees_what_needs_attention(
    page: Page, screenshots: Path
) -> None:
    await page.goto("/")
    await expect(page).to_have_url("/login?next=/")
    await page.screenshot(path=screenshots / "login.png", full_page=True)

    await page.get_by_role("button", name="Координатор школы № 1").click()

    await expect(page.get_by_role("heading", name="Что требует внимания")).to_be_visible()
    programme = page.get_by_text("Программа наставничества на 2025/26 учебный год")
    await expect(programme).to_be_visible()
    await page.screenshot(path=screenshots / "school-home.png", full_page=True)
