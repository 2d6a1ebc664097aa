"""A roadmap from the school's Word table on a phone's width in a real browser: uploaded,
reviewed (each block's stage), its unread deadline settled and saved; the roadmap page then
shows it without scrolling sideways at 390 px."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import FilePayload, Page, ViewportSize, expect

from services.demo_users import NODES, demo_token
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from tests.integration.test_roadmaps_as_written import docx_of
from tests.roadmap_seeds import DONETSK, table_rows

pytestmark = pytest.mark.browser
PHONE = ViewportSize(width=390, height=844)


async def school_with_an_order(site: Settings) -> str:
    """A new school of the demo's first municipality with its implementation order and no
    roadmap yet: its coordinator's token."""
    officer = demo_token(site, Role.REGION_OFFICER)
    async with httpx.AsyncClient(timeout=30) as client:
        created = await client.post(
            f"http://127.0.0.1:{site.registry_port}/organisations",
            json={
                "kind": "school",
                "name": "МБОУ «Специализированная школа № 135»",
                "parent_id": str(NODES["municipality-1"].id),
            },
            headers={"Authorization": f"Bearer {officer}"},
        )
        assert created.status_code == 201, created.text
        school = created.json()
        token = demo_token(site, Role.SCHOOL_COORDINATOR, school["path"])
        ordered = await client.post(
            f"http://127.0.0.1:{site.programs_port}/schools/{school['id']}/implementation",
            json={
                "number": "852",
                "order_date": str(DONETSK.starts),
                "period_from": str(DONETSK.starts),
                "period_to": str(DONETSK.ends),
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        assert ordered.status_code == 201, ordered.text
    return token


async def no_sideways_scroll(page: Page) -> None:
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


async def test_a_roadmap_table_is_uploaded_settled_and_saved_at_390_px(
    page: Page, site: Settings, screenshots: Path
) -> None:
    token = await school_with_an_order(site)
    rows = table_rows(DONETSK)
    rows[2][2] = "в начале учебного года"  # activity 1: words the platform cannot read
    await page.set_viewport_size(PHONE)
    await page.goto("/login?next=/roadmap/import")
    await page.get_by_text("Войти по токену разработчика").click()
    await page.locator("#token").fill(token)
    await page.get_by_role("button", name="Войти", exact=True).click()

    table = docx_of(rows)
    file = FilePayload(
        name="дорожная карта.docx", mimeType="application/octet-stream", buffer=table
    )
    await page.get_by_label("Файл Word или Excel").set_input_files(files=[file])
    await page.get_by_role("button", name="Прочитать таблицу").click()
    unread = page.get_by_label("Срок мероприятия 1", exact=True)
    await expect(unread).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#e-item-0-deadline")).to_contain_text("не распознан")
    await no_sideways_scroll(page)
    await page.screenshot(path=screenshots / "roadmap-import-review-390.png", full_page=True)

    for index, (_, _, stage) in enumerate(DONETSK.blocks):
        await page.locator(f"#f-block-{index}-stage").select_option(str(stage or ""))
    await unread.fill("Сентябрь")
    await page.get_by_role("button", name="Сохранить дорожную карту").click()

    await expect(page).to_have_url(f"{page.url.split('/roadmap')[0]}/roadmap")
    headings = page.get_by_role("heading", level=2)
    await expect(headings).to_have_text([f"{n}. {t}" for n, t, _ in DONETSK.blocks])
    deadlines = page.locator("tbody tr td:nth-child(2)")
    await expect(deadlines.first).to_contain_text("Сентябрь")  # as the coordinator settled it
    await expect(deadlines.nth(4)).to_contain_text("Ноябрь-май")
    await no_sideways_scroll(page)
    await page.screenshot(path=screenshots / "roadmap-written-390.png", full_page=True)
