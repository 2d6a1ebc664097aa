"""Above the school in a real browser (Playwright, Debian's headless chromium, the four services
as `make run` runs them, the demo region): a municipality compares its schools and cannot open
another municipality's; the region sees its indicator charts; the institute reviews a
self-audit and browses its base of mentors; an auditor replays a programme at a past date.
Screenshots land in tests/artifacts/screenshots/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from services.demo_users import SCHOOLS, demo_id
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.settings import Settings, region_today
from tests.e2e.test_web_browser import sign_in_as, sign_out
from tests.web_support import phone

pytestmark = pytest.mark.browser

FIRST, SECOND, THIRD = (school.name for school in SCHOOLS)


async def test_a_municipality_compares_its_schools_and_cannot_open_another_s(
    page: Page, screenshots: Path
) -> None:
    await sign_in_as(page, "Специалист управления образования")
    await page.get_by_role("link", name="Сравнение школ").click()

    table = page.locator("table.comparison")
    await expect(table.get_by_role("link", name=FIRST)).to_be_visible()
    await expect(table.get_by_role("link", name=SECOND)).to_be_visible()
    await expect(page.get_by_text(THIRD)).to_have_count(0)  # another municipality's
    await page.get_by_role("link", name="Пары", exact=True).click()  # most pairs first
    await expect(page.get_by_role("link", name="Пары ↓")).to_be_visible()
    most_first = await pairs_column(page)
    await page.get_by_role("link", name="Пары ↓").click()  # and the other way round
    await expect(page.get_by_role("link", name="Пары ↑")).to_be_visible()
    fewest_first = await pairs_column(page)
    assert most_first == sorted(most_first, reverse=True)
    assert fewest_first == sorted(most_first)
    assert most_first != fewest_first  # the demo's schools differ (other tests add pairs)
    await page.get_by_role("link", name="Пары ↑").click()
    await page.screenshot(path=screenshots / "municipality-comparison.png", full_page=True)

    await page.get_by_label("Охват от, %").fill("сто")
    await page.get_by_role("button", name="Применить").click()
    await expect(page.get_by_text("Укажите число от 0 до 100")).to_be_visible()
    await expect(page.get_by_label("Охват от, %")).to_have_value("сто")
    await page.screenshot(path=screenshots / "municipality-comparison-bad-filter.png")

    await table.get_by_role("link", name=FIRST).click()
    await expect(page.get_by_role("heading", name=FIRST)).to_be_visible()
    await expect(page.get_by_role("heading", name="Дорожная карта")).to_be_visible()
    await page.screenshot(path=screenshots / "municipality-school.png", full_page=True)

    response = await page.goto(f"/monitoring/schools/{SCHOOLS[2].id}")
    assert response is not None
    assert response.status == 404
    await expect(page.get_by_role("heading", name="Страница не найдена")).to_be_visible()
    await expect(page.get_by_text("принадлежит другой организации")).to_be_visible()
    await page.screenshot(path=screenshots / "municipality-other-school-404.png", full_page=True)


async def test_the_region_sees_its_indicator_charts(page: Page, screenshots: Path) -> None:
    await sign_in_as(page, "Специалист министерства образования")
    await page.get_by_role("link", name="Показатели региона").click()

    charts = page.locator("figure.chart svg")
    await expect(charts).to_have_count(3)
    for n in range(3):
        await expect(charts.nth(n)).to_be_visible()
    by_municipality = charts.nth(1)
    await expect(by_municipality).to_contain_text("Новокузнецкий городской округ")
    await expect(by_municipality).to_contain_text("Цель региона")
    box = await by_municipality.bounding_box()
    assert box is not None
    assert box["width"] > 500  # drawn, not an empty box
    await page.screenshot(path=screenshots / "region-indicators.png", full_page=True)

    await page.get_by_label("Показатель для графиков").select_option(
        label="Удовлетворённость наставляемых"
    )
    await page.get_by_role("button", name="Показать").click()
    await expect(charts.nth(2)).to_contain_text("Удовлетворённость наставляемых")


async def test_the_institute_reviews_a_self_audit_and_browses_its_base_of_mentors(
    page: Page, screenshots: Path
) -> None:
    await sign_in_as(page, "Методист ИРО")
    await page.get_by_role("link", name="Самоаудит").click()
    await page.get_by_role("link", name=THIRD).click()
    item = page.locator("#item-4")
    await item.get_by_text("Проверить пункт 4").click()  # the form folds under each item
    await item.get_by_label("не выполнено").check()
    await item.get_by_label("Рекомендация школе").fill("Включите наставников в региональную базу")

    await item.get_by_role("button", name="Сохранить проверку пункта 4").click()

    await expect(page.get_by_text("Проверка пункта 4 сохранена")).to_be_visible()
    await expect(page.locator("#item-4")).to_contain_text("Включите наставников")
    await page.screenshot(path=screenshots / "institute-self-audit.png", full_page=True)
    await page.get_by_role("link", name="База наставников").click()
    await expect(page.get_by_role("heading", name="Курсы подготовки наставников")).to_be_visible()
    # The demo's institute ran the course in each of the two school years.
    course = r"Школа наставника: технологии сопровождения \(\d{4}\)"
    await expect(page.get_by_role("cell", name=re.compile(f"^{course}$"))).to_have_count(2)
    completed = page.get_by_role("cell", name=re.compile(rf"^{course} \(36 ч"))
    await expect(completed.first).to_be_visible()
    await page.screenshot(path=screenshots / "institute-register.png", full_page=True)


async def test_an_auditor_opens_a_programme_s_state_at_a_past_date(
    page: Page, screenshots: Path, site_database: DatabaseAddress
) -> None:
    programme = demo_id("school-1-programme")
    total = await backdate_first_half(site_database, str(programme), days=30)
    await sign_in_as(page, "Аудитор")
    await page.get_by_role("link", name="История программ").click()
    await page.screenshot(path=screenshots / "auditor-programmes.png", full_page=True)
    await page.locator("tr", has_text=FIRST).get_by_role("link", name="История").click()
    await expect(page.get_by_role("heading", name="История программы")).to_be_visible()
    await expect(page.get_by_text("Программа открыта")).to_be_visible()
    await page.screenshot(path=screenshots / "auditor-timeline.png")  # the top: a long page

    past = (region_today() - timedelta(days=15)).strftime("%d.%m.%Y")
    await page.get_by_label("Как знала платформа на дату").fill(past)
    await page.get_by_role("button", name="Показать состояние").click()

    heading = f"Состояние программы как знала платформа на {past}"
    await expect(page.get_by_role("heading", name=heading)).to_be_visible()
    await expect(page.get_by_text(f"Учтено событий: {total // 2} из {total}")).to_be_visible()
    await page.screenshot(path=screenshots / "auditor-state-past.png", full_page=True)


async def pairs_column(page: Page) -> list[int]:
    """The comparison's «Пары» column, top to bottom."""
    cells = page.locator("table.comparison tbody tr td:nth-child(5)")
    return [int(text) for text in await cells.all_inner_texts()]


async def backdate_first_half(database: DatabaseAddress, programme: str, days: int) -> int:
    """As if the programme's first half of events had happened `days` ago (the demo stores
    everything today); returns how many events it has."""
    connection = await connect(database)
    try:
        total: int = await connection.fetchval(
            "SELECT count(*) FROM event_history WHERE programme_id = $1", programme
        )
        await connection.execute(
            "UPDATE event_history SET occurred_at = occurred_at - make_interval(days => $3)"
            " WHERE programme_id = $1 AND (upstream, position) IN (SELECT upstream, position"
            " FROM event_history WHERE programme_id = $1 ORDER BY upstream, position LIMIT $2)",
            programme,
            total // 2,
            days,
        )
    finally:
        await connection.close()
    return total


async def test_first_pages_and_confirmations_work_narrow_and_without_javascript(
    chromium: Browser, site: Settings, screenshots: Path
) -> None:
    """A phone 390 px wide with scripts off: the municipality's and the auditor's first pages,
    the school's self-audit, and a confirmation step that asks before the stage moves on."""
    async with phone(chromium, site) as page:
        await sign_in_as(page, "Специалист управления образования")
        await expect(page.get_by_role("heading", name=re.compile("Школы: главное"))).to_be_visible()
        await expect(page.locator('li[data-attention="Не приступили"]')).to_be_visible()
        await page.screenshot(path=screenshots / "municipality-home-390.png", full_page=True)
        await sign_out(page)

        await sign_in_as(page, "Аудитор")
        await expect(page.get_by_role("link", name="Открыть историю программ")).to_be_visible()
        await page.screenshot(path=screenshots / "auditor-home-390.png", full_page=True)
        await sign_out(page)

        await sign_in_as(page, "Директор школы № 1", "/self-audit")
        await expect(page.get_by_role("heading", name="Самоаудит школы")).to_be_visible()
        await page.screenshot(path=screenshots / "school-self-audit-390.png", full_page=True)
        await page.goto("/programme")
        await page.get_by_role("button", name=re.compile("Перейти к этапу")).click()
        await expect(
            page.get_by_role("heading", name=re.compile(r"Перейти к этапу \d"))
        ).to_be_visible()
        await page.screenshot(path=screenshots / "confirm-stage-390.png", full_page=True)
        await page.get_by_role("link", name="Отмена").click()
        await expect(page.get_by_role("heading", name="Программа наставничества")).to_be_visible()
